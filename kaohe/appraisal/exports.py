"""The results workbook of a period (考核结果名册): one sheet per track in rank order."""

from __future__ import annotations

from datetime import date

import openpyxl

from kaohe.engine.period_inputs import fen_text
from kaohe.platform.excel import workbook_bytes

from .choices import PeriodKind, grade_or_status
from .models import Period, PersonResult
from .selectors import current_set, in_rank_order


def results_workbook(period: Period) -> bytes:
    """One sheet per track: rank, name, unit, components, total, grade (考核结果名册 columns first)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.worksheets[0])
    rows = list(
        in_rank_order(
            PersonResult.objects.filter(result_set__period=period, result_set__current=True), "track"
        ).values_list(
            "track",
            "rank",
            "track_size",
            "person__staff_no",
            "person__name",
            "person__unit__name",
            "components",
            "total",
            "grade",
            "status",
            "tail",
            "outcomes",
            "pay_factor",
            "pay_fen",
            "pool_fen",
        )
    )
    rs = current_set(period)
    pay = any(r[13] is not None for r in rows)
    pool = rs is not None and rs.pool_total_fen is not None
    money_head = (["绩效系数", "绩效工资（元）"] if pay else []) + (["激励资金（元）"] if pool else [])
    sheets: dict = {}
    for (
        track,
        rank,
        size,
        no,
        name,
        unit,
        comps,
        total,
        grade,
        status,
        tail,
        outcomes,
        factor,
        pay_fen,
        pool_fen,
    ) in rows:
        ws = sheets.get(track)
        if ws is None:
            ws = sheets[track] = wb.create_sheet(track[:31])
            ws.append(
                [
                    "排名",
                    "工号",
                    "姓名",
                    "单位",
                    *comps.keys(),
                    "总分",
                    "等次",
                    *money_head,
                    "末位督考",
                    "结果运用",
                ]
            )
        money_cells = (
            [f"{round(factor * 100, 2):+g}%" if pay_fen is not None else "", fen_text(pay_fen)] if pay else []
        ) + ([fen_text(pool_fen)] if pool else [])
        ws.append(
            [
                f"{rank}/{size}" if rank else "—",
                no,
                name,
                unit,
                *comps.values(),
                total,
                grade_or_status(grade, status),
                *money_cells,
                "；".join(tail),
                "；".join(outcomes),
            ]
        )
    if not sheets:
        wb.create_sheet("结果")
    return workbook_bytes(wb)


QUARTERS = "一二三四"


def period_title(kind: str, start: date) -> str:
    """A period as users name it: ``2026年12月``, ``2026年第二季度``, ``2026年上半年``, ``2026年度``."""
    if kind == PeriodKind.MONTH:
        return f"{start.year}年{start.month}月"
    if kind == PeriodKind.QUARTER:
        return f"{start.year}年第{QUARTERS[(start.month - 1) // 3]}季度"
    if kind == PeriodKind.HALF:
        return f"{start.year}年{'上' if start.month <= 6 else '下'}半年"
    return f"{start.year}年度"


def results_filename(period: Period) -> str:
    """The download name of :func:`results_workbook`: ``示范镇2026年12月考核结果.xlsx``."""
    return f"{period.unit.name}{period_title(period.kind, period.start)}考核结果.xlsx"
