"""Money of a period (激励资金, 绩效工资基数), held in integer fen: the incentive pools' amounts (one per
pool, or one per value of the pool's ``by`` attribute) and the pay base, for the whole period or per
unit."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.audit.services import record
from kaohe.engine.period_inputs import pool_names, pool_parts

from ..choices import MoneyKind
from ..models import Period, PeriodAmount
from .entries import Problems, Where, by_entry, check_editable, fen, same, text, unit_of, units_by_code


@transaction.atomic
def set_amounts(*, actor, period: Period, rows: list[dict], where: Where = by_entry) -> int:
    """Set money from rows {kind (pool | pay_base), pool (a pool's name in the scheme), part (the
    value of the pool's ``by``: a unit's name…; empty: the whole pool), unit (pay base: a unit's code
    or name; empty: the whole period), amount (yuan, two decimals at most; empty: remove)}. Nothing is
    written unless every row is right."""
    check_editable(period)
    scheme = period.scheme.parsed()
    pools = pool_names(scheme)
    units = units_by_code(period)
    problems = Problems(where)
    keep: list[dict] = []
    for i, row in enumerate(rows):
        kind = text(row.get("kind")) or MoneyKind.POOL
        amount = fen(row.get("amount"), problems, i, "amount")
        if kind == MoneyKind.POOL:
            pool, part = text(row.get("pool")) or (pools[0] if len(pools) == 1 else ""), text(row.get("part"))
            if pool not in pools:
                expected = "、".join(pools) if pools else _("none: the scheme shares no pool")
                problems.add(
                    i,
                    "pool",
                    _("expected a pool among %(names)s, found %(found)s.")
                    % {"names": expected, "found": pool},
                )
                continue
            if part and pool_parts(scheme, pool) is None:
                problems.add(
                    i, "part", _("the pool %(pool)s is one amount; leave the part empty.") % {"pool": pool}
                )
                continue
            by = pool_parts(scheme, pool)
            if by is not None and not part:
                problems.add(
                    i,
                    "part",
                    _("the pool %(pool)s is shared by %(by)s: give the part.") % {"pool": pool, "by": by},
                )
                continue
            known = (
                {u.name for u in units.values()}
                if by == "unit"
                else set(scheme.tracks)
                if by == "track"
                else None
            )
            if part and known is not None and part not in known:
                problems.add(i, "part", _("no %(by)s %(part)s in this period.") % {"by": by, "part": part})
                continue
            keep.append({"kind": kind, "pool": pool, "part": part, "unit_id": None, "amount": amount})
        elif kind == MoneyKind.PAY_BASE:
            ok, unit = unit_of(row.get("unit"), units, problems, i, "unit")
            if ok:
                keep.append(
                    {
                        "kind": kind,
                        "pool": "",
                        "part": "",
                        "unit_id": unit.pk if unit else None,
                        "amount": amount,
                    }
                )
        else:
            problems.add(i, "kind", _("expected pool or pay_base, found %(found)s.") % {"found": kind})
    problems.refuse()
    for k in keep:
        PeriodAmount.objects.filter(
            same("unit_id", k["unit_id"]), period=period, kind=k["kind"], pool=k["pool"], part=k["part"]
        ).delete()
        if k["amount"] is not None:
            PeriodAmount.objects.create(
                period=period,
                kind=k["kind"],
                pool=k["pool"],
                part=k["part"],
                unit_id=k["unit_id"],
                amount_fen=k["amount"],
            )
    record(actor=actor, action="appraisal.money.set", obj=period, after={"rows": keep})
    return len(keep)
