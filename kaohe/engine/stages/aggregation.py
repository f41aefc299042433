"""Stage 5, aggregation (``aggregation``, ``secondment``): the base score Σ component score × share,
then the scheme's parts over this and earlier periods, and the host unit's share of a seconded
person's score.

:func:`earlier_periods` is the one rule of a part over earlier periods' totals; the annual roll-up
(:mod:`kaohe.appraisal.annual`) calls it too."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaohe.engine.data import PeriodData
from kaohe.engine.scheme import Scheme, parse_share
from kaohe.engine.stages.common import code_of, most_recent, period_order
from kaohe.engine.stages.components import Components
from kaohe.engine.stages.tracks import Tracks


@dataclass(frozen=True)
class Aggregated:
    base_current: np.ndarray  # Σ component score × share, this period
    base: np.ndarray  # after aggregation over periods and (at stage base) secondment
    aggregation_parts: dict[str, np.ndarray]  # value per person, per part
    aggregation_counts: dict[str, np.ndarray]  # periods found per person, per part
    aggregation_shares: dict[str, np.ndarray]  # share per person, per part (share_by_track)
    host_share: np.ndarray
    host_score: np.ndarray
    home_value: np.ndarray  # the home unit's value where secondment applies at stage base, else NaN


def aggregate(s: Scheme, d: PeriodData, tracks: Tracks, comps: Components) -> Aggregated:
    """The base score per person (see the module's docstring)."""
    n = len(d.people)
    shares = np.array([c.share for c in s.components.values()])
    base_current = comps.components @ shares
    host_share, host_score = _secondment_shares(s, d)
    parts: dict[str, np.ndarray] = {}
    counts: dict[str, np.ndarray] = {}
    part_shares: dict[str, np.ndarray] = {}
    base = base_current.copy()
    agg = s.aggregation
    if agg is not None:
        prev = d.previous
        base = np.zeros(n)
        for pname, part in agg.parts.items():
            current = base_current if part.include_current else None
            if part.source == "current":
                value = (
                    base_current
                    if part.component is None
                    else comps.components[:, comps.component_names.index(part.component)]
                )
                count = np.ones(n)
            elif len(prev):
                kind = prev.code("kind")
                sel = kind.codes == code_of(kind, part.source)
                key = period_order(prev.code("period"))[sel]
                value, count = earlier_periods(
                    part.how,
                    prev.person[sel],
                    key,
                    prev.num("total")[sel],
                    n,
                    last=part.last,
                    current=current,
                )
            elif current is not None:
                value, count = current.copy(), np.ones(n)
            else:
                value, count = np.zeros(n), np.zeros(n)
            share = np.full(n, part.share)
            if part.share_by_track:
                per_track = np.array([part.share_by_track.get(t, part.share) for t in tracks.track_names])
                share = per_track[tracks.track]
            parts[pname] = value
            counts[pname] = count
            part_shares[pname] = share
            base += share * value
    base, home_value = combine_secondment(s, "base", base, host_share, host_score)
    return Aggregated(
        base_current=base_current,
        base=base,
        aggregation_parts=parts,
        aggregation_counts=counts,
        aggregation_shares=part_shares,
        host_share=host_share,
        host_score=host_score,
        home_value=home_value,
    )


def earlier_periods(
    how: str,
    person: np.ndarray,
    key: np.ndarray,
    totals: np.ndarray,
    n: int,
    *,
    last: int | None = None,
    current: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One aggregation part over earlier periods' totals, for ``n`` people at once: (value, periods
    found) per person.

    Rows are one earlier period of one person: ``person`` (index < n), ``key`` (chronological: a later
    period has a higher key) and ``totals``. ``how`` is ``mean``, ``sum`` or ``last`` (the total of the
    latest period); ``last`` keeps only each person's ``last`` most recent rows; ``current`` (mean
    only) counts this period's value as one more period. A person without rows gets 0 (or, with
    ``current``, the current value)."""
    if last is not None:
        keep = most_recent(n, person, key, np.ones(len(person), dtype=bool), last)
        person, key, totals = person[keep], key[keep], totals[keep]
    count = np.bincount(person, minlength=n).astype(np.float64)
    if how == "last":
        value = np.zeros(n)
        o = np.lexsort((key, person))
        value[person[o]] = totals[o]  # later periods overwrite earlier ones
        return value, count
    got = np.bincount(person, weights=totals, minlength=n)
    if current is not None:
        got, count = got + current, count + 1
    if how == "sum":
        return got, count
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, got / np.maximum(count, 1), 0.0), count


def _secondment_shares(s: Scheme, d: PeriodData) -> tuple[np.ndarray, np.ndarray]:
    """Host share and host score per person (secondment: dual evaluation by home and host unit)."""
    people = d.people
    n = len(people)
    if s.secondment is None:
        return np.zeros(n), np.full(n, np.nan)
    default = s.secondment.host_share if s.secondment.host_share is not None else np.nan
    share = people.numbers.get("host_share")
    if share is None and "host_share" in people.attributes:
        col = people.attributes["host_share"]
        parsed = {}
        for nm in col.names:
            try:
                parsed[nm] = parse_share(nm)
            except ValueError:
                try:
                    parsed[nm] = float(nm)
                except ValueError:
                    parsed[nm] = np.nan
        share = col.lookup(parsed, default=np.nan)
    share = np.full(n, np.nan) if share is None else share.astype(np.float64).copy()
    share = np.where(np.isnan(share), default, share)
    host = people.numbers.get("host_score", np.full(n, np.nan))
    has = np.isfinite(host) & np.isfinite(share) & (share > 0)
    return np.where(has, np.clip(share, 0.0, 1.0), 0.0), np.where(has, host, np.nan)


def combine_secondment(
    s: Scheme, stage: str, value: np.ndarray, host_share: np.ndarray, host_score: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """At ``stage`` (base or total) of the scheme's secondment: the home unit's ``value`` combined
    with the host's score by shares, and the home value (NaN where no secondment applies here)."""
    sec = s.secondment
    if sec is None or sec.stage != stage:
        return value, np.full(len(value), np.nan)
    has = host_share > 0
    home = np.where(has, value, np.nan)
    return np.where(has, (1 - host_share) * value + host_share * np.nan_to_num(host_score), value), home
