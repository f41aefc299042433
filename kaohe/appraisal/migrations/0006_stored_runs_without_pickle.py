"""Stored runs without pickle: each result set's pickled engine Result is converted to the format of
kaohe.engine.store (arrays and JSON) when this release can still read it; otherwise its blob is
emptied and ``recompute_reason`` says why, and the person's result page says to compute again.

The pickles were written by the release before this one; they can be read only while the engine's
classes are as they were. A run is converted when it unpickles, its scheme is the period's scheme,
and one person's derivation can be assembled from it."""

import logging
import pickle
import zlib

from django.db import migrations, models

from kaohe.engine.explain import explain
from kaohe.engine.store import FORMAT, dumps, loads

logger = logging.getLogger(__name__)

MAGIC_ZIP = b"PK\x03\x04"  # a blob already in the new format


def convert(blob: bytes, scheme_text: str, scheme_file: str) -> tuple[bytes | None, str]:
    """(new blob, "") for a readable legacy pickle, else (None, why it must be computed again)."""
    if blob.startswith(MAGIC_ZIP):
        return blob, ""
    try:
        result = pickle.loads(zlib.decompress(blob))  # noqa: S301 - written by this app's compute only
        stored = dumps(result, scheme_text=scheme_text, scheme_file=scheme_file)
        _derivation_of_first_person(loads(stored))
    except Exception as exc:  # anything at all: the run is then recomputed, never half-converted
        why = f"stored by an earlier release, not readable by this one ({type(exc).__name__}: {exc})"
        return None, why[:300]
    return stored, ""


def _derivation_of_first_person(result) -> str:
    """The check that a converted run is usable: one person's derivation (the engine's explain)."""
    ids = result.data.people.ids
    return explain(result, str(ids[0]), "zh") if len(ids) else ""


def convert_pickles(apps, schema_editor) -> None:
    ResultSet = apps.get_model("appraisal", "ResultSet")
    for pk in ResultSet.objects.exclude(blob=None).values_list("pk", flat=True).iterator():
        rs = ResultSet.objects.select_related("period__scheme").get(pk=pk)
        scheme = rs.period.scheme
        blob, why = convert(bytes(rs.blob), scheme.text, f"{scheme.name}.yaml")
        if why:
            logger.warning("result set %s (%s): %s", pk, FORMAT, why)
        ResultSet.objects.filter(pk=pk).update(blob=blob, recompute_reason=why)


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0005_result_lists")]

    operations = [
        migrations.AlterField(model_name="resultset", name="blob", field=models.BinaryField(null=True)),
        migrations.AddField(
            model_name="resultset",
            name="recompute_reason",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.RunPython(convert_pickles, migrations.RunPython.noop, elidable=True),
    ]
