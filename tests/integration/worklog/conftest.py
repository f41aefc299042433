"""Helpers for work-log tests: fixed times in Asia/Shanghai (never the clock), and logs made
through the services."""

from datetime import date, datetime

import pytest

from kaohe.platform.calendar import SHANGHAI

TUE = date(2025, 6, 3)  # Tuesday after the Dragon Boat holiday (31 May – 2 June 2025)
WED = date(2025, 6, 4)
THU = date(2025, 6, 5)
FRI = date(2025, 6, 6)


def at(day: date, hour: int = 18, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def write(org):
    """``write(person, day, now=…)`` → a log written by the person's own account."""
    from kaohe.worklog import services

    def _write(person=None, day=TUE, now=None, content="走访群众，整理台账", **kw):
        person = person or org.a2
        return services.write_log(
            actor=person.user, person=person, day=day, content=content, now=now or at(day), **kw
        )

    return _write


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English, whatever the catalogue holds."""
    from django.utils import translation

    with translation.override("en"):
        yield
