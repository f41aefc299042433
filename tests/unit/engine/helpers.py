"""Small builders for engine tests: a minimal scheme as a dict, and period data from plain lists."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from kaohe.engine import Codes, People, PeriodData, Table, compute, load_scheme, scheme_from_dict
from kaohe.engine_cli.loader import load_period
from kaohe.presets import load_preset


def base_scheme() -> dict[str, Any]:
    return {
        "scheme": "测试方案",
        "year": 2025,
        "period": "quarter",
        "tracks": {"甲": {"identity": "甲"}, "乙": {"identity": "乙"}},
        "components": {
            "工作实绩": {"share": "100%", "indicators": {"业务": {"points": 60}, "党建": {"points": 40}}},
        },
        "grading": {"grades": ["优秀", "良好", "一般"], "tie_break": ["total desc", "person asc"]},
    }


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and not v.get("__replace__"):
            out[k] = merge(out[k], v)
        else:
            out[k] = {kk: vv for kk, vv in v.items() if kk != "__replace__"} if isinstance(v, dict) else v
    return out


def scheme(**extra: Any):
    return scheme_from_dict(merge(base_scheme(), extra))


def people(ids: list[str], identity: list[str] | str = "甲", **columns: list[Any]) -> People:
    n = len(ids)
    ident = [identity] * n if isinstance(identity, str) else identity
    p = People(ids=np.array(ids, dtype=object), attributes={"identity": Codes.from_values(ident)})
    for name, values in columns.items():
        if all(isinstance(v, int | float) for v in values):
            p.numbers[name] = np.asarray(values, dtype=np.float64)
        else:
            p.attributes[name] = Codes.from_values(values)
    return p


def data(ids: list[str], totals: list[float] | None = None, **kw: Any) -> PeriodData:
    """Period data where 业务 + 党建 scores add up to ``totals`` (业务 takes up to 60)."""
    ppl = kw.pop("people", None) or people(ids, kw.pop("identity", "甲"), **kw.pop("columns", {}))
    d = PeriodData(people=ppl, **kw)
    if totals is not None:
        t = np.asarray(totals, dtype=np.float64)
        d.scores.setdefault("工作实绩/业务", np.minimum(t, 60.0))
        d.scores.setdefault("工作实绩/党建", t - np.minimum(t, 60.0))
    return d


def table(person: list[int], **columns: list[Any]) -> Table:
    t = Table(person=np.asarray(person, dtype=np.int64))
    for name, values in columns.items():
        if all(isinstance(v, int | float | bool) for v in values):
            t.columns[name] = np.asarray(values)
        else:
            t.columns[name] = Codes.from_values(values)
    return t


def preset_result(name: str):
    """A preset's scheme computed on the preset's own example period."""
    preset = load_preset(name)
    scheme = load_scheme(preset.scheme_text(), str(preset.scheme_path))
    return compute(scheme, load_period(preset.example_path, scheme))


def result_row(result, pid: str) -> dict[str, Any]:
    """The result row of the person ``pid``."""
    return next(r for r in result.rows() if r["person"] == pid)
