"""Random questionnaires and ballots, and the engine's reading of them, for the parity tests: the
ballot app's results and the appraisal engine must agree on the same ballots.

The engine is reached through its public entry points only (``scheme_from_dict``, ``PeriodData``,
``compute``, ``Result.components``), so these tests hold whatever the engine does inside.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from kaohe.engine import Codes, People, PeriodData, Table, compute, scheme_from_dict

LABELS = ["优秀", "良好", "一般", "较差", "差"]
GROUP_NAMES = ["班子成员", "中层干部", "群众代表"]
DIMENSION_NAMES = ["德", "能", "勤", "绩", "廉"]


@dataclass(frozen=True)
class Questionnaire:
    options: dict[str, int]  # label → points
    groups: dict[str, int]  # name → weight in %
    dimensions: dict[str, int]  # name → weight in %; empty: one overall mark
    min_ballots: int
    when_missing: str
    trim: bool


# One ballot: its rater group and a mark per (person, dimension or None).
Ballot = tuple[str, dict[tuple[int, str | None], str]]


def _percentages(draw, names: list[str]) -> dict[str, int]:
    cuts = sorted(
        draw(st.lists(st.integers(1, 99), min_size=len(names) - 1, max_size=len(names) - 1, unique=True))
    )
    edges = [0, *cuts, 100]
    return {n: edges[i + 1] - edges[i] for i, n in enumerate(names)}


@st.composite
def questionnaires(draw) -> Questionnaire:
    labels = LABELS[: draw(st.integers(2, len(LABELS)))]
    points = draw(st.lists(st.integers(0, 100), min_size=len(labels), max_size=len(labels)))
    groups = GROUP_NAMES[: draw(st.integers(1, len(GROUP_NAMES)))]
    n_dims = draw(st.sampled_from([0, 0, 2, 5]))
    return Questionnaire(
        options=dict(zip(labels, points, strict=True)),
        groups=_percentages(draw, groups),
        dimensions=_percentages(draw, DIMENSION_NAMES[:n_dims]) if n_dims else {},
        min_ballots=draw(st.integers(1, 3)),
        when_missing=draw(st.sampled_from(["renormalise", "zero"])),
        trim=draw(st.booleans()),
    )


@st.composite
def ballots(draw, q: Questionnaire, n_people: int, max_per_group: int = 5) -> list[Ballot]:
    """Complete ballots (every person on every dimension), as the app's forms require."""
    dims: list[str | None] = list(q.dimensions) or [None]
    marks = st.sampled_from(list(q.options))
    out: list[Ballot] = []
    for group in q.groups:
        for _ in range(draw(st.integers(0, max_per_group))):
            out.append((group, {(p, d): draw(marks) for p in range(n_people) for d in dims}))
    return out


def counted(cast: list[Ballot]) -> Counter:
    """(person, group, dimension, option) → ballots: what the database's GROUP BY gives."""
    return Counter((p, group, d, o) for group, marks in cast for (p, d), o in marks.items())


def ballots_per_group(cast: list[Ballot]) -> Counter:
    return Counter(group for group, _marks in cast)


def engine_scheme(q: Questionnaire, groups: list[str] | None = None):
    """A scheme whose only component is a ballot with the campaign's questionnaire (or with one of
    its rater groups alone at 100%, to read that group's mean as the component)."""
    rater_groups = (
        {g: f"{w}%" for g, w in q.groups.items()} if groups is None else {g: "100%" for g in groups}
    )
    ballot: dict = {
        "options": dict(q.options),
        "rater_groups": rater_groups,
        "min_ballots": q.min_ballots,
        "when_group_missing": q.when_missing,
        "drop_extremes": 1 if q.trim else 0,
    }
    if q.dimensions:
        ballot["dimensions"] = {d: f"{w}%" for d, w in q.dimensions.items()}
    return scheme_from_dict(
        {
            "scheme": "测评一致性",
            "year": 2025,
            "period": "year",
            "tracks": {"全体": {"identity": "全体"}},
            "components": {"民主测评": {"share": "100%", "ballot": ballot}},
            "grading": {"grades": ["优秀", "合格"], "tie_break": ["total desc", "person asc"]},
        }
    )


def engine_component(
    q: Questionnaire, n_people: int, cast: list[Ballot], group: str | None = None
) -> np.ndarray:
    """The engine's ballot component per person, from ``compute`` over the cast ballots (of
    ``group`` alone, if given)."""
    rows = [(k, n) for k, n in counted(cast).items() if group is None or k[1] == group]
    people = People(
        ids=np.array([f"P{i}" for i in range(n_people)], dtype=object),
        attributes={"identity": Codes.from_values(["全体"] * n_people)},
    )
    table = Table(person=np.array([k[0] for k, _n in rows], dtype=np.int64))
    table.columns["group"] = Codes.from_values([k[1] for k, _n in rows])
    table.columns["option"] = Codes.from_values([k[3] for k, _n in rows])
    table.columns["count"] = np.array([n for _k, n in rows], dtype=np.float64)
    if q.dimensions:
        table.columns["dimension"] = Codes.from_values([k[2] for k, _n in rows])
    data = PeriodData(people=people, ballots=table if rows else Table.empty())
    result = compute(engine_scheme(q, [group] if group is not None else None), data)
    return result.components[:, 0]  # the scheme's only component
