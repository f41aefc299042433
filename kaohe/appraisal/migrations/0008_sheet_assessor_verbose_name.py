"""A sheet's ``assessor`` gets its label, 评分人: whoever scores the sheet (by default the people's
reviewer, 审阅人, the org relation); state only, the column is unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('appraisal', '0007_scheme_attachment'),
        ('org', '0002_unit_path_prefix_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='sheet',
            name='assessor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='appraisal_sheets', to='org.person', verbose_name='assessor'),
        ),
    ]
