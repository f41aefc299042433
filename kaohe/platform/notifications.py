"""In-app notifications: sending them (any app: a work-log reminder, a result published, a sheet
waiting), reading them and marking them read."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification

TEXT_LENGTH = Notification._meta.get_field("text").max_length or 300


def notify(*, user_ids: Iterable[int], text: str, url: str = "", now: datetime | None = None) -> int:
    """One notification of ``text`` (cut to the column's length), linking to ``url``, for each
    account of ``user_ids``; returns how many were sent."""
    at = now or timezone.now()
    rows = [Notification(user_id=uid, created=at, text=text[:TEXT_LENGTH], url=url) for uid in user_ids]
    Notification.objects.bulk_create(rows)
    return len(rows)


def for_user(user) -> QuerySet[Notification]:
    """The account's notifications, newest first."""
    return Notification.objects.filter(user=user)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read=False).count()


def mark_all_read(*, user) -> int:
    """Mark every unread notification of the account read; returns how many were."""
    return Notification.objects.filter(user=user, read=False).update(read=True)
