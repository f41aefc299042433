"""A few weeks of work logs for the demo township: most people write every working day, a few
forget (two of them twice in a row, so the miss rule shows a notice and a deduction), reviewers
approve most logs and return some. Days are closed by the real job; nothing is faked in the
rollups. Runs once: it does nothing when the demo people already have logs."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kaohe.audit.services import record
from kaohe.org.demo import DEMO_ROOT_CODE
from kaohe.org.models import Person, Unit
from kaohe.platform.calendar import SHANGHAI, calendar_for_unit

from . import jobs, rollups
from .choices import LogStatus, LogTag
from .models import WorkLog
from .selectors import log_settings_for_unit

TEXTS = [
    "走访{n}户群众，收集意见建议并登记台账。",
    "参加党委会议，落实会议部署的重点工作。",
    "整理项目资料，报送月度进度表。",
    "接待来访群众{n}人次，当场答复{m}件。",
    "到村督导人居环境整治，现场交办问题{n}个。",
    "完成上级临时交办的统计任务，核对数据。",
]


def load_demo_logs(*, stdout=None, today: date | None = None, weeks: int = 3, seed: int = 2025) -> int:
    """Write ``weeks`` weeks of logs before ``today`` for the demo township; returns logs written."""
    root = Unit.objects.filter(code=DEMO_ROOT_CODE).first()
    if root is None:
        return 0
    people = list(Person.objects.in_subtree(root).filter(active=True).select_related("unit"))
    if WorkLog.objects.filter(person__in=people).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed)
    forgetful = {p.pk for p in rng.sample(people, min(2, len(people)))}
    cal = calendar_for_unit(root, today - timedelta(days=7 * weeks + 40), today)
    days = cal.working_days(today - timedelta(days=7 * weeks), today - timedelta(days=1))
    written = 0
    with transaction.atomic():
        for n, day in enumerate(days):
            for p in people:
                skip = (p.pk in forgetful and n in (len(days) - 3, len(days) - 2)) or rng.random() < 0.03
                if skip:
                    continue
                written += _demo_log(p, day, rng)
        for day in days:
            now = datetime.combine(cal.add_working_days(day, 1), time(11), SHANGHAI)
            for unit in Unit.objects.filter(people__in=people).distinct():
                jobs.close_day(unit=unit, day=day, cal=cal, log_settings=log_settings_for_unit(unit), now=now)
    if stdout is not None:
        stdout.write(f"Wrote {written} demo work logs over {len(days)} working days.\n")
    return written


def _demo_log(p: Person, day: date, rng: random.Random) -> int:
    at = datetime.combine(day, time(17, rng.randint(0, 59)), SHANGHAI)
    late = rng.random() < 0.05
    if late:
        at += timedelta(days=1, hours=1)
    text = rng.choice(TEXTS).format(n=rng.randint(2, 9), m=rng.randint(1, 3))
    log = WorkLog.objects.create(
        person=p,
        day=day,
        content=text,
        tags=rng.sample(LogTag.values, rng.randint(0, 2)),
        reviewer_id=p.reviewer_id,
        created=at,
        submitted=at,
        late=late,
    )
    record(actor=None, action="worklog.log.create", obj=log, after={"demo": True})
    rollups.add([(p.pk, p.unit_id, day)], filled=1, **({"late": 1} if late else {"on_time": 1}))
    if p.reviewer_id is None:
        return 1
    rollups.add_reviewer(p.reviewer_id, day, received=1)
    if rng.random() < 0.9:
        seconds = rng.randint(600, 20 * 3600)
        log.status, log.reviewed, log.review_seconds = (
            LogStatus.APPROVED,
            at + timedelta(seconds=seconds),
            seconds,
        )
        log.save(update_fields=["status", "reviewed", "review_seconds"])
        rollups.add([(p.pk, p.unit_id, day)], approved=1, review_seconds=seconds)
        rollups.add_reviewer(p.reviewer_id, day, decided=1, decision_seconds=seconds)
    return 1
