"""Closing days and reminding: misses, the notice and deduction after N consecutive misses exactly
once however often the job runs, rollups equal to a recount, and two schedulers never doubling."""

from datetime import date

import pytest

from kaohe.audit.models import Event
from kaohe.platform.models import Notification
from kaohe.scheduler import runner
from kaohe.scheduler.models import Job
from kaohe.scheduler.registry import JobSpec
from kaohe.worklog import jobs, rollups, selectors, services
from kaohe.worklog.models import ClosedDay, Miss, MissNotice, ReminderRun, Stat

from .conftest import FRI, THU, TUE, WED, at

pytestmark = pytest.mark.django_db


def _close_through(day, hour=11):
    return jobs.close_days(now=at(day, hour))


def test_two_consecutive_misses_make_one_notice_and_deduction_even_when_closing_twice(org, write):
    write(person=org.a1, day=TUE)  # a1 wrote Tuesday: no run of two for a1
    _close_through(WED)  # first run ever: closes Tuesday only
    _close_through(THU)  # closes Wednesday: a2 missed Tue and Wed → notice
    assert _close_through(THU) == 0  # again: nothing to do
    notices = MissNotice.objects.filter(person=org.a2)
    assert notices.count() == 1
    notice = notices.get()
    assert (notice.first_day, notice.day, notice.days, notice.points) == (TUE, WED, 2, 1)
    assert "2" in notice.reason
    stat = Stat.objects.get(person=org.a2, period="month")
    assert (stat.working_days, stat.missed, stat.notices, stat.deduction) == (2, 2, 1, 1)
    assert Event.objects.filter(action="worklog.notice.create").count() == 2  # a2 and b1
    assert org.a2.user.notifications.filter(text=notice.reason).exists()
    row = selectors.log_statistics([org.a2.pk], date(2025, 6, 1), date(2025, 6, 30))[0]
    assert row["misses"] == 1 and row["missed_days"] == 2 and row["fill_rate"] == 0.0


def test_a_log_breaks_the_run(org, write):
    _close_through(WED)
    write(day=WED, now=at(WED))
    _close_through(THU)
    assert not MissNotice.objects.filter(person=org.a2).exists()
    assert Miss.objects.filter(person=org.a2).count() == 1


def test_rollups_equal_a_recount(org, write):
    write(day=TUE, now=at(TUE))
    write(person=org.b1, day=TUE, now=at(WED, 12))  # late
    log = write(day=WED, now=at(WED))
    services.return_log(actor=org.a1.user, log=log, comment="补充", now=at(WED, 19))
    services.edit_log(actor=org.a2.user, log=log, content="补充后", now=at(WED, 20))
    services.approve_log(actor=org.a1.user, log=log, now=at(THU, 9))
    _close_through(WED)
    _close_through(THU)
    _close_through(FRI)
    ids = [org.a1.pk, org.a2.pk, org.b1.pk]
    counted = rollups.recount(ids, "month", date(2025, 6, 1), date(2025, 6, 30))
    for pid in ids:
        stat = Stat.objects.filter(person_id=pid, period="month").first()
        kept = {c: getattr(stat, c) if stat else 0 for c in Stat.COUNTERS}
        assert kept == counted[pid], pid


def test_two_schedulers_claim_a_due_job_exactly_once(org):
    runner.ensure_jobs()
    spec = JobSpec("worklog.close_days", "kaohe.worklog.jobs:close_days", every=600)
    now = at(WED, 11)
    Job.objects.filter(name=spec.name).update(next_run=now)
    assert runner.claim(spec, now) is True
    assert runner.claim(spec, now) is False  # the second scheduler finds the row moved on
    assert Job.objects.get(name=spec.name).runs == 1


def test_scheduler_runs_due_jobs_and_running_them_again_changes_nothing(org, write):
    write(day=TUE, now=at(TUE))
    runner.ensure_jobs()
    Job.objects.update(next_run=at(WED, 11))
    done = dict(runner.run_due(now=at(WED, 11)))
    assert done["worklog.close_days"] == "ok: 2"  # Tuesday for office_a and office_b
    closed = ClosedDay.objects.count()
    Job.objects.update(next_run=at(WED, 11))
    runner.run_due(now=at(WED, 11))
    assert ClosedDay.objects.count() == closed
    assert Miss.objects.count() == 2  # a1 and b1 missed Tuesday


def test_reminders_go_once_to_people_without_a_log(org, write, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.save_log_settings(actor=org.users["office"], unit=org.root, reminder_hour=16, remind_email=True)
    org.a2.user.email = "a2@example.cn"
    org.a2.user.save()
    write(person=org.b1, day=TUE, now=at(TUE, 9))
    assert jobs.send_reminders(now=at(TUE, 15)) == 0  # before the hour
    assert jobs.send_reminders(now=at(TUE, 17)) == 2  # a1 and a2
    assert jobs.send_reminders(now=at(TUE, 18)) == 0  # already reminded
    assert Notification.objects.filter(user=org.a2.user).count() == 1
    assert not Notification.objects.filter(user=org.b1.user).exists()
    assert ReminderRun.objects.filter(day=TUE).count() == 2


def test_webhook_reminder_is_posted_in_the_platform_format(org, monkeypatch):
    sent = []
    monkeypatch.setattr(
        "kaohe.platform.channels.post_json", lambda req, timeout=5.0: sent.append(req) or True
    )
    services.save_log_settings(
        actor=org.users["office"],
        unit=org.root,
        webhook_kind="dingtalk",
        webhook_url="https://oapi.dingtalk.com/robot/send?access_token=x",
        webhook_secret="SEC",
    )
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        jobs.send_reminders(now=at(TUE, 18))
    assert sent and sent[0].body["msgtype"] == "text" and "&sign=" in sent[0].url
    assert "李二" in sent[0].body["text"]["content"]
