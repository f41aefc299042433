"""The platform takes over two models from the work-log app: in-app notifications and the calendar
overrides. Their tables keep their names, so this changes Django's state only and no row moves; the
content types follow, so that permissions granted on them still apply."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ("notification", "calendarday")


def content_types_follow(apps, schema_editor, source="worklog", target="platform"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if not ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)


def content_types_go_back(apps, schema_editor):
    content_types_follow(apps, schema_editor, source="platform", target="worklog")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("org", "0001_initial"),
        ("worklog", "0002_fewer_indexes"),  # the tables were made there
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created", models.DateTimeField(default=django.utils.timezone.now)),
                        ("text", models.CharField(max_length=300)),
                        ("url", models.CharField(blank=True, max_length=200)),
                        ("read", models.BooleanField(default=False)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "worklog_notification",
                        "ordering": ["-created"],
                        "indexes": [
                            models.Index(fields=["user", "read", "created"], name="worklog_notification_unread")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="CalendarDay",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField(verbose_name="day")),
                        (
                            "kind",
                            models.CharField(
                                choices=[("working", "Working day"), ("rest", "Rest day")],
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=100, verbose_name="note")),
                        (
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="org.unit",
                                verbose_name="unit",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "worklog_calendarday",
                        "verbose_name": "calendar day",
                        "verbose_name_plural": "calendar days",
                        "ordering": ["day"],
                        "constraints": [
                            models.UniqueConstraint(fields=("unit", "day"), name="worklog_calendar_unique")
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_go_back),
    ]
