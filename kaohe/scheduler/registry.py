"""The jobs the scheduler runs: a name, a dotted path to an idempotent function taking ``now``
(or nothing), and how often. ``settings.KAOHE_JOBS`` may replace the list (same shape)."""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings


@dataclass(frozen=True)
class JobSpec:
    name: str
    target: str  # "package.module:function"
    every: int  # seconds
    takes_now: bool = True

    def function(self) -> Callable:
        module, _sep, attr = self.target.partition(":")
        return getattr(import_module(module), attr)


DEFAULT_JOBS = (
    JobSpec("worklog.close_days", "kaohe.worklog.jobs:close_days", every=600),
    JobSpec("worklog.reminders", "kaohe.worklog.jobs:send_reminders", every=300),
    JobSpec("audit.seal", "kaohe.audit.jobs:seal", every=60, takes_now=False),
    JobSpec("appraisal.close_publicity", "kaohe.appraisal.services.publicity:close_publicity", every=3600),
)


def jobs() -> tuple[JobSpec, ...]:
    configured = getattr(settings, "KAOHE_JOBS", None)
    if configured is None:
        return DEFAULT_JOBS
    return tuple(JobSpec(**spec) for spec in configured)


def by_name(name: str) -> JobSpec:
    for spec in jobs():
        if spec.name == name:
            return spec
    raise KeyError(name)
