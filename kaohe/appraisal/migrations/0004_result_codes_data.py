"""Stored values are code names (2 of 3, data): a result's status holds the ungraded effect's code
(``no_grade``, not 不定等次), and its tail actions and consequences become JSON lists, not "；"-joined
text."""

from django.db import migrations

LABELS = {"pending": "暂缓确定等次", "no_grade": "不定等次", "comment_only": "只写评语"}
BATCH = 2000


def status_codes(apps, schema_editor):
    PersonResult = apps.get_model("appraisal", "PersonResult")
    for code, label in LABELS.items():
        PersonResult.objects.filter(status=label).update(status=code)


def status_labels(apps, schema_editor):
    PersonResult = apps.get_model("appraisal", "PersonResult")
    for code, label in LABELS.items():
        PersonResult.objects.filter(status=code).update(status=label)


def _each_batch(rows):
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def split_lists(apps, schema_editor):
    PersonResult = apps.get_model("appraisal", "PersonResult")
    rows = PersonResult.objects.exclude(tail="", outcomes="").only("tail", "outcomes")
    for batch in _each_batch(rows):
        for row in batch:
            row.tail_list = [a for a in row.tail.split("；") if a]
            row.outcomes_list = [a for a in row.outcomes.split("；") if a]
        PersonResult.objects.bulk_update(batch, ["tail_list", "outcomes_list"])


def join_lists(apps, schema_editor):
    PersonResult = apps.get_model("appraisal", "PersonResult")
    rows = PersonResult.objects.exclude(tail_list=[], outcomes_list=[]).only("tail_list", "outcomes_list")
    for batch in _each_batch(rows):
        for row in batch:
            row.tail = "；".join(row.tail_list)[:500]
            row.outcomes = "；".join(row.outcomes_list)[:500]
        PersonResult.objects.bulk_update(batch, ["tail", "outcomes"])


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0003_result_codes")]

    operations = [
        migrations.RunPython(status_codes, status_labels),
        migrations.RunPython(split_lists, join_lists),
    ]
