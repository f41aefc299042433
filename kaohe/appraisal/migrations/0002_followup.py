"""Follow-ups move from the former ``outcome`` app into appraisal, keeping their table and rows.

A database migrated before the move has the table ``outcome_followup`` (made by ``outcome.0001``):
the model is only adopted, with its content type (so granted permissions stay). A new database gets
the table here. Reversing keeps the table and its rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class CreateModelUnlessPresent(migrations.CreateModel):
    """``CreateModel`` that adopts an existing table of the same name instead of creating it."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.name)
        if model._meta.db_table in schema_editor.connection.introspection.table_names():
            return
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass  # the rows outlive a step back


def adopt_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="appraisal", model="followup").exists():
        ContentType.objects.filter(app_label="outcome", model="followup").update(app_label="appraisal")


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("org", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateModelUnlessPresent(
            name="FollowUp",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("tail", "Tail rule"), ("outcome", "Consequence")], max_length=10, verbose_name="kind"
                    ),
                ),
                ("action", models.CharField(max_length=200, verbose_name="action")),
                ("due", models.DateField(verbose_name="due")),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="closed")),
                ("record", models.TextField(blank=True, verbose_name="record")),
                (
                    "closed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="org.person",
                        verbose_name="owner",
                    ),
                ),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="follow_ups", to="appraisal.period"
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="org.person",
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "follow-up",
                "verbose_name_plural": "follow-ups",
                "db_table": "outcome_followup",
                "ordering": ["closed_at", "due", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("period", "person", "action"), name="outcome_followup_unique")
                ],
            },
        ),
        migrations.RunPython(adopt_content_type, migrations.RunPython.noop),
    ]
