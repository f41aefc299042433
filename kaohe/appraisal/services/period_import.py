"""The period inputs workbook, imported whole or not at all: each sheet goes to its service, every
problem of every sheet is reported with its sheet, row and column, and one bad cell anywhere leaves
everything as it was."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.audit.services import record
from kaohe.platform.errors import Refusal

from ..models import Period
from ..period_workbook import KIND_WORDS, MEASURES, MONEY, SCOPE_WORDS, TASKS, UNIT_GRADES, SheetRows
from .entries import check_editable, text
from .measures import set_measures
from .money import set_amounts
from .tasks import set_task_results
from .unit_grades import set_unit_grades


@transaction.atomic
def import_period_inputs(*, actor, period: Period, sheets: dict[str, SheetRows]) -> dict[str, int]:
    """Apply the sheets read by ``period_workbook.read_period_workbook``; the rows applied per sheet."""
    check_editable(period)
    done: dict[str, int] = {}
    problems: list[str] = []

    def run(name: str, apply) -> None:
        try:
            done[name] = apply()
        except Refusal as exc:
            problems.extend(exc.messages)

    if (s := sheets.get(MEASURES.name)) and s.rows:
        run(s.spec.name, lambda: set_measures(actor=actor, period=period, rows=s.rows, where=s.where))
    if (m := sheets.get(MONEY.name)) and m.rows:
        rows = [r | {"kind": KIND_WORDS.get(text(r.get("kind")), text(r.get("kind")))} for r in m.rows]
        run(m.spec.name, lambda: set_amounts(actor=actor, period=period, rows=rows, where=m.where))
    if (g := sheets.get(UNIT_GRADES.name)) and g.rows:
        run(g.spec.name, lambda: _unit_grades(actor, period, g))
    if (t := sheets.get(TASKS.name)) and t.rows:
        run(t.spec.name, lambda: set_task_results(actor=actor, period=period, rows=t.rows, where=t.where))
    if problems:
        raise Refusal("\n".join(problems))
    record(actor=actor, action="appraisal.period_inputs.import", obj=period, after=done)
    return done


def _unit_grades(actor, period: Period, sheet: SheetRows) -> int:
    """The unit grades sheet in two calls: the rows for this period and those for the whole year."""
    split: dict[bool, list[int]] = {False: [], True: []}
    bad: list[str] = []
    for i, row in enumerate(sheet.rows):
        scope = text(row.get("scope")) or "本期"
        if scope not in SCOPE_WORDS:
            bad.append(
                _("%(place)s: expected 本期 or 全年, found %(found)s.")
                % {"place": sheet.where(i, "scope"), "found": scope}
            )
            continue
        split[SCOPE_WORDS[scope]].append(i)
    if bad:
        raise Refusal("\n".join(bad))
    n = 0
    for whole_year, picked in split.items():
        if picked:

            def where(i: int, field: str, picked: list[int] = picked) -> str:
                return sheet.where(picked[i], field)

            rows = [sheet.rows[i] for i in picked]
            n += set_unit_grades(actor=actor, period=period, rows=rows, whole_year=whole_year, where=where)
    return n
