"""A unit's work-log settings were called ``Rules``; *rule* is kept for what a scheme states (issue 11,
item 7). The model becomes ``LogSettings`` with its rows kept: the table is renamed
(``worklog_rules`` → ``worklog_logsettings``), and so are the related name, the verbose names and, on
PostgreSQL, the constraint, index and sequence names derived from the old table name."""

import django.db.models.deletion
from django.db import migrations, models

OLD, NEW = "worklog_rules", "worklog_logsettings"


def rename_constraints(apps, schema_editor, old: str = OLD, new: str = NEW) -> None:
    """Rename the constraints, indexes and the id sequence named after the old table (PostgreSQL keeps
    the names on a table rename; SQLite rebuilds tables and names nothing that is looked up)."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    qn = schema_editor.quote_name
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, NEW)
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [NEW])
        sequence = (cursor.fetchone()[0] or "").rpartition(".")[2].strip('"')
    if sequence == old + "_id_seq":
        schema_editor.execute(f"ALTER SEQUENCE {qn(sequence)} RENAME TO {qn(new + '_id_seq')}")
    for name, info in found.items():
        if not name.startswith(old + "_"):
            continue
        renamed = new + name[len(old) :]
        if info["index"] and not (info["unique"] or info["primary_key"] or info["foreign_key"]):
            schema_editor.execute(f"ALTER INDEX {qn(name)} RENAME TO {qn(renamed)}")
        else:
            schema_editor.execute(f"ALTER TABLE {qn(NEW)} RENAME CONSTRAINT {qn(name)} TO {qn(renamed)}")


def restore_constraints(apps, schema_editor) -> None:
    rename_constraints(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("worklog", "0003_notification_calendarday_to_platform"),
    ]

    operations = [
        migrations.RenameModel(old_name="Rules", new_name="LogSettings"),
        migrations.AlterModelOptions(
            name="logsettings",
            options={"verbose_name": "work-log settings", "verbose_name_plural": "work-log settings"},
        ),
        migrations.RunPython(rename_constraints, restore_constraints),
        migrations.AlterField(
            model_name="logsettings",
            name="unit",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="log_settings",
                to="org.unit",
                verbose_name="unit",
            ),
        ),
    ]
