"""The personal-indicator workbook (个性指标): the import's template, filled with the indicators the
user's people have now (a person without any gets one empty row per personal node), so that the
office edits it and imports it back. Its headers are the import's, in Chinese."""

from __future__ import annotations

from typing import cast

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .models import Period
from .selectors_personal import indicators_of, period_nodes, settable_people

HEADERS = ["工号", "姓名", "考核指标", "个性指标", "分值", "目标"]
SHEET = "个性指标"


def personal_workbook(user, period: Period) -> Workbook:
    """The workbook of the people ``user`` sets in ``period`` (two queries)."""
    nodes = period_nodes(period)
    people = list(settable_people(user, period).order_by("unit__path", "staff_no"))
    got = indicators_of(period, people)
    wb = Workbook()
    ws = cast(Worksheet, wb.active)
    ws.title = SHEET
    ws.append(HEADERS)
    for person in people:
        mine = got.get(person.pk, [])
        for key in nodes:
            rows = [pi for pi in mine if pi.node == key]
            if not rows:
                ws.append([person.staff_no, person.name, key, None, None, None])
            for pi in rows:
                ws.append([person.staff_no, person.name, key, pi.name, float(pi.points), pi.target])
    if nodes:
        choice = DataValidation(type="list", formula1='"' + ",".join(nodes) + '"', allow_blank=True)
        ws.add_data_validation(choice)
        choice.add(f"C2:C{max(ws.max_row, 2)}")
    for col, width in zip("ABCDEF", (10, 10, 22, 24, 8, 40), strict=True):
        ws.column_dimensions[col].width = width
    return wb
