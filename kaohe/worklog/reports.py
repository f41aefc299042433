"""Summaries as page data, Excel workbooks and the Word notice (通报, GB/T 9704 layout); the
calendar page's month grid. Everything reads the rollups, never the log table."""

import calendar as pycalendar
from datetime import date, timedelta
from io import BytesIO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from kaohe.audit.models import Seal
from kaohe.engine.periods import span
from kaohe.org.models import Unit, in_subtree
from kaohe.platform.calendar import calendar_for_unit
from kaohe.platform.excel import workbook_bytes
from kaohe.platform.models import CalendarDay

from .models import MissNotice
from .selectors import Rates, ancestor_ids, rates_by_person, rates_by_section


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def summary_data(unit: Unit, kind: str, day: date) -> dict:
    total, sections = rates_by_section(unit, kind, day)
    start, end = span(kind, day).bounds
    notices = (
        MissNotice.objects.filter(in_subtree(unit, via="person__unit"), day__gte=start, day__lte=end)
        .select_related("person", "person__unit")
        .order_by("person__unit__path", "day")
    )
    chart = {
        "labels": [s.label for s in sections],
        "fill": [round((s.fill_rate or 0) * 100, 1) for s in sections],
        "on_time": [round((s.on_time_rate or 0) * 100, 1) for s in sections],
        "review": [round((s.review_rate or 0) * 100, 1) for s in sections],
    }
    return {"total": total, "sections": sections, "notices": list(notices[:500]), "chart": chart}


HEAD = [
    "name",
    "people",
    "working days",
    "filled",
    "fill rate",
    "on time",
    "on-time rate",
    "approved",
    "review rate",
    "mean review hours",
    "missed days",
    "notices",
    "deduction",
]


def _headers() -> list[str]:
    return [
        _("Name"),
        _("People"),
        _("Working days"),
        _("Logs written"),
        _("Fill rate"),
        _("On time"),
        _("On-time rate"),
        _("Approved"),
        _("Review rate"),
        _("Mean review time (hours)"),
        _("Missed days"),
        _("Notices"),
        _("Deduction"),
    ]


def _row(r: Rates) -> list:
    def ratio(v):
        return None if v is None else round(v, 4)

    return [
        r.label,
        r.people,
        r.working_days,
        r.filled,
        ratio(r.fill_rate),
        r.on_time,
        ratio(r.on_time_rate),
        r.approved,
        ratio(r.review_rate),
        None if r.review_hours is None else round(r.review_hours, 1),
        r.missed,
        r.notices,
        float(r.deduction),
    ]


def _sheet(ws, title: str, rows: list[Rates], first_header: str | None = None) -> None:
    ws.title = title[:31]
    headers = _headers()
    if first_header:
        headers[0] = first_header
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    for r in rows:
        ws.append(_row(r))
    for col in ("E", "G", "I"):
        for cell in ws[col][1:]:
            cell.number_format = "0.0%"
    ws.freeze_panes = "B2"
    ws.column_dimensions["A"].width = 18


def summary_workbook(unit: Unit, kind: str, day: date) -> bytes:
    """Sheets: sections (with the unit's total last), people, notices."""
    total, sections = rates_by_section(unit, kind, day)
    start, end = span(kind, day).bounds
    wb = Workbook()
    _sheet(wb.active, _("Sections"), [*sections, total], _("Section"))
    _sheet(wb.create_sheet(), _("People"), list(rates_by_person(unit, kind, day)), _("Name"))
    ws = wb.create_sheet(_("Notices")[:31])
    ws.append(
        [
            _("Name"),
            _("Unit"),
            _("First missed day"),
            _("Last missed day"),
            _("Days"),
            _("Deduction"),
            _("Reason"),
        ]
    )
    for n in MissNotice.objects.filter(
        in_subtree(unit, via="person__unit"), day__gte=start, day__lte=end
    ).select_related("person", "person__unit"):
        ws.append([n.person.name, n.person.unit.name, n.first_day, n.day, n.days, float(n.points), n.reason])
    return workbook_bytes(wb)


# --- the Word notice ------------------------------------------------------------------------------------


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def notice_document(unit: Unit, kind: str, day: date, *, number: str = "") -> bytes:
    """A notice (通报) of the period's log rates by section and the people with consecutive misses,
    laid out per GB/T 9704-2012, ending with the latest published audit seal."""
    # local import: python-docx loads only when a notice is written
    from docx import Document
    from docx.enum.section import WD_SECTION_START  # noqa: F401 — imported for python-docx's registry
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    fonts = getattr(settings, "KAOHE_DOCX_FONTS", {})
    body_font = fonts.get("body", "仿宋_GB2312")
    title_font = fonts.get("title", "方正小标宋简体")
    heading_font = fonts.get("heading", "黑体")
    total, sections = rates_by_section(unit, kind, day)
    start, end = span(kind, day).bounds
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)

    def run_font(run, name: str, size: float, bold: bool = False) -> None:
        run.font.name = name
        run.font.size = Pt(size)
        run.font.bold = bold
        rpr = run._element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)

    def para(text: str, *, font=body_font, size=16.0, align=None, indent=True, bold=False):
        p = doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28.9)
        fmt.space_before = fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        if align is not None:
            p.alignment = align
        run_font(p.add_run(text), font, size, bold)
        return p

    year = end.year
    if number:
        para(number, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    period_label = (
        f"{start.month}月{start.day}日至{end.month}月{end.day}日"
        if kind == "week"
        else (f"{start.year}年{start.month}月" if kind == "month" else f"{_cn_date(start)}至{_cn_date(end)}")
    )
    para(
        f"关于{period_label}履职纪实填报审阅情况的通报",
        font=title_font,
        size=22,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    para("", indent=False)
    para("各科室、站所：", indent=False)
    para(
        f"现将{period_label}全{unit.name}干部履职纪实填报、审阅情况通报如下。统计期内应填报"
        f"{total.working_days}人次，实际填报{total.filled}人次，填报率{pct(total.fill_rate)}；"
        f"按时填报率{pct(total.on_time_rate)}；审阅率{pct(total.review_rate)}。"
    )
    para("一、各单位填报审阅情况", font=heading_font)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["单位", "应填报", "填报率", "按时率", "审阅率"], strict=True):
        cell.text = ""
        run_font(cell.paragraphs[0].add_run(text), heading_font, 14)
    for s in [*sections, total]:
        cells = table.add_row().cells
        values = [
            s.label if s is not total else "合计",
            str(s.working_days),
            pct(s.fill_rate),
            pct(s.on_time_rate),
            pct(s.review_rate),
        ]
        for cell, text in zip(cells, values, strict=True):
            cell.text = ""
            run_font(cell.paragraphs[0].add_run(text), body_font, 14)
    notices = list(
        MissNotice.objects.filter(in_subtree(unit, via="person__unit"), day__gte=start, day__lte=end)
        .select_related("person", "person__unit")
        .order_by("person__unit__path", "day")
    )
    para("二、连续未填报人员", font=heading_font)
    if notices:
        for n in notices:
            para(
                f"{n.person.unit.name}{n.person.name}：{_cn_date(n.first_day)}至{_cn_date(n.day)}连续{n.days}个工作日未填报，扣{n.points}分。"
            )
    else:
        para("本期无连续未填报人员。")
    para("三、工作要求", font=heading_font)
    para("请各单位督促干部每日及时填报履职纪实，分管领导每日审阅、批复，确保填报率、审阅率达到100%。")
    para("", indent=False)
    para(unit.name, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    para(_cn_date(timezone.localdate()), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    seal = Seal.objects.order_by("-last_seq").first()
    if seal is not None:
        para("", indent=False)
        para(f"审计封印：{seal.last_seq}:{seal.head_hash}", size=10.5, indent=False)
    _page_numbers(doc, qn)
    out = BytesIO()
    doc.core_properties.title = f"{unit.name} {year} 履职纪实通报"
    doc.save(out)
    return out.getvalue()


def _page_numbers(doc, qn) -> None:
    """ "— 1 —" in 四号 宋体 at the foot: odd pages right, even pages left (GB/T 9704 §7.5)."""
    # local import: python-docx loads only when a notice is written
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True
    sec = doc.sections[0]
    for footer, align in (
        (sec.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        p = footer.paragraphs[0]
        p.alignment = align
        for piece in ("— ", None, " —"):
            run = p.add_run()
            run.font.size = Pt(14)
            run.font.name = "宋体"
            run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
            if piece is not None:
                run.text = piece
                continue
            for tag, text in (("w:fldChar", "begin"), ("w:instrText", "PAGE"), ("w:fldChar", "end")):
                el = OxmlElement(tag)
                if tag == "w:fldChar":
                    el.set(qn("w:fldCharType"), text)
                else:
                    el.text = text
                run._element.append(el)


# --- calendar page -------------------------------------------------------------------------------------


def calendar_month(unit: Unit, month: date) -> dict:
    """Weeks of the month, each day with whether it is a working day and where that comes from."""
    last = date(month.year, month.month, pycalendar.monthrange(month.year, month.month)[1])
    cal = calendar_for_unit(unit, month, last)
    own = {
        c.day: c
        for c in CalendarDay.objects.filter(unit__in=ancestor_ids(unit), day__gte=month, day__lte=last)
    }
    weeks = []
    for week in pycalendar.Calendar().monthdatescalendar(month.year, month.month):
        weeks.append(
            [
                {
                    "day": d,
                    "in_month": d.month == month.month,
                    "working": cal.is_working_day(d),
                    "source": cal.source(d),
                    "note": own[d].note if d in own else "",
                }
                for d in week
            ]
        )
    return {
        "weeks": weeks,
        "overrides": CalendarDay.objects.filter(unit=unit).order_by("-day")[:100],
        "prev_month": (month - timedelta(days=1)).strftime("%Y-%m"),
        "next_month": (last + timedelta(days=1)).strftime("%Y-%m"),
    }
