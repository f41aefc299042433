"""The pipeline's shape: stages with frozen outputs, a Result that is plain data, no import cycle
between compute, explain and result; and the aggregation rule over earlier periods on its own."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import numpy as np
import pytest
from pydantic import BaseModel

import kaohe.engine
from kaohe.engine import compute, explain
from kaohe.engine.data import Codes, PeriodData, Table
from kaohe.engine.stages.aggregation import earlier_periods

from .helpers import data, scheme, table

ENGINE = Path(kaohe.engine.__file__).parent


def imports_of(path: Path) -> tuple[set[str], list[int]]:
    """Modules a file imports, and the lines of imports inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    nested: list[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            nested += [n.lineno for n in ast.walk(fn) if isinstance(n, ast.Import | ast.ImportFrom)]
    return names, nested


def test_result_imports_neither_compute_nor_explain_and_stages_never_import_explain():
    result, _ = imports_of(ENGINE / "result.py")
    assert not result & {"kaohe.engine.compute", "kaohe.engine.explain", "kaohe.engine.explain_text"}
    for path in (ENGINE / "stages").glob("*.py"):
        names, _ = imports_of(path)
        assert not {n for n in names if n.startswith("kaohe.engine.explain")}, path.name
        assert "kaohe.engine.compute" not in names and "kaohe.engine.result" not in names, path.name


def test_the_engine_has_no_function_level_imports_and_no_module_over_600_lines():
    for path in ENGINE.rglob("*.py"):
        _, nested = imports_of(path)
        assert not nested, (path.name, nested)
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path.name


def test_every_stage_output_is_frozen():
    s = scheme()
    r = compute(s, data(["a", "b"], [90, 80]))
    stages = [f.name for f in dataclasses.fields(r) if f.name not in ("scheme", "data", "history")]
    assert len(stages) == 14
    for name in stages:
        out = getattr(r, name)
        first = dataclasses.fields(out)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(out, first, None)


def plain(value: object, path: str) -> None:
    """Fail unless ``value`` is a tree of arrays, numbers, text, lists, dicts, engine dataclasses and
    scheme models (what a generic serialiser can store without pickle)."""
    if value is None or isinstance(value, str | int | float | bool | np.ndarray | np.generic):
        return
    if isinstance(value, list | tuple):
        for i, v in enumerate(value):
            plain(v, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for k, v in value.items():
            assert isinstance(k, str | int), path
            plain(v, f"{path}.{k}")
        return
    if isinstance(value, BaseModel):
        return  # scheme models: stored as the scheme text
    assert dataclasses.is_dataclass(value) and type(value).__module__.startswith("kaohe.engine"), (
        path,
        type(value),
    )
    for f in dataclasses.fields(value):
        plain(getattr(value, f.name), f"{path}.{f.name}")


def test_a_result_is_plain_data_with_no_callables():
    s = scheme(
        tail_rules={"末位": {"bottom": 1, "action": "约谈"}},
        pool={"amount": 1000},
    )
    prev = table([0, 1], period=["2025-Q1", "2025-Q1"], kind=["quarter", "quarter"], total=[80, 70])
    r = compute(s, data(["a", "b", "c"], [90, 80, 70], previous=prev))
    explain(r, "a")  # builds the history memo too
    plain(r, "result")
    assert isinstance(r.data, PeriodData) and isinstance(r.data.people.attributes["identity"], Codes)
    assert isinstance(r.data.previous, Table)


def test_each_column_reads_its_stage():
    r = compute(scheme(), data(["a", "b"], [90, 80]))
    assert r.total is r.totals.total and r.grade is r.grades.grade and r.track is r.tracks.track
    assert r.ballot_cache is r.ballots.groups and r.home_value is r.totals.home_value


# --- the aggregation rule over earlier periods -------------------------------------------------------


PERSON = np.array([0, 0, 0, 1, 2, 2])
KEY = np.array([3, 1, 2, 1, 5, 4])  # chronological: person 0's rows are the 3rd, 1st and 2nd period
TOTALS = np.array([90.0, 70.0, 80.0, 60.0, 50.0, 40.0])


def test_earlier_periods_mean_sum_and_latest():
    mean, count = earlier_periods("mean", PERSON, KEY, TOTALS, 4)
    assert mean.tolist() == [80.0, 60.0, 45.0, 0.0] and count.tolist() == [3, 1, 2, 0]
    assert earlier_periods("sum", PERSON, KEY, TOTALS, 4)[0].tolist() == [240.0, 60.0, 90.0, 0.0]
    assert earlier_periods("last", PERSON, KEY, TOTALS, 4)[0].tolist() == [90.0, 60.0, 50.0, 0.0]


def test_earlier_periods_keeps_each_persons_most_recent_rows():
    mean, count = earlier_periods("mean", PERSON, KEY, TOTALS, 4, last=2)
    assert mean.tolist() == [85.0, 60.0, 45.0, 0.0] and count.tolist() == [2, 1, 2, 0]


def test_earlier_periods_counts_the_current_value_as_one_more_period():
    current = np.array([100.0, 100.0, 100.0, 100.0])
    mean, count = earlier_periods("mean", PERSON, KEY, TOTALS, 4, current=current)
    assert mean.tolist() == [85.0, 80.0, 190 / 3, 100.0] and count.tolist() == [4, 2, 3, 1]
