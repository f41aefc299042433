"""Every preset's worked example, computed, stored and read back (lazily and eagerly), explains every
person with the same numbers; the parsed-scheme cache shares one scheme that nothing changes."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from kaohe.engine import SchemeError, compute, load_scheme
from kaohe.engine import store as store_module
from kaohe.engine.explain import explain
from kaohe.engine.store import SCHEME_CACHE_SIZE, cached_scheme, clear_scheme_cache, dumps, loads
from kaohe.engine_cli.loader import load_period
from kaohe.presets import list_presets, load_preset


def explained(result, person: str, lang: str = "zh") -> str:
    """A person's derivation: the one place these tests call the engine's explain."""
    return explain(result, person, lang)


def worked_example(name: str):
    preset = load_preset(name)
    text = preset.scheme_text()
    scheme = cached_scheme(text, str(preset.scheme_path))
    return compute(scheme, load_period(preset.example_path, scheme)), text, str(preset.scheme_path)


@pytest.fixture(scope="module", params=list_presets())
def stored(request):
    result, text, file = worked_example(request.param)
    return result, dumps(result, scheme_text=text, scheme_file=file)


def people_of(result) -> list[str]:
    return [str(p) for p in np.asarray(result.data.people.ids)]


@pytest.mark.parametrize("lazy", [True, False], ids=["lazy", "eager"])
def test_every_person_is_explained_alike_after_a_round_trip(stored, lazy):
    result, blob = stored
    back = loads(blob, lazy=lazy)
    for person in people_of(result):
        for lang in ("zh", "en"):
            assert explained(back, person, lang) == explained(result, person, lang)


def test_rows_and_summary_are_alike_after_a_round_trip(stored):
    result, blob = stored
    back = loads(blob)
    assert back.rows() == result.rows()
    assert back.summary() == result.summary()


def test_a_run_read_back_stores_again_to_the_same_run(stored):
    result, blob = stored
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        text, file = zf.read("scheme.yaml").decode(), json.loads(zf.read("run.json"))["scheme_file"]
    again = loads(dumps(loads(blob), scheme_text=text, scheme_file=file))
    for person in people_of(result):
        assert explained(again, person) == explained(result, person)


# --- the parsed-scheme cache -------------------------------------------------------------------------


@pytest.fixture
def parses(monkeypatch):
    """How many times the cache parsed a scheme."""
    count = [0]

    def counting(text, file="scheme.yaml"):
        count[0] += 1
        return load_scheme(text, file=file)

    clear_scheme_cache()
    monkeypatch.setattr(store_module, "load_scheme", counting)
    yield count
    clear_scheme_cache()


def test_the_same_text_and_file_parse_once(parses):
    text = load_preset("000_yishui").scheme_text()
    first = cached_scheme(text, "a.yaml")
    assert cached_scheme(text, "a.yaml") is first and parses[0] == 1
    assert cached_scheme(text, "b.yaml") is not first and parses[0] == 2  # messages name the file
    assert cached_scheme(text + "\n# 注释", "a.yaml") is not first and parses[0] == 3


def test_the_cache_keeps_the_latest_schemes_only(parses):
    text = load_preset("002_xiacun").scheme_text()
    for k in range(SCHEME_CACHE_SIZE + 1):
        cached_scheme(text, f"{k}.yaml")
    cached_scheme(text, f"{SCHEME_CACHE_SIZE}.yaml")
    assert parses[0] == SCHEME_CACHE_SIZE + 1
    cached_scheme(text, "0.yaml")  # the oldest was dropped
    assert parses[0] == SCHEME_CACHE_SIZE + 2


def test_a_bad_scheme_is_not_remembered(parses):
    for _ in range(2):
        with pytest.raises(SchemeError):
            cached_scheme("scheme: x\n", "bad.yaml")
    assert parses[0] == 2


@pytest.mark.parametrize("name", list_presets())
def test_computing_and_explaining_leave_the_shared_scheme_as_parsed(name):
    result, text, file = worked_example(name)
    for person in people_of(result):
        explained(result, person)
    result.rows()
    result.summary()
    result.history_grades()
    assert result.scheme is cached_scheme(text, file)
    assert result.scheme.model_dump() == load_scheme(text, file).model_dump()
