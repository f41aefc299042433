"""What the office's period entries share (measures, money, unit grades, task results): the place a
problem is reported at, every problem collected before anything is written, and the parsing of the
cells every one of them has (a unit, a number, an amount in yuan, a percentage)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.org.models import Unit
from kaohe.platform.errors import Refusal

from ..choices import PeriodState
from ..models import Period

# Where a problem is: (entry index from 0, field name) → text. Pages and the API name the field and
# the entry; the Excel import names the sheet, the row and the column.
Where = Callable[[int, str], str]

EDITABLE = (PeriodState.OPEN, PeriodState.SCORING, PeriodState.COMPUTED, PeriodState.PUBLICITY)
MAX_FEN = 10**15  # ten trillion yuan: beyond any unit's budget, well inside a 64-bit integer


FIELD_LABELS = {
    "unit": gettext_lazy("unit"),
    "name": gettext_lazy("measure"),
    "value": gettext_lazy("value"),
    "kind": gettext_lazy("kind"),
    "pool": gettext_lazy("pool"),
    "part": gettext_lazy("part"),
    "amount": gettext_lazy("amount (yuan)"),
    "grade": gettext_lazy("unit grade"),
    "honours": gettext_lazy("honours"),
    "person": gettext_lazy("staff number"),
    "indicator": gettext_lazy("task indicator"),
    "rate": gettext_lazy("completion rate (%)"),
}


def by_entry(i: int, field: str) -> str:
    """The place of a problem on a page or in the API: the entry (from 1) and the field."""
    return _("entry %(n)s, %(field)s") % {"n": i + 1, "field": FIELD_LABELS.get(field, field)}


class Problems:
    """Problems collected over all entries; :meth:`refuse` raises them together, so that a bad row
    anywhere means nothing is written and the office sees every problem at once."""

    def __init__(self, where: Where):
        self.where = where
        self.lines: list[str] = []

    def add(self, i: int, field: str, message: str) -> None:
        self.lines.append(_("%(place)s: %(problem)s") % {"place": self.where(i, field), "problem": message})

    def refuse(self) -> None:
        if self.lines:
            raise Refusal("\n".join(self.lines[:50]))


def check_editable(period: Period) -> None:
    if period.state not in EDITABLE:
        raise Refusal(
            _("The period's inputs cannot be changed while it is “%(state)s”.")
            % {"state": PeriodState(period.state).label}
        )


def text(value: object) -> str:
    return "" if value is None else str(value).strip()


def units_by_code(period: Period) -> dict[str, Unit]:
    """The units of the period's subtree by code (and by name, where a name is not ambiguous)."""
    units = list(Unit.objects.subtree(period.unit))
    names: dict[str, list[Unit]] = {}
    for u in units:
        names.setdefault(u.name, []).append(u)
    out = {n: us[0] for n, us in names.items() if len(us) == 1}
    out.update({u.code: u for u in units})
    return out


def unit_of(
    value: object, units: dict[str, Unit], problems: Problems, i: int, field: str
) -> tuple[bool, Unit | None]:
    """(found, the unit a cell names): (True, None) for an empty cell (the whole period); (False,
    None) for a unit not in the period's subtree, reported."""
    code = text(value)
    if not code:
        return True, None
    unit = units.get(code)
    if unit is None:
        problems.add(i, field, _("no unit %(code)s in this period's unit.") % {"code": code})
        return False, None
    return True, unit


def same(field: str, value: int | None) -> Q:
    """``field`` equal to ``value``, where None matches an empty (NULL) column."""
    return Q(**{field: value}) if value is not None else Q(**{f"{field}__isnull": True})


def number(value: object, problems: Problems, i: int, field: str) -> float | None:
    """A finite number (None: empty, reported by the caller if it matters)."""
    if text(value) == "":
        return None
    try:
        got = float(str(value).strip().replace(",", ""))
    except ValueError:
        got = math.nan
    if not math.isfinite(got):
        problems.add(i, field, _("expected a number, found %(value)s.") % {"value": value})
        return None
    return got


def percent(value: object, problems: Problems, i: int, field: str) -> float | None:
    """A percentage as typed (74, "74%" or "74 %") → 0.74; 0–100 only."""
    raw = re.sub(r"\s*[%％]\s*$", "", text(value))
    got = number(raw, problems, i, field) if raw else None
    if got is None:
        return None
    if not 0 <= got <= 100:
        problems.add(i, field, _("expected a percentage from 0 to 100, found %(value)s.") % {"value": value})
        return None
    return got / 100


def fen(value: object, problems: Problems, i: int, field: str) -> int | None:
    """An amount in yuan with at most two decimals ("1,234.50") → integer fen, exactly (no float)."""
    raw = text(value).replace(",", "").replace("¥", "").replace("￥", "")
    if raw == "":
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0 or amount * 100 != (amount * 100).to_integral_value():
        problems.add(
            i,
            field,
            _("expected an amount in yuan ≥ 0 with at most two decimals, found %(value)s.")
            % {"value": value},
        )
        return None
    got = int(amount * 100)
    if got > MAX_FEN:
        problems.add(i, field, _("the amount %(value)s is too large.") % {"value": value})
        return None
    return got
