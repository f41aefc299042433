"""The demo township's appraisal cycle: this month's period under the Xiacun (002) preset — a monthly
scheme — in scoring.
Every assessor except the demo login ``reviewer`` has filled their sheet (a draft, not submitted), so
the office sees scoring progress and that login has a sheet to score; the demo staff member has one claim
waiting for the section. Runs once: it does nothing when the month's period exists already."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kaohe.engine import load_scheme
from kaohe.engine.periods import span
from kaohe.org.demo import DEMO_ROOT_CODE
from kaohe.org.models import Person, Unit
from kaohe.org.services_attributes import set_attribute_for_many
from kaohe.presets import load_preset

from .choices import PeriodKind
from .inputs import people_of
from .models import Period, Scheme
from .selectors_sheets import sheet_plan
from .services.claims import file_claim
from .services.periods import create_period, start_scoring
from .services.schemes import attach_scheme, import_scheme
from .services.scoring import get_or_create_sheet, save_sheet

DEMO_PRESET = "002_xiacun"
DEMO_KIND = PeriodKind.MONTH  # the preset's `period`
# The preset's tracks read 机关 for the township's offices; windows and institutions count as offices.
DEMO_UNIT_KINDS = {"window": "机关", "institution": "机关"}
DEMO_REVIEWER = "reviewer"  # the demo login left to score
VILLAGE_HEADS = ("党支部书记、村委会主任", "党委书记、居委会主任")  # the demo's titles of a village's head


def _share(staff_no: str) -> float:
    """A deterministic share of an indicator's points, 0.70–0.98, from the staff number."""
    return 0.70 + (sum(map(ord, staff_no)) % 15) * 0.02


def load_demo_cycle(*, stdout=None, today: date | None = None) -> Period | None:
    """Create the demo month once (after :func:`kaohe.org.demo.load_demo`); a second call, or a
    database without the demo township, does nothing. Returns the period or None."""
    root = Unit.objects.filter(code=DEMO_ROOT_CODE).first()
    if root is None:
        return None
    first = span(DEMO_KIND, today or timezone.localdate()).first
    existing = Period.objects.filter(unit=root, kind=DEMO_KIND, start=first).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        text = load_preset(DEMO_PRESET).scheme_text_for(first.year)  # this year's scheme
        parsed = load_scheme(text)
        scheme = Scheme.objects.filter(name=parsed.scheme, version=str(parsed.version)).first()
        if scheme is None:  # the office may have imported the preset already
            scheme = import_scheme(actor=None, text=text, preset=DEMO_PRESET)
        attach_scheme(actor=None, scheme=scheme, unit=root, unit_kinds=DEMO_UNIT_KINDS)
        _attributes(first.year)
        period = create_period(actor=None, unit=root, scheme=scheme, kind=DEMO_KIND, start=first)
        start_scoring(actor=None, period=period)
        _score(period)
        _claim(period)
    if stdout is not None:
        stdout.write(f"Opened the demo appraisal period {period.code} (scoring).\n")
    return period


def _attributes(year: int) -> None:
    """The preset's own words for the village cadres (its ``attributes:``): every village or
    community cadre is 村干部 (staffing), the party secretary heading it 村主要负责人 (identity)."""
    village = Person.objects.filter(unit__kind="village", active=True).select_related("unit", "position")
    set_attribute_for_many(actor=None, people=village, year=year, name="staffing", value="村干部")
    heads = [p for p in village if p.position is not None and p.position.title in VILLAGE_HEADS]
    set_attribute_for_many(actor=None, people=heads, year=year, name="identity", value="村主要负责人")


def _score(period: Period) -> None:
    """Fill every assessor's sheet but the demo reviewer's, through the audited service: each sheet
    gets exactly the lines the plan gives it."""
    plan = sheet_plan(period)
    staff = dict(people_of(period).values_list("id", "staff_no"))
    skip = Person.objects.filter(user__username=DEMO_REVIEWER).values_list("id", flat=True).first()
    assessors = sorted(
        (a for a in plan.lines if a != skip or a is None), key=lambda r: (r is not None, r or 0)
    )
    by_id = Person.objects.in_bulk([a for a in assessors if a is not None])
    for aid in assessors:
        sheet = get_or_create_sheet(period, by_id.get(aid) if aid is not None else None)
        entries: list[tuple[int, str, float | None, str]] = [
            (pid, ln.key, round(_share(staff[pid]) * ln.top, 1), "")
            for pid, lines in plan.of(aid).items()
            for ln in lines
        ]
        save_sheet(actor=None, sheet=sheet, entries=entries)


def _claim(period: Period) -> None:
    staff = Person.objects.filter(user__username="staff").first()
    if staff is None:
        return
    file_claim(
        actor=staff.user,
        period=period,
        person=staff,
        category="改革创新",
        points=Decimal(3),
        reason="推行“一窗受理”改革，群众办事平均时长缩短一半。",
    )
