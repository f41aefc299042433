"""Period data as plain arrays: what a service (or the command line) hands to the engine.

People are rows 0..n-1; every other table refers to them by that index. Text columns (track, unit,
indicator path, option…) are :class:`Codes`: integer codes into a tuple of names, so the engine never
sorts or hashes 100,000 strings in its hot path. Each table may name its source file so that errors
can say "people.csv: row 7, column track".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

MISSING = -1


@dataclass
class Codes:
    """A categorical column: ``codes[i]`` indexes ``names``; -1 means empty."""

    codes: np.ndarray
    names: tuple[str, ...]

    @classmethod
    def from_values(cls, values: Iterable[object], names: Sequence[str] | None = None) -> Codes:
        """Encode values; with ``names`` given, values outside it are coded -2 (unknown)."""
        values = values if isinstance(values, list | tuple) else list(values)
        index: dict[str, int] = {n: i for i, n in enumerate(names)} if names is not None else {}
        fixed = names is not None
        # Code the distinct raw values once, then map every cell through a dict at C speed: a ballot
        # table has millions of cells but a handful of distinct values.
        lookup: dict[object, int] = {}
        for v in dict.fromkeys(values):
            text = "" if v is None else str(v).strip()
            if text == "":
                lookup[v] = MISSING
                continue
            code = index.get(text)
            if code is None:
                code = -2 if fixed else len(index)
                if not fixed:
                    index[text] = code
            lookup[v] = code
        codes = np.fromiter(map(lookup.__getitem__, values), dtype=np.int32, count=len(values))
        return cls(codes, tuple(index) if not fixed else tuple(names or ()))

    def value(self, i: int) -> str:
        c = int(self.codes[i])
        return self.names[c] if c >= 0 else ""

    def lookup(self, table: dict[str, float], default: float = np.nan) -> np.ndarray:
        """Map each code through ``table`` (name → number), vectorised via a per-name array."""
        per_name = np.array([table.get(n, default) for n in self.names] + [default], dtype=np.float64)
        idx = np.where(self.codes >= 0, self.codes, len(self.names))
        return per_name[idx]

    def isin(self, wanted: Iterable[str]) -> np.ndarray:
        wanted = set(wanted)
        ok = np.array([n in wanted for n in self.names] + [False], dtype=bool)
        return ok[np.where(self.codes >= 0, self.codes, len(self.names))]

    def recode(self, names: Sequence[str]) -> np.ndarray:
        """Codes into another name list (-2 where a name is not there, -1 where empty)."""
        index = {n: i for i, n in enumerate(names)}
        table = np.array([index.get(n, -2) for n in self.names] + [MISSING], dtype=np.int32)
        return table[np.where(self.codes >= 0, self.codes, len(self.names))]


@dataclass
class People:
    """Who is appraised. ``attributes`` are text (identity, staffing, post_type, post_level, unit,
    unit_kind, unit_grade, leader, sanction…); ``numbers`` are measures (months_in_unit, leave_days,
    working_days, log_days, filled, reviewed, misses, sanction_months_ago, probation, and any period measure a
    dynamic coefficient reads)."""

    ids: np.ndarray
    names: np.ndarray | None = None
    track: Codes | None = None  # explicit track; empty → matched by the scheme's track conditions
    attributes: dict[str, Codes] = field(default_factory=dict)
    numbers: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Table:
    """A long table: ``person`` indexes People; the other columns are arrays or Codes of equal length.
    ``rows`` (optional) are the source row numbers for messages."""

    person: np.ndarray
    columns: dict[str, np.ndarray | Codes] = field(default_factory=dict)
    rows: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.person)

    def row(self, i: int) -> int:
        """The source row of entry ``i`` (a header row is row 1)."""
        return int(self.rows[i]) if self.rows is not None else i + 2

    def num(self, name: str) -> np.ndarray:
        """A numeric column (or a recoded ``<name>#`` column); KeyError if absent."""
        col = self.columns[name]
        if isinstance(col, Codes):
            raise TypeError(f"column {name} holds text, not numbers")
        return col

    def num_or_none(self, name: str) -> np.ndarray | None:
        return self.num(name) if name in self.columns else None

    def code(self, name: str) -> Codes:
        """A text column as :class:`Codes`; KeyError if absent."""
        col = self.columns[name]
        if not isinstance(col, Codes):
            raise TypeError(f"column {name} holds numbers, not text")
        return col

    @staticmethod
    def empty() -> Table:
        return Table(np.zeros(0, dtype=np.int64))


@dataclass
class PeriodData:
    """Everything one period's computation reads.

    - ``scores``: leaf path → score per person (NaN = not scored; counts as 0), for assessor leaves.
    - ``task_rates``: leaf path → completion rate per person (0..1), for task leaves.
    - ``personal``: person, node (Codes of personal node paths), indicator (Codes), points, score.
    - ``kpis``: person, indicator (Codes of KPI leaf paths), measure (Codes), actual, target, multiple
      (signed: +k outstanding bonus, −k damaging deduction, 0 none).
    - ``ballots``: person, group (Codes), option (Codes), count, optional dimension (Codes).
    - ``claims``: person, category (Codes), points, approved (bool).
    - ``flags``: person, item (Codes of veto names).
    - ``previous``: person, period (Codes; names sort chronologically), kind (Codes of month/quarter/…),
      total, grade (Codes), rank, size, and optionally a column per component named as in the scheme
      (that period's component score, NaN where unknown; ``components.<name>.over_periods`` reads it).
    - ``sanctions``: person, level (Codes), months_ago and/or year: several sanctions per person.
    - ``honours``: person, honour (Codes): the honours of each person's unit (人民满意, 效能先进), which
      ``grading.quotas.<grade>.by_honour`` adds places for; a person has one row per honour.
    """

    people: People
    scores: dict[str, np.ndarray] = field(default_factory=dict)
    task_rates: dict[str, np.ndarray] = field(default_factory=dict)
    personal: Table = field(default_factory=Table.empty)
    kpis: Table = field(default_factory=Table.empty)
    ballots: Table = field(default_factory=Table.empty)
    claims: Table = field(default_factory=Table.empty)
    flags: Table = field(default_factory=Table.empty)
    previous: Table = field(default_factory=Table.empty)
    sanctions: Table = field(default_factory=Table.empty)
    honours: Table = field(default_factory=Table.empty)
    pool_amount: float | dict[str, float] | None = None  # yuan, or {value of the pool's ``by``: yuan}
    pool_amounts: dict[str, object] = field(default_factory=dict)  # named pool → yuan or {value: yuan}
    period: str = ""
    sources: dict[str, str] = field(default_factory=dict)  # table → file name, for messages

    def source(self, table: str) -> str:
        return self.sources.get(table, table)
