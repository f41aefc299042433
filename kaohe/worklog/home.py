"""The work-log sections of the home page: today's log (staff) and logs to review (reviewers)."""

from django.utils import timezone

from kaohe.accounts.models import Role
from kaohe.accounts.scope import scope_for
from kaohe.platform import notifications

from .models import MissNotice
from .selectors import own_person, review_queue


def home_sections(user) -> dict:
    """``worklog_today`` for a person with an account, ``worklog_review`` for a reviewer; a few queries."""
    scope = scope_for(user)
    out: dict = {}
    person = own_person(user) if scope.has_role(Role.STAFF) else None
    if person is not None:
        today = timezone.localdate()
        out["worklog_today"] = {
            "day": today,
            "log": person.worklogs.filter(day=today).first(),
            "unread": notifications.unread_count(user),
            "notice": MissNotice.objects.filter(person=person).order_by("-day").first(),
        }
    if scope.has_role(Role.REVIEWER):
        queue = review_queue(user)
        out["worklog_review"] = {"count": queue.count(), "first": list(queue[:5])}
    return out
