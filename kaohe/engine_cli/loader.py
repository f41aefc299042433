"""Reading period data from files: a directory of CSV files or one Excel workbook with the same sheets.

Tables (file ``<name>.csv`` or sheet ``<name>``; only ``people`` is required):

    people    person, name, track, unit, unit_kind, identity, staffing, post_type, post_level, … any
              attribute; numeric columns (months_in_unit, leave_days, working_days, filled, reviewed,
              misses, probation, sanction_months_ago, period measures) are read as numbers too
    scores    person + one column per assessor leaf (full path "工作实绩/党的建设" or a unique leaf name)
    tasks     person + one column per task leaf: completion rate 0..1
    personal  person, node, indicator, points, score
    kpis      person, indicator, measure, actual, target, multiple
    ballots   person, group, option, count [, dimension]
    claims    person, category, points [, approved]
    flags     person, item
    previous  person, period, kind, total, grade, rank, size, and one column per component named as
              in the scheme (that period's component score, for components.<name>.over_periods)
    sanctions person, level, months_ago and/or year (several per person)
    honours   person, honour: the honours of the person's unit (人民满意 …), one row each
    period.yaml (or sheet "period" with key/value rows): period, pool_amount, pools ({name: yuan or
              {value: yuan}} for the scheme's named pools)

Every problem names the file, row and column; nothing is returned unless everything reads.
"""

from __future__ import annotations

import contextlib
import csv
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from kaohe.engine.data import Codes, People, PeriodData, Table
from kaohe.engine.errors import DataError, ProblemList
from kaohe.engine.scheme import Scheme
from kaohe.engine.tree import leaf_names, leaves

TABLES = (
    "people",
    "scores",
    "tasks",
    "personal",
    "kpis",
    "ballots",
    "claims",
    "flags",
    "previous",
    "sanctions",
    "honours",
)
REQUIRED = {
    "people": ["person"],
    "personal": ["person", "node", "indicator", "points", "score"],
    "kpis": ["person", "indicator", "measure", "actual", "target"],
    "ballots": ["person", "group", "option", "count"],
    "claims": ["person", "category", "points"],
    "flags": ["person", "item"],
    "previous": ["person", "period", "total"],
    "sanctions": ["person", "level"],
    "honours": ["person", "honour"],
}
NUMBER_COLUMNS = {
    "personal": ["points", "score"],
    "kpis": ["actual", "target", "multiple"],
    "ballots": ["count"],
    "claims": ["points"],
    "previous": ["total", "rank", "size"],
    "sanctions": ["months_ago", "year"],
}
CODE_COLUMNS = {
    "personal": ["node", "indicator"],
    "kpis": ["indicator", "measure"],
    "ballots": ["group", "option", "dimension"],
    "claims": ["category"],
    "flags": ["item"],
    "previous": ["period", "kind", "grade"],
    "sanctions": ["level"],
    "honours": ["honour"],
}
# Chinese headers offices use, mapped to column names.
ALIASES = {
    "工号": "person",
    "人员编号": "person",
    "编号": "person",
    "姓名": "name",
    "赛道": "track",
    "考核类别": "track",
    "单位": "unit",
    "单位类型": "unit_kind",
    "身份": "identity",
    "身份类别": "identity",
    "编制": "staffing",
    "岗位类型": "post_type",
    "岗位等级": "post_level",
    "指标": "indicator",
    "测评主体": "group",
    "选项": "option",
    "票数": "count",
    "维度": "dimension",
    "类别": "category",
    "分值": "points",
    "得分": "score",
    "已批准": "approved",
    "事项": "item",
    "周期": "period",
    "周期类型": "kind",
    "总分": "total",
    "等次": "grade",
    "排名": "rank",
    "人数": "size",
    "实际": "actual",
    "目标": "target",
    "倍数": "multiple",
    "度量": "measure",
    "节点": "node",
    "处分": "level",
    "处分种类": "level",
    "年份": "year",
}
TRUE = {"1", "true", "yes", "y", "是", "通过", "已批准", "approved"}


def load_period(path: str | Path, scheme: Scheme) -> PeriodData:
    """Read period data from a directory of CSV files or an .xlsx workbook."""
    path = Path(path)
    problems = ProblemList(str(path), DataError)
    if path.is_dir():
        raw = _read_dir(path)
        meta = _read_meta_dir(path, problems)
    elif path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file():
        raw, meta = _read_workbook(path, problems)
    else:
        problems.add("", "a directory of CSV files or an .xlsx workbook", str(path))
        problems.raise_if_any()
        raise AssertionError  # unreachable
    problems.raise_if_any()
    if "people" not in raw:
        problems.add("", "a people table (people.csv or sheet people)", "none")
        problems.raise_if_any()
    data = _build(raw, meta, scheme, problems)
    problems.raise_if_any()
    return data


# --- reading ----------------------------------------------------------------------------------------

Raw = tuple[str, list[str], list[list[str]]]  # (file label, header, rows)


class _LazyCsv:
    """A CSV table read only when asked for, so that one big table at a time sits in memory."""

    def __init__(self, file: Path):
        self.file = file

    def read(self, problems: ProblemList) -> Raw | None:
        try:
            with self.file.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.reader(fh))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            problems.add("", "a readable UTF-8 CSV file", str(exc), file=str(self.file))
            return None
        if not rows:
            problems.add("row 1", "a header row", "an empty file", file=str(self.file))
            return None
        return str(self.file), [ALIASES.get(h.strip(), h.strip()) for h in rows[0]], rows[1:]


def _read_dir(path: Path) -> dict[str, Any]:
    return {name: _LazyCsv(path / f"{name}.csv") for name in TABLES if (path / f"{name}.csv").exists()}


def _get(raw: dict[str, Any], name: str, problems: ProblemList) -> Raw | None:
    item = raw.pop(name, None)
    return item.read(problems) if isinstance(item, _LazyCsv) else item


def _read_meta_dir(path: Path, problems: ProblemList) -> dict[str, Any]:
    f = path / "period.yaml"
    if not f.exists():
        return {}
    try:
        meta = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        problems.add("", "valid YAML", str(exc), file=str(f))
        return {}
    if not isinstance(meta, dict):
        problems.add("", "a mapping (period, pool_amount)", type(meta).__name__, file=str(f))
        return {}
    return meta


def _read_workbook(path: Path, problems: ProblemList) -> tuple[dict[str, Any], dict[str, Any]]:
    import openpyxl  # local import: only workbook input needs it, CSV runs skip its start-up cost

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        problems.add("", "a readable .xlsx workbook", str(exc))
        return {}, {}
    raw: dict[str, Raw] = {}
    meta: dict[str, Any] = {}
    for name in wb.sheetnames:
        ws = wb[name]
        rows = [["" if v is None else _cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
        if name == "period":
            meta = {r[0]: r[1] for r in rows if len(r) >= 2 and r[0]}
            continue
        if name in TABLES and rows:
            raw[name] = (f"{path}[{name}]", [ALIASES.get(h.strip(), h.strip()) for h in rows[0]], rows[1:])
    return raw, meta


def _cell(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# --- building arrays --------------------------------------------------------------------------------


def _columns(raw: Raw, table: str, problems: ProblemList) -> dict[str, list[str]] | None:
    file, header, rows = raw
    missing = [c for c in REQUIRED.get(table, []) if c not in header]
    for c in missing:
        problems.add(f"row 1, column {c}", f"a column {c}", "no such column", file=file)
    if missing:
        return None
    width = len(header)
    widths = set(map(len, rows))
    if widths <= {width}:
        # the usual case: transpose at C speed
        cols = (
            dict(zip(header, map(list, zip(*rows, strict=True)), strict=True))
            if rows
            else {h: [] for h in header}
        )
        return cols
    bad = [i for i, r in enumerate(rows) if len(r) > width and any(x.strip() for x in r[width:])]
    for i in bad[:5]:
        problems.add(f"row {i + 2}", f"at most {width} cells", f"{len(rows[i])}", file=file)
    padded = [r + [""] * (width - len(r)) if len(r) < width else r[:width] for r in rows]
    return dict(zip(header, map(list, zip(*padded, strict=True)), strict=True))


def _numbers(
    values: list[str], file: str, column: str, problems: ProblemList, required: bool = True
) -> np.ndarray:
    try:
        return np.array(values, dtype=np.float64)
    except ValueError:
        pass
    try:
        return np.array([v if v.strip() != "" else "nan" for v in values], dtype=np.float64)
    except ValueError:
        out = np.full(len(values), np.nan)
        bad = 0
        for i, v in enumerate(values):
            try:
                out[i] = float(v) if v.strip() else np.nan
            except ValueError:
                bad += 1
                if bad <= 5:
                    problems.add(f"row {i + 2}, column {column}", "a number", v, file=file)
        return out


def _build(raw: dict[str, Any], meta: dict[str, Any], scheme: Scheme, problems: ProblemList) -> PeriodData:
    praw = _get(raw, "people", problems)
    if praw is None:
        problems.raise_if_any()
    assert praw is not None
    pfile = praw[0]
    pcols = _columns(praw, "people", problems)
    del praw
    if pcols is None:
        problems.raise_if_any()
    assert pcols is not None
    ids = pcols["person"]
    index: dict[str, int] = {}
    for i, pid in enumerate(ids):
        if not pid.strip():
            problems.add(f"row {i + 2}, column person", "a person id", "an empty cell", file=pfile)
        elif pid in index:
            problems.add(
                f"row {i + 2}, column person",
                "a unique person id",
                f"{pid} again (row {index[pid] + 2})",
                file=pfile,
            )
        else:
            index[pid] = i
    people = People(ids=np.array(ids, dtype=object))
    if "name" in pcols:
        people.names = np.array(pcols["name"], dtype=object)
    if "track" in pcols and any(v.strip() for v in pcols["track"]):
        people.track = Codes.from_values(pcols["track"])
    for col, values in pcols.items():
        if col in ("person", "name", "track"):
            continue
        people.attributes[col] = Codes.from_values(values)
        try:
            people.numbers[col] = np.array(values, dtype=np.float64)
        except ValueError:
            with contextlib.suppress(ValueError):  # a text attribute stays text only
                people.numbers[col] = np.array([v if v.strip() else "nan" for v in values], dtype=np.float64)
    if "probation" in pcols:
        people.numbers["probation"] = np.array(
            [1.0 if v.strip().lower() in TRUE else 0.0 for v in pcols["probation"]]
        )
    data = PeriodData(people=people, sources={"people": pfile})
    data.period = str(meta.get("period", ""))
    if meta.get("pool_amount") not in (None, ""):
        try:
            data.pool_amount = float(meta["pool_amount"])
        except (TypeError, ValueError):
            problems.add("pool_amount", "an amount in yuan", meta["pool_amount"], file="period")
    if isinstance(meta.get("pools"), dict):
        data.pool_amounts = dict(meta["pools"])
    leaf_keys = _leaf_keys(scheme)
    for table in ("scores", "tasks"):
        got = _get(raw, table, problems)
        if got is not None:
            _wide(got, table, index, leaf_keys, data, problems)
    for table in ("personal", "kpis", "ballots", "claims", "flags", "previous", "sanctions", "honours"):
        got = _get(raw, table, problems)
        if got is not None:
            # previous: a column named as a component holds that period's component score
            # (components.<name>.over_periods reads it)
            extra = (
                [c for c in scheme.components if c not in CODE_COLUMNS["previous"]]
                if table == "previous"
                else []
            )
            t = _long(got, table, index, problems, extra)
            if t is not None:
                setattr(data, table, t)
                data.sources[table] = got[0]
    return data


def _leaf_keys(scheme: Scheme) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Header → leaf key: full keys, and leaf names (or tails of paths) where unique; and the names that
    could mean several leaves (see :func:`kaohe.engine.tree.leaf_names`)."""
    keys: set[str] = set()
    for cname, comp in scheme.components.items():
        trees = list((comp.indicators_by_track or {}).values()) + (
            [comp.indicators] if comp.indicators else []
        )
        for tree in trees:
            keys.update(leaf.key for leaf in leaves(cname, tree, ""))
    return leaf_names(keys)


def _person_index(values: list[str], index: dict[str, int], file: str, problems: ProblemList) -> np.ndarray:
    idx = np.fromiter(map(index.get, values, repeat(-1)), dtype=np.int64, count=len(values))
    bad = np.flatnonzero(idx < 0)
    for i in bad[:5]:
        problems.add(
            f"row {i + 2}, column person",
            "a person listed in people",
            values[i] or "an empty cell",
            file=file,
        )
    if len(bad) > 5:
        problems.add("column person", "persons listed in people", f"{len(bad) - 5} more unknown", file=file)
    return idx


def _wide(
    raw: Raw,
    table: str,
    index: dict[str, int],
    leaf_keys: tuple[dict[str, str], dict[str, list[str]]],
    data: PeriodData,
    problems: ProblemList,
) -> None:
    file, header, _rows = raw
    if "person" not in header:
        problems.add("row 1, column person", "a column person", "no such column", file=file)
        return
    cols = _columns(raw, table, problems)
    if cols is None:
        return
    who = _person_index(cols["person"], index, file, problems)
    target = data.scores if table == "scores" else data.task_rates
    data.sources[table] = file
    n = len(data.people)
    ok = who >= 0
    for h in header:
        if h in ("person", "name"):
            continue
        key = leaf_keys[0].get(h)
        if key is None:
            several = leaf_keys[1].get(h)
            problems.add(
                f"row 1, column {h}",
                "a leaf indicator of the scheme (full path or unique name)",
                f"{h}, which names several leaves: {', '.join(several)}" if several else h,
                file=file,
            )
            continue
        values = _numbers(cols[h], file, h, problems)
        col = np.full(n, np.nan)
        col[who[ok]] = values[ok]
        target[key] = col


def _long(
    raw: Raw, table: str, index: dict[str, int], problems: ProblemList, extra: list[str] | None = None
) -> Table | None:
    file = raw[0]
    cols = _columns(raw, table, problems)
    if cols is None:
        return None
    who = _person_index(cols["person"], index, file, problems)
    t = Table(person=who, rows=np.arange(len(who)) + 2)
    for c in [*NUMBER_COLUMNS.get(table, []), *(extra or [])]:
        if c in cols:
            t.columns[c] = _numbers(cols[c], file, c, problems)
    for c in CODE_COLUMNS.get(table, []):
        if c in cols:
            t.columns[c] = Codes.from_values(cols[c])
    if table == "claims":
        t.columns["approved"] = (
            np.array([v.strip().lower() in TRUE for v in cols["approved"]])
            if "approved" in cols
            else np.ones(len(who), dtype=bool)
        )
    keep = who >= 0
    if not keep.all():
        return t  # problems already reported; the caller raises
    return t
