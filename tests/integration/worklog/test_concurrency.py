"""The same day's log written from many connections at the same instant: one log, counted once, the
others refused with the usual message (the unique key is the check, not a read before the write).
Needs real concurrent transactions (PostgreSQL); SQLite serialises writers."""

from kaohe.audit.models import Event
from kaohe.worklog import services
from kaohe.worklog.models import ReviewerStat, Stat, WorkLog
from tests.concurrency import RACE_MARKS, race

from .conftest import TUE, at

pytestmark = RACE_MARKS


def test_the_same_day_written_eight_times_at_once_counts_once(org):
    outcomes = race(
        lambda: services.write_log(actor=org.a2.user, person=org.a2, day=TUE, content="走访", now=at(TUE))
    )
    assert outcomes.count("ok") == 1, outcomes
    assert all("already a log" in o for o in outcomes if o != "ok"), outcomes
    assert WorkLog.objects.count() == 1
    assert Event.objects.filter(action="worklog.log.create").count() == 1
    assert set(Stat.objects.values_list("filled", flat=True)) == {1}
    assert set(ReviewerStat.objects.values_list("received", flat=True)) == {1}
