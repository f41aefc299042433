"""公务员平时考核 preset: quarterly 好/较好/一般/较差 with a 好 quota."""

from __future__ import annotations

from kaohe.engine import compute, load_scheme
from kaohe.engine_cli.loader import load_period
from kaohe.presets import load_preset


def test_quarterly_grades_quota_and_new_staff():
    preset = load_preset("national_civil_servant_quarterly")
    scheme = load_scheme(preset.scheme_text(), str(preset.scheme_path))
    assert scheme.period == "quarter" and scheme.grading.grades == ["好", "较好", "一般", "较差"]
    rows = {r["person"]: r for r in compute(scheme, load_period(preset.example_path, scheme)).rows()}
    assert [p for p, r in rows.items() if r["grade"] == "好"] == ["Q01", "Q02"]
    assert rows["Q03"]["grade"] == "较好" and rows["Q06"]["grade"] == "较差"
    assert rows["Q07"]["grade"] == "" and rows["Q07"]["rank"] == "不定等次"
