"""Claiming and running due jobs (healthchecks' ``sendalerts`` pattern).

``run_due`` reads the due jobs, and for each tries ``UPDATE … SET next_run = now + every WHERE id = ?
AND next_run = <read value>``. Only the process whose UPDATE changed one row runs the job; another
scheduler that read the same row finds zero rows changed and skips it. Jobs are idempotent as well,
so even a run repeated after a crash changes nothing twice.
"""

import logging
import time
from datetime import datetime, timedelta

from django.db import close_old_connections
from django.db.models import F
from django.utils import timezone

from .models import Job
from .registry import JobSpec, jobs

logger = logging.getLogger(__name__)


def ensure_jobs() -> None:
    """Create a row for every registered job (due at once)."""
    existing = set(Job.objects.values_list("name", flat=True))
    Job.objects.bulk_create(
        [Job(name=s.name) for s in jobs() if s.name not in existing], ignore_conflicts=True
    )


def claim(spec: JobSpec, now: datetime) -> bool:
    """Claim the due run of ``spec``: True for exactly one caller among concurrent schedulers."""
    row = Job.objects.filter(name=spec.name, next_run__lte=now).values_list("next_run", flat=True).first()
    if row is None:
        return False
    claimed = Job.objects.filter(name=spec.name, next_run=row).update(
        next_run=now + timedelta(seconds=spec.every), last_started=now, runs=F("runs") + 1
    )
    return claimed == 1


def run(spec: JobSpec, now: datetime) -> str:
    """Run one job now (claimed or not) and record its outcome."""
    try:
        fn = spec.function()
        result = fn(now=now) if spec.takes_now else fn()
        outcome = f"ok: {result}"
        failed = False
    except Exception as exc:  # a failing job must not stop the others
        logger.exception("job %s failed", spec.name)
        outcome = f"error: {type(exc).__name__}: {exc}"[:300]
        failed = True
    updates = {"last_finished": timezone.now(), "last_result": outcome}
    if failed:
        updates["failures"] = F("failures") + 1
    Job.objects.filter(name=spec.name).update(**updates)
    return outcome


def run_due(now: datetime | None = None) -> list[tuple[str, str]]:
    """Run every due job this process manages to claim; returns (name, outcome) pairs."""
    now = now or timezone.now()
    ensure_jobs()
    done = []
    for spec in jobs():
        if claim(spec, now):
            done.append((spec.name, run(spec, now)))
    return done


def loop(*, interval: float = 5.0, once: bool = False, stop=None) -> None:
    """Run due jobs every ``interval`` seconds until ``stop()`` is true (or once)."""
    while True:
        close_old_connections()
        for name, outcome in run_due():
            logger.warning("job %s: %s", name, outcome)
        if once or (stop and stop()):
            return
        time.sleep(interval)
