"""Excel exports of the ballot domain: the one-time codes of a batch and a closed campaign's results
(laid out like the 民主测评 summary the office fills today)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.engine.numeric import round_half_up_scalar
from kaohe.platform.excel import workbook_bytes

from . import codes as codelib
from .selectors import Results, engine_rows


def _sheet(wb: Workbook) -> Worksheet:
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook always has one
    return ws


def _title(campaign) -> str:
    """``示范镇2025年度班子成员和中层干部民主测评``: the unit and the period before the campaign's
    name, each unless the name already says it."""
    said = [part for part in (campaign.unit.name, campaign.period) if part not in campaign.name]
    return "".join(said) + campaign.name


def codes_filename(campaign, group) -> str:
    """The download name of a batch of one-time codes, e.g. ``…民主测评一次性测评码（群众代表）.xlsx``."""
    return f"{_title(campaign)}一次性测评码（{group.name}）.xlsx"


def results_filename(campaign) -> str:
    """The download name of a closed campaign's results, e.g. ``示范镇2025年度…民主测评结果.xlsx``."""
    return f"{_title(campaign)}结果.xlsx"


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
    return workbook_bytes(wb)


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
    return workbook_bytes(wb)
