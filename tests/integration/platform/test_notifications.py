"""In-app notifications: sent to each account named, cut to their column, read and marked read per
account only; a unit's calendar from the overrides of the unit and its ancestors."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kaohe.platform import notifications
from kaohe.platform.calendar import calendar_for_unit
from kaohe.platform.models import CalendarDay, Notification

pytestmark = pytest.mark.django_db


def test_each_account_gets_one_notification_cut_to_the_column(org):
    staff, reviewer = org.users["staff"], org.users["reviewer"]
    at = datetime(2025, 6, 3, 17, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert notifications.notify(user_ids=[staff.pk, reviewer.pk], text="长" * 400, url="/x/", now=at) == 2
    sent = Notification.objects.get(user=staff)
    assert (len(sent.text), sent.url, sent.created, sent.read) == (300, "/x/", at, False)
    assert notifications.notify(user_ids=[], text="nobody") == 0


def test_marking_read_touches_only_the_accounts_own_unread(org):
    staff, reviewer = org.users["staff"], org.users["reviewer"]
    notifications.notify(user_ids=[staff.pk, staff.pk, reviewer.pk], text="请填写纪实")
    assert notifications.unread_count(staff) == 2
    assert notifications.mark_all_read(user=staff) == 2
    assert notifications.unread_count(staff) == 0 and notifications.mark_all_read(user=staff) == 0
    assert notifications.unread_count(reviewer) == 1
    assert [n.text for n in notifications.for_user(staff)] == ["请填写纪实"] * 2


def test_a_units_calendar_takes_the_nearest_override(org):
    national_day, saturday = date(2025, 10, 1), date(2025, 10, 11)
    CalendarDay.objects.create(unit=org.root, day=national_day, kind="working")
    CalendarDay.objects.create(unit=org.root, day=saturday, kind="working")
    CalendarDay.objects.create(unit=org.unit_a, day=saturday, kind="rest")
    cal_a, cal_b = calendar_for_unit(org.unit_a), calendar_for_unit(org.unit_b)
    assert cal_a.is_working_day(national_day) and cal_b.is_working_day(national_day)  # the township's
    assert not cal_a.is_working_day(saturday) and cal_b.is_working_day(saturday)  # office_a's own
    assert calendar_for_unit(org.unit_a, start=saturday).overrides == {saturday: False}
