"""Building appraisal objects for tests: a tiny scheme, a period on a unit, a computed and published
result, and the objects the permission matrix names."""

from datetime import date

from django.core.files.base import ContentFile

# The one track and the two indicators every test scheme here is built on ({version} to format).
SCHEME_BODY = """\
version: "{version}"
tracks:
  全体: {{}}
components:
  实绩:
    share: 100%
    indicators:
      党建: {{points: 60}}
      业务: {{points: 40}}
"""
SCHEME = (
    """
scheme: 测试方案
year: 2025
period: quarter
"""
    + SCHEME_BODY
    + """\
adjustments:
  创新: {{kind: bonus, points: [1, 5]}}
caps:
  加分上限: {{kind: bonus, at_most: 6}}
grading:
  grades: [优秀, 良好, 一般]
  quotas:
    优秀: {{at_most: 34%, rounding: down, minimum: 1}}
tail_rules:
  末位谈话: {{bottom: 1, consecutive: 1, action: 谈话提醒}}
"""
)
DAY = date(2025, 4, 1)


def scheme(version="2025.1"):
    from kaohe.appraisal.services.schemes import import_scheme

    return import_scheme(actor=None, text=SCHEME.format(version=version))


def period(unit, sch=None, start=DAY):
    from kaohe.appraisal.services.periods import create_period

    return create_period(actor=None, unit=unit, scheme=sch or scheme(), kind="quarter", start=start)


def score_all(period_obj, values: dict):
    """values: person → (党建, 业务); written on the office sheet."""
    from kaohe.appraisal.models import Score
    from kaohe.appraisal.services.scoring import get_or_create_sheet

    sheet = get_or_create_sheet(period_obj, None)
    for person, (a, b) in values.items():
        Score.objects.update_or_create(
            period=period_obj, person=person, indicator="实绩/党建", defaults={"value": a, "sheet": sheet}
        )
        Score.objects.update_or_create(
            period=period_obj, person=person, indicator="实绩/业务", defaults={"value": b, "sheet": sheet}
        )


def make_ready(period_obj, reason="测试：本期无此类事项"):
    """Submit every sheet of the period and record each input that may be empty and has no data as
    truly empty, through the service (what an office does before computing)."""
    from django.utils import timezone

    from kaohe.appraisal.choices import SheetStatus
    from kaohe.appraisal.models import Sheet
    from kaohe.appraisal.readiness import MAY_BE_EMPTY, MISSING, readiness
    from kaohe.appraisal.services.readiness import record_empty

    Sheet.objects.filter(period=period_obj).update(status=SheetStatus.SUBMITTED, submitted_at=timezone.now())
    for c in readiness(period_obj):
        if c.status == MISSING and c.requirement.need in MAY_BE_EMPTY:
            record_empty(
                actor=None,
                period=period_obj,
                need=c.requirement.need.value,
                name=c.requirement.name,
                reason=reason,
            )


def computed(unit, values, sch=None):
    from kaohe.appraisal.services.periods import start_scoring
    from kaohe.appraisal.services.results import compute_period

    p = period(unit, sch)
    start_scoring(actor=None, period=p)
    score_all(p, values)
    make_ready(p)
    rs = compute_period(actor=None, period=p)
    p.refresh_from_db()
    return p, rs


def published(unit, values, today=date(2025, 7, 1), sch=None):
    from kaohe.appraisal.services.committee import record_decision
    from kaohe.appraisal.services.periods import send_to_committee
    from kaohe.appraisal.services.publicity import publish

    p, rs = computed(unit, values, sch)
    send_to_committee(actor=None, period=p)
    record_decision(actor=None, period=p, members="甲、乙、丙", day=today, decision="同意")
    publish(actor=None, period=p, today=today)
    p.refresh_from_db()
    return p, rs


def matrix_objects(objs: dict) -> dict:
    """``objs`` plus a scheme, period, sheet, claim (with evidence), result row, appeal and
    follow-up for ``objs["person"]`` in ``objs["unit"]``."""
    from kaohe.appraisal.models import Appeal, Claim, Evidence, FollowUp, Sheet

    unit, person = objs["unit"], objs["person"]
    sch = scheme(f"m{unit.pk}")
    from kaohe.appraisal.services.schemes import attach_scheme

    attach_scheme(actor=None, scheme=sch, unit=unit)
    others = list(unit.people.exclude(pk=person.pk)[:2])
    p, rs = published(unit, {person: (50, 30), **{o: (40, 20) for o in others}}, sch=sch)
    sheet = Sheet.objects.get_or_create(period=p, assessor=person.reviewer)[0]
    claim = Claim.objects.create(period=p, person=person, category="创新", points=2, reason="r")
    ev = Evidence(claim=claim, name="a.pdf", content_type="application/pdf", size=9, sha256="1" * 64)
    ev.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    ev.save()
    row = rs.rows.get(person=person)
    appeal = Appeal.objects.create(row=row, period=p, person=person, reason="r")
    follow = FollowUp.objects.create(
        period=p, person=person, kind="tail", action="谈话", due=date(2025, 8, 1)
    )
    return objs | {
        "scheme": sch,
        "period": p,
        "period_person": (p, person),
        "sheet": sheet,
        "claim": claim,
        "evidence": ev,
        "row": row,
        "appeal": appeal,
        "followup": follow,
    }


def in_english(client):
    """The client with the interface switched to English (the messages asserted are the source's)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


VALUES = {"a1": (60, 40), "a2": (30, 20), "b1": (50, 30)}


def values(org) -> dict:
    """The standard (a, b) scores of the fixture's three people, keyed by person."""
    return {getattr(org, k): v for k, v in VALUES.items()}


def messages(response) -> str:
    """The page's flashed messages in one string."""
    return " ".join(str(m) for m in response.context["messages"])


def closed_campaign(
    unit, people, options: dict, group="全体", ballots=3, mark=None, name="测评", dimensions=None
):
    """A closed ballot campaign of one rater group in which ``ballots`` voters each gave every person
    ``mark`` (default: the first option) on every dimension: ``options`` label → points and
    ``dimensions`` name → weight (%), as in the scheme."""
    from kaohe.ballot.models import Ballot, BallotLine, Campaign, Dimension, Option, Ratee, RaterGroup

    c = Campaign.objects.create(name=name, period="测试", unit=unit, status="closed", min_ballots=1)
    opts = {
        label: Option.objects.create(campaign=c, label=label, points=pts, order=i)
        for i, (label, pts) in enumerate(options.items())
    }
    grp = RaterGroup.objects.create(campaign=c, name=group, weight=100, order=0)
    for p in people:
        Ratee.objects.create(campaign=c, person=p)
    dims = [
        Dimension.objects.create(campaign=c, name=d, weight=w, order=i)
        for i, (d, w) in enumerate((dimensions or {}).items())
    ] or [None]
    chosen = opts[mark or next(iter(options))]
    for _ in range(ballots):
        b = Ballot.objects.create(campaign=c, group=grp)
        for p in people:
            for dim in dims:
                BallotLine.objects.create(
                    ballot=b, campaign=c, group=grp, person=p, option=chosen, dimension=dim
                )
    return c


NATIONAL_OPTIONS = {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 40}
