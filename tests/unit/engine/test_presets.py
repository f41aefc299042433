"""Every preset folder: scheme.yaml validates, example/ computes, and matches expected.yaml."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from kaohe.engine import compute, explain, load_scheme
from kaohe.engine_cli.loader import load_period
from kaohe.presets import list_presets, load_preset


def test_presets_are_listed():
    assert "002_xiacun" in list_presets()
    assert load_preset("002").name == "002_xiacun"
    with pytest.raises(KeyError):
        load_preset("999")


@pytest.mark.parametrize("name", list_presets())
def test_preset_example_gives_expected_results(name):
    preset = load_preset(name)
    scheme = load_scheme(preset.scheme_text(), str(preset.scheme_path))
    result = compute(scheme, load_period(preset.example_path, scheme))
    expected = yaml.safe_load(preset.expected_path.read_text(encoding="utf-8"))
    rows = {row["person"]: row for row in result.rows()}
    assert set(expected["people"]) <= set(rows)
    for pid, want in expected["people"].items():
        got = rows[pid]
        for key, value in want.items():
            have = got[key] if key != "grade" else (got["grade"] or None)
            if isinstance(value, float):
                assert have == pytest.approx(value, abs=0.005), (pid, key)
            else:
                assert have == value, (pid, key)
    if scheme.pool is not None and getattr(result, "pool_total_fen", None) is not None:
        assert int(np.sum(result.pool_fen)) == result.pool_total_fen
    for pid in list(expected["people"])[:3]:
        assert explain(result, pid)  # every preset can explain its people


@pytest.mark.parametrize("name", list_presets())
def test_a_preset_is_adopted_for_any_year(name):
    preset = load_preset(name)
    original = load_scheme(preset.scheme_text())
    adopted = load_scheme(preset.scheme_text_for(2031))
    assert adopted.year == 2031
    assert str(adopted.version).startswith("2031.") or adopted.version == original.version
    assert adopted.components.keys() == original.components.keys()
