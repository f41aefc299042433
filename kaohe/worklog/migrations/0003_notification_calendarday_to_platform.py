"""Notifications and the calendar overrides now belong to the platform (``kaohe.platform``, whose
first migration takes them over with their tables): the work-log app forgets them, in Django's state
only — the tables and their rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("worklog", "0002_fewer_indexes"),
        ("platform", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="CalendarDay"),
            ],
        ),
    ]
