"""Stored values are code names (1 of 3, schema): a result's status takes the ungraded effect's codes as
choices, and new JSON list columns stand beside the "；"-joined tail actions and consequences.

Three migrations, each in its own transaction: PostgreSQL refuses to alter a table that has pending
trigger events from rows updated in the same transaction."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0002_followup")]

    operations = [
        migrations.AlterField(
            model_name="personresult",
            name="status",
            field=models.CharField(
                blank=True,
                choices=[("pending", "Grade pending"), ("no_grade", "No grade"), ("comment_only", "Comment only")],
                max_length=40,
            ),
        ),
        migrations.AddField(
            model_name="personresult", name="tail_list", field=models.JSONField(blank=True, default=list)
        ),
        migrations.AddField(
            model_name="personresult", name="outcomes_list", field=models.JSONField(blank=True, default=list)
        ),
    ]
