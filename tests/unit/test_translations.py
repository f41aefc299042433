"""The zh-hans catalogue is complete and its compiled form is in step with it.

The interface is Chinese by default, so an untranslated or fuzzy entry shows English to users, and
a stale ``django.mo`` shows old wording. ``test_catalogue_covers_every_source_string`` re-extracts
the strings from the source (needs GNU gettext's xgettext; skipped without it) to catch a string
added without running ``makemessages``.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

KAOHE = Path(__file__).resolve().parents[2] / "kaohe"
PO = KAOHE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _key(entry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(PO))


def test_every_entry_is_translated_and_none_is_fuzzy(po):
    assert not po.metadata_is_fuzzy, "the catalogue header is marked fuzzy"
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    empty_plural = [e.msgid for e in po if e.msgid_plural and not all(e.msgstr_plural.values())]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy (check, then remove the flag): {fuzzy}"
    assert not empty_plural, f"plural forms missing: {empty_plural}"
    assert not po.obsolete_entries(), "obsolete entries: run makemessages with --no-obsolete"


def test_placeholders_survive_translation(po):
    import re

    placeholder = re.compile(r"%\((\w+)\)[sd]|\{\w*\}")
    for entry in po.translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        wanted = sorted(placeholder.findall(entry.msgid))
        for text in translations:
            assert sorted(placeholder.findall(text)) == wanted, f"placeholders differ in {entry.msgid!r}"


def test_compiled_catalogue_matches_the_source(po):
    assert MO.exists(), "django.mo is missing: run msgfmt -o django.mo django.po (or compilemessages)"
    compiled = {_key(e): (e.msgstr, dict(e.msgstr_plural)) for e in polib.mofile(str(MO)) if e.msgid}
    source = {
        _key(e): (e.msgstr, {int(k): v for k, v in e.msgstr_plural.items()})
        for e in po.translated_entries()
        if e.msgid
    }
    compiled = {k: (s, {int(i): v for i, v in p.items()}) for k, (s, p) in compiled.items()}
    stale = sorted(k[1] for k in source.keys() | compiled.keys() if source.get(k) != compiled.get(k))
    assert not stale, f"django.mo is out of step with django.po, recompile it; differing: {stale[:10]}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_catalogue_covers_every_source_string(po, tmp_path):
    copy = tmp_path / "kaohe"
    shutil.copytree(KAOHE, copy, ignore=shutil.ignore_patterns("__pycache__", "engine", "static", "locale"))
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "", "PYTHONPATH": ""},
    )
    extracted = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    new = sorted({_key(e) for e in extracted} - {_key(e) for e in po})
    assert not new, f"strings missing from the catalogue, run makemessages and translate them: {new}"
