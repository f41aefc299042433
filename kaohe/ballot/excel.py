"""Excel exports of the ballot domain: the one-time codes of a batch and a closed campaign's results
(laid out like the 民主测评 summary the office fills today)."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.engine.numeric import round_half_up_scalar

from . import codes as codelib
from .selectors import Results, engine_rows


def _sheet(wb: Workbook) -> Worksheet:
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook always has one
    return ws


def _save(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _header(ws, row: list[str]) -> None:
    ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"


def export_codes(*, campaign, group, raw_codes: list[str], url: str) -> bytes:
    """One row per code: campaign, rater group, the code and the address to vote at."""
    wb = Workbook()
    ws = _sheet(wb)
    ws.title = _("Codes")
    _header(ws, [_("Campaign"), _("Rater group"), _("No."), _("Code"), _("Vote at")])
    for i, code in enumerate(raw_codes, start=1):
        ws.append([str(campaign), group.name, i, codelib.display_code(code), url])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["D"].width = 16
    ws.column_dimensions["E"].width = 40
    return _save(wb)


def export_results(res: Results) -> bytes:
    """Sheet 1: per person, each shown group's ballots and mean, and the weighted score.
    Sheet 2: the counts per person, group (dimension) and option, as the engine reads them."""
    wb = Workbook()
    ws = _sheet(wb)
    ws.title = _("Results")
    head = [_("Staff number"), _("Name"), _("Unit")]
    for g in res.groups:
        head += [
            # Translators: header of an Excel column; group is a rater group (测评主体)
            _("%(group)s ballots") % {"group": g.name},
            # Translators: header of an Excel column; group is a rater group (测评主体)
            _("%(group)s mean") % {"group": g.name},
        ]
    head.append(_("Weighted score"))
    _header(ws, head)
    for person, result in res.rows:
        row: list = [person.staff_no, person.name, person.unit.name]
        for g in res.groups:
            shown = result.groups.get(g.pk)
            row += [shown.ballots, round_half_up_scalar(shown.mean)] if shown else ["", ""]
        row.append(round_half_up_scalar(result.score) if result.score is not None else "")
        ws.append(row)
    counts = wb.create_sheet(_("Counts"))
    rows = engine_rows(res.campaign)
    has_dims = bool(res.questionnaire.dimensions)
    _header(counts, ["person", "group", *(["dimension"] if has_dims else []), "option", "count"])
    for r in rows:
        counts.append(
            [r["person"], r["group"], *([r["dimension"]] if has_dims else []), r["option"], r["count"]]
        )
    return _save(wb)
