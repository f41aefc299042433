"""Writing, editing and reviewing logs through the services: audit events, state changes, and the
clear refusal of bad input with nothing changed."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kaohe.audit.models import Event
from kaohe.worklog import services
from kaohe.worklog.models import Attachment, ReviewerStat, Stat, WorkLog

from .conftest import TUE, WED, at

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def test_it_writes_a_log_on_time_with_its_audit_event_and_rollups(org, write):
    log = write(tags=["key_task"])
    assert log.status == "submitted" and not log.late and log.reviewer_id == org.a1.pk
    event = Event.objects.get(action="worklog.log.create", object_id=str(log.pk))
    assert event.unit_id == org.unit_a.pk  # the writer's unit: the trail of unit A's inspector
    month = Stat.objects.get(person=org.a2, period="month", start=date(2025, 6, 1))
    week = Stat.objects.get(person=org.a2, period="week", start=date(2025, 6, 2))
    assert (month.filled, month.on_time, month.late) == (1, 1, 0)
    assert week.filled == 1
    assert ReviewerStat.objects.get(reviewer=org.a1, period="month").received == 1


def test_a_log_written_after_the_deadline_is_late(org, write):
    log = write(day=TUE, now=at(WED, 11))  # on time until 10:00 on the next working day
    assert log.late
    assert Stat.objects.get(person=org.a2, period="month").late == 1


@pytest.mark.parametrize(
    ("day", "now", "content", "field"),
    [
        (TUE, at(TUE), "", "content"),
        (TUE, at(TUE), "x" * 2001, "content"),
        (date(2025, 6, 1), at(date(2025, 6, 1)), "ok", "day"),  # a Sunday in the holiday
        (WED, at(TUE), "ok", "day"),  # tomorrow
        (TUE, at(date(2025, 6, 20)), "ok", "day"),  # window closed
    ],
)
def test_bad_logs_are_refused_and_change_nothing(org, day, now, content, field):
    with pytest.raises(ValidationError) as err:
        services.write_log(actor=org.a2.user, person=org.a2, day=day, content=content, now=now)
    assert field in err.value.message_dict
    assert not WorkLog.objects.exists() and not Stat.objects.exists()
    assert not Event.objects.filter(action__startswith="worklog.").exists()


def test_a_second_log_for_the_same_day_is_refused(org, write):
    write()
    with pytest.raises(ValidationError, match="already a log"):
        write()
    assert WorkLog.objects.count() == 1
    assert Stat.objects.get(person=org.a2, period="month").filled == 1


def test_only_the_person_writes_their_log(org):
    with pytest.raises(PermissionDenied):
        services.write_log(actor=org.a1.user, person=org.a2, day=TUE, content="x", now=at(TUE))


def test_attachments_are_checked_by_content_and_size(org, write, settings):
    log = write(files=[SimpleUploadedFile("photo.png", PNG)])
    assert log.attachments.get().content_type == "image/png"
    # written through the ORM (a log with files), its event carries the unit too
    assert Event.objects.get(action="worklog.log.create", object_id=str(log.pk)).unit_id == org.unit_a.pk
    with pytest.raises(ValidationError, match="not a photo"):
        write(day=WED, files=[SimpleUploadedFile("fake.png", b"MZ\x90\x00 not an image")])
    settings.KAOHE_WORKLOG_ATTACHMENT_BYTES = 50
    with pytest.raises(ValidationError, match="larger than"):
        write(day=WED, files=[SimpleUploadedFile("big.png", PNG)])
    assert WorkLog.objects.count() == 1 and Attachment.objects.count() == 1


def test_return_correct_resubmit_approve(org, write):
    log = write()
    with pytest.raises(ValidationError, match="correct"):
        services.return_log(actor=org.a1.user, log=log, comment="  ", now=at(TUE, 19))
    log = services.return_log(actor=org.a1.user, log=log, comment="写具体些", now=at(TUE, 19))
    assert log.status == "returned" and log.returns == 1
    assert org.a2.user.notifications.filter(text__contains="写具体些").exists()
    log = services.edit_log(actor=org.a2.user, log=log, content="走访群众3户，整理台账20份", now=at(TUE, 20))
    assert log.status == "submitted"
    log = services.approve_log(actor=org.a1.user, log=log, now=at(TUE, 21))
    assert log.status == "approved" and log.review_seconds == 3600
    with pytest.raises(ValidationError, match="approved"):
        services.edit_log(actor=org.a2.user, log=log, content="改", now=at(TUE, 22))
    actions = list(
        Event.objects.filter(object_id=str(log.pk)).order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        "worklog.log.create",
        "worklog.log.return",
        "worklog.log.resubmit",
        "worklog.log.approve",
    ]
    rs = ReviewerStat.objects.get(reviewer=org.a1, period="month")
    assert (rs.received, rs.decided, rs.decision_seconds) == (2, 2, 3600 + 3600)


def test_someone_not_the_reviewer_cannot_review(org, write):
    log = write()
    for user in (org.users["office"], org.users["outsider"], org.a2.user):
        with pytest.raises(ValidationError, match="reviewer"):
            services.approve_log(actor=user, log=log, now=at(TUE, 19))
    assert WorkLog.objects.get().status == "submitted"


def test_approving_many_is_all_or_none(org, write):
    from tests.conftest import make_person

    a3 = make_person("A003", "陈四", org.unit_a, reviewer=org.a1)
    from tests.conftest import make_user

    make_user("staff_a3", "staff", org.unit_a, person=a3)
    one, two = write(), write(person=a3)
    services.approve_log(actor=org.a1.user, log=two, now=at(TUE, 19))
    with pytest.raises(ValidationError):
        services.approve_logs(actor=org.a1.user, logs=[one, two], now=at(TUE, 20))
    assert WorkLog.objects.get(pk=one.pk).status == "submitted"
    two.refresh_from_db()
    assert services.approve_logs(actor=org.a1.user, logs=[one], now=at(TUE, 20)) == 1


def test_calendar_override_makes_a_weekend_a_working_day(org, write):
    saturday = date(2025, 6, 7)
    with pytest.raises(ValidationError):
        write(day=saturday)
    services.set_calendar_day(
        actor=org.users["office"], unit=org.unit_a, day=saturday, kind="working", note="值班"
    )
    assert write(day=saturday).day == saturday
    with pytest.raises(ValidationError):  # the override is the unit's own: office_b still rests
        services.write_log(actor=org.b1.user, person=org.b1, day=saturday, content="x", now=at(saturday))


def test_changed_log_settings_apply_to_the_next_log_at_once(org, write):
    """Work-log settings are cached for the hot path; a change through the service is seen by the next write."""
    assert not write(day=TUE, now=at(WED, 9)).late  # on time until 10:00 on the next working day
    services.save_log_settings(actor=org.users["office"], unit=org.unit_a, backfill_days=0)
    assert write(person=org.a1, day=TUE, now=at(WED, 9)).late  # now: on time until the day's end


def test_a_removed_calendar_override_applies_at_once(org, write):
    saturday = date(2025, 6, 7)
    office = org.users["office"]
    services.set_calendar_day(actor=office, unit=org.unit_a, day=saturday, kind="working")
    assert write(day=saturday).day == saturday
    services.clear_calendar_day(actor=office, unit=org.unit_a, day=saturday)
    with pytest.raises(ValidationError, match="not a working day"):
        write(person=org.a1, day=saturday)
