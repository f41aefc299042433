"""Objects the permission matrix needs for the work-log URLs that name one: a log, its attachment
and an achievement record of each person the matrix uses (in and out of the role's scope)."""

from datetime import date

from django.core.files.base import ContentFile

DAY = date(2025, 6, 3)


def worklog_objects(objs: dict) -> dict:
    """``objs`` plus "log", "attachment" and "achievement" of ``objs["person"]``."""
    from kaohe.worklog.models import Achievement, Attachment, WorkLog

    person = objs["person"]
    log, _ = WorkLog.objects.get_or_create(
        person=person, day=DAY, defaults={"content": "走访", "reviewer_id": person.reviewer_id}
    )
    att = log.attachments.first()
    if att is None:
        att = Attachment(log=log, name="a.pdf", content_type="application/pdf", size=9, sha256="0" * 64)
        att.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        att.save()
    record, _ = Achievement.objects.get_or_create(
        person=person, month=date(2025, 6, 1), section="key_work", defaults={"text": "完成"}
    )
    return objs | {"log": log, "attachment": att, "achievement": record}
