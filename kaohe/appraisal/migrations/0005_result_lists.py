"""Stored values are code names (3 of 3, schema): the JSON lists take the names of the "；"-joined
columns they replace."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0004_result_codes_data")]

    operations = [
        migrations.RemoveField(model_name="personresult", name="tail"),
        migrations.RemoveField(model_name="personresult", name="outcomes"),
        migrations.RenameField(model_name="personresult", old_name="tail_list", new_name="tail"),
        migrations.RenameField(model_name="personresult", old_name="outcomes_list", new_name="outcomes"),
    ]
