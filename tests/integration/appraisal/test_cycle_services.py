"""The cycle's services: each change audited, the state machine, atomic recomputation, versions,
deadlines on the working-day calendar, committee quotas, and bad input refused with nothing changed."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaohe.appraisal.models import Appeal, Claim, Period, PersonResult, ResultSet, Score
from kaohe.appraisal.services.appeals import decide_appeal, file_appeal
from kaohe.appraisal.services.claims import decide_claim, file_claim
from kaohe.appraisal.services.committee import change_grade
from kaohe.appraisal.services.periods import send_to_committee, start_scoring, undo
from kaohe.appraisal.services.publicity import close_publicity, finalize
from kaohe.appraisal.services.results import compute_period
from kaohe.appraisal.services.schemes import import_scheme
from kaohe.appraisal.services.scoring import get_or_create_sheet, save_sheet
from kaohe.audit.models import Event
from kaohe.engine import explain
from kaohe.platform.errors import Refusal
from tests.integration.appraisal import helpers

pytestmark = pytest.mark.django_db


def test_importing_a_bad_scheme_names_the_place(org):
    with pytest.raises(Refusal, match="components"):
        import_scheme(
            actor=None, text=helpers.SCHEME.format(version="x").replace("share: 100%", "share: 90%")
        )


def test_transitions_are_audited_and_out_of_order_refused(org):
    p = helpers.period(org.root)
    with pytest.raises(Refusal, match="cannot move"):
        send_to_committee(actor=org.users["office"], period=p)
    start_scoring(actor=org.users["office"], period=p)
    assert Period.objects.get(pk=p.pk).state == "scoring"
    undo(actor=org.users["office"], period=p)
    assert Period.objects.get(pk=p.pk).state == "open"
    actions = list(Event.objects.filter(object_type="appraisal.period").values_list("action", flat=True))
    assert "appraisal.period.scoring" in actions and "appraisal.period.undo" in actions


def test_compute_stores_results_with_derivations(org):
    p, rs = helpers.computed(org.root, {org.a1: (60, 40), org.a2: (30, 20), org.b1: (50, 30)})
    assert p.state == "computed"
    rows = {r.person_id: r for r in rs.rows.all()}
    assert rows[org.a1.pk].total == 100 and rows[org.a1.pk].rank == 1 and rows[org.a1.pk].grade == "优秀"
    assert rows[org.a2.pk].tail == ["谈话提醒"]
    assert "实绩" in explain(rs.engine_result(), org.a2.staff_no)


def test_a_failed_run_leaves_the_previous_results(org, monkeypatch):
    p, rs = helpers.computed(org.root, {org.a1: (60, 40), org.a2: (30, 20), org.b1: (50, 30)})

    def boom(*args, **kwargs):
        raise Refusal("engine failed")

    monkeypatch.setattr("kaohe.appraisal.services.results.run_engine", boom)
    with pytest.raises(Refusal):
        compute_period(actor=None, period=p)
    assert ResultSet.objects.get(period=p).pk == rs.pk
    assert PersonResult.objects.filter(result_set=rs).count() == 3


def test_rerun_before_publication_replaces_the_version(org):
    p, rs = helpers.computed(org.root, {org.a1: (60, 40), org.a2: (30, 20), org.b1: (50, 30)})
    rs2 = compute_period(actor=None, period=p)
    assert ResultSet.objects.filter(period=p).count() == 1 and rs2.version == 1


def test_scores_outside_the_points_change_nothing(org):
    p = helpers.period(org.root)
    sheet = get_or_create_sheet(p, org.a1)
    with pytest.raises(Refusal, match="between 0 and 40"):
        save_sheet(
            actor=None,
            sheet=sheet,
            entries=[(org.a2.pk, "实绩/党建", 50, ""), (org.a2.pk, "实绩/业务", 41, "")],
        )
    assert not Score.objects.exists()
    with pytest.raises(Refusal, match="needs a comment"):
        save_sheet(actor=None, sheet=sheet, entries=[(org.a2.pk, "实绩/党建", 10, "")])
    with pytest.raises(Refusal, match="not on this sheet"):
        save_sheet(actor=None, sheet=sheet, entries=[(org.b1.pk, "实绩/党建", 50, "")])
    save_sheet(
        actor=None,
        sheet=sheet,
        entries=[(org.a2.pk, "实绩/党建", 50, ""), (org.a2.pk, "实绩/业务", 30, "")],
        submit=True,
    )
    assert sheet.__class__.objects.get(pk=sheet.pk).status == "submitted"


def test_the_scheme_can_require_comments_per_indicator(org):
    from kaohe.appraisal.models import Score

    strict = helpers.SCHEME.replace("党建: {{points: 60}}", "党建: {{points: 60, comment_below: 90%}}")
    sch = import_scheme(actor=None, text=strict.format(version="strict"))
    p = helpers.period(org.root, sch)
    sheet = get_or_create_sheet(p, org.a1)
    # 50 of 60 is above the period's default (60%) but below the scheme's 90% for this indicator
    with pytest.raises(Refusal, match="below 90% of the points needs a comment"):
        save_sheet(actor=None, sheet=sheet, entries=[(org.a2.pk, "实绩/党建", 50, "")])
    assert not Score.objects.exists()
    save_sheet(actor=None, sheet=sheet, entries=[(org.a2.pk, "实绩/党建", 50, "材料不全")])
    # the other indicator keeps the period's default: 20 of 40 (50%) needs no comment
    save_sheet(actor=None, sheet=sheet, entries=[(org.a2.pk, "实绩/业务", 30, "")])
    assert Score.objects.count() == 2


def test_claims_in_range_under_cap_with_two_approvals(org):
    p = helpers.period(org.root)
    with pytest.raises(Refusal, match="between 1 and 5"):
        file_claim(actor=None, period=p, person=org.a2, category="创新", points=Decimal(6), reason="x")
    with pytest.raises(Refusal, match="not a category"):
        file_claim(actor=None, period=p, person=org.a2, category="别的", points=Decimal(2), reason="x")
    pdf = SimpleUploadedFile("e.pdf", b"%PDF-1.4 evidence")
    c = file_claim(
        actor=None, period=p, person=org.a2, category="创新", points=Decimal(4), reason="x", files=[pdf]
    )
    assert c.evidence.count() == 1
    with pytest.raises(Refusal, match="at most 6"):
        file_claim(actor=None, period=p, person=org.a2, category="创新", points=Decimal(3), reason="y")
    with pytest.raises(Refusal, match="not a photo"):
        file_claim(
            actor=None,
            period=p,
            person=org.a2,
            category="创新",
            points=Decimal(1),
            reason="y",
            files=[SimpleUploadedFile("x.pdf", b"MZ not a pdf")],
        )
    assert Claim.objects.count() == 1
    decide_claim(actor=None, claim=c, approve=True, note="")
    decide_claim(actor=None, claim=c, approve=True, note="同意")
    c.refresh_from_db()
    assert c.status == "approved"
    start_scoring(actor=None, period=p)
    helpers.score_all(p, {org.a1: (60, 40), org.a2: (30, 20), org.b1: (50, 30)})
    helpers.make_ready(p)
    rs = compute_period(actor=None, period=p)
    assert rs.rows.get(person=org.a2).bonus == 4


def test_grade_change_within_quota_and_refused_beyond(org):
    p, rs = helpers.computed(org.root, {org.a1: (60, 40), org.a2: (30, 20), org.b1: (50, 30)})
    send_to_committee(actor=None, period=p)
    b1 = rs.rows.get(person=org.b1)
    with pytest.raises(Refusal, match="at most 1"):
        change_grade(actor=None, row=b1, grade="优秀", reason="表现突出")
    change_grade(actor=None, row=b1, grade="一般", reason="复核")
    assert PersonResult.objects.get(pk=b1.pk).grade == "一般"
    assert PersonResult.objects.get(pk=b1.pk).engine_grade == "良好"


def test_publicity_and_appeal_windows_count_working_days(org):
    p, rs = helpers.published(
        org.root, {org.a1: (60, 40), org.a2: (30, 20), org.b1: (50, 30)}, today=date(2025, 9, 26)
    )
    # 2025-09-26 Fri; 28 Sep and 11 Oct are make-up working days; 1–8 Oct National Day holiday
    assert p.publicity_end == date(2025, 10, 10)
    assert p.appeal_deadline == date(2025, 10, 16)
    with pytest.raises(Refusal, match="runs until"):
        finalize(actor=None, period=p, today=date(2025, 10, 10))
    assert close_publicity(now=None) >= 0


def test_appeal_rules_and_upheld_appeal_makes_a_new_version(org):
    p, rs = helpers.published(org.root, {org.a1: (60, 40), org.a2: (30, 20), org.b1: (50, 30)})
    row = rs.rows.get(person=org.a2)
    with pytest.raises(Refusal, match="only your own"):
        file_appeal(actor=org.users["outsider"], row=row, reason="x", today=date(2025, 7, 2))
    with pytest.raises(Refusal, match="closed"):
        file_appeal(actor=org.users["staff"], row=row, reason="x", today=date(2025, 9, 1))
    appeal = file_appeal(actor=org.users["staff"], row=row, reason="业务分有误", today=date(2025, 7, 2))
    decide_appeal(
        actor=org.users["office"],
        appeal=appeal,
        upheld=True,
        decision="改正",
        corrections=[("实绩/业务", 40)],
    )
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert appeal.status == "upheld" and appeal.new_result_set.version == 2
    assert ResultSet.objects.filter(period=p).count() == 2
    assert ResultSet.objects.get(period=p, current=True).rows.get(person=org.a2).total == 70
    assert PersonResult.objects.get(pk=row.pk).total == 50  # the old version is kept as it was
    finalize(actor=None, period=p, today=date(2025, 8, 1))
    assert Period.objects.get(pk=p.pk).state == "final"
    with pytest.raises(Refusal):
        compute_period(actor=None, period=p)


def test_publishing_creates_follow_ups(org):
    from kaohe.appraisal.followups import close_follow_up
    from kaohe.appraisal.models import FollowUp

    helpers.published(org.root, {org.a1: (60, 40), org.a2: (30, 20), org.b1: (50, 30)})
    item = FollowUp.objects.get(person=org.a2)
    assert item.action == "谈话提醒" and item.owner_id == org.a1.pk
    with pytest.raises(Refusal):
        close_follow_up(actor=None, item=item, record_text=" ")
    close_follow_up(actor=None, item=item, record_text="已谈话")
    assert FollowUp.objects.get(pk=item.pk).closed_at is not None
