"""Bad input gets a clear message and changes nothing (DESIGN §5): a score outside an indicator's range,
a claim outside its category's range or over its cap, an appeal after its deadline or on someone
else's result, a transition out of order, a grade change that breaks a quota. Each is tried through
the service and through the page, and the rows and audit events are counted before and after."""

from datetime import date
from decimal import Decimal

import pytest

from kaohe.appraisal.models import (
    Appeal,
    Claim,
    Evidence,
    FollowUp,
    GradeChange,
    Period,
    PersonResult,
    ResultSet,
    Score,
    Sheet,
)
from kaohe.appraisal.services.appeals import file_appeal
from kaohe.appraisal.services.claims import file_claim
from kaohe.appraisal.services.committee import change_grade, record_decision
from kaohe.appraisal.services.periods import create_period, send_to_committee, undo
from kaohe.appraisal.services.publicity import finalize, publish
from kaohe.appraisal.services.results import compute_period
from kaohe.appraisal.services.scoring import get_or_create_sheet, save_sheet
from kaohe.audit.models import Event
from kaohe.platform.errors import Refusal
from tests.integration.appraisal import helpers

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Everything a refused request could have touched."""
    models = (Score, Sheet, Claim, Evidence, Appeal, GradeChange, ResultSet, PersonResult, FollowUp, Event)
    return {
        **{m.__name__: m.objects.count() for m in models},
        "states": sorted(Period.objects.values_list("pk", "state")),
        "grades": sorted(PersonResult.objects.values_list("pk", "grade")),
        "scores": sorted(Score.objects.values_list("pk", "value")),
        "sheets": sorted(Sheet.objects.values_list("pk", "status")),
    }


def test_a_score_outside_the_indicators_range(org, login):
    p = helpers.period(org.root)
    sheet = get_or_create_sheet(p, org.a1)
    save_sheet(actor=None, sheet=sheet, entries=[(org.a2.pk, "实绩/党建", 50, "")])
    before = snapshot()
    # one good cell and one bad one: the whole save is refused
    with pytest.raises(Refusal, match=r"实绩/业务: expected a score between 0 and 40, found 41"):
        save_sheet(
            actor=None,
            sheet=sheet,
            entries=[(org.a2.pk, "实绩/党建", 55, ""), (org.a2.pk, "实绩/业务", 41, "")],
        )
    with pytest.raises(Refusal, match="between 0 and 60, found -1"):
        save_sheet(actor=None, sheet=sheet, entries=[(org.a2.pk, "实绩/党建", -1, "")])
    assert snapshot() == before

    client = helpers.in_english(login("reviewer"))
    response = client.post(
        f"/appraisal/sheets/{sheet.pk}/", {f"s-{org.a2.pk}-0": "55", f"s-{org.a2.pk}-1": "41"}, follow=True
    )
    assert "expected a score between 0 and 40, found 41" in helpers.messages(response)
    assert snapshot() == before
    response = client.post(f"/appraisal/sheets/{sheet.pk}/", {f"s-{org.a2.pk}-0": "abc"}, follow=True)
    # a cell that is not a number is the form's: its error stands beside the cell
    assert response.context["form"].errors[f"s-{org.a2.pk}-0"] == ["abc is not a number."]
    assert "abc is not a number" in response.content.decode()
    assert snapshot() == before


def test_a_claim_outside_its_categorys_range_or_over_its_cap(org, login):
    p = helpers.period(org.root)
    file_claim(actor=None, period=p, person=org.a2, category="创新", points=Decimal(5), reason="x")
    before = snapshot()
    with pytest.raises(Refusal, match=r"创新: expected points between 1 and 5, found 6"):
        file_claim(actor=None, period=p, person=org.a2, category="创新", points=Decimal(6), reason="x")
    with pytest.raises(Refusal, match="加分上限 allows at most 6 points; 5 are claimed already"):
        file_claim(actor=None, period=p, person=org.a2, category="创新", points=Decimal(2), reason="x")
    assert snapshot() == before

    client = helpers.in_english(login("staff"))
    form = {"period": p.pk, "category": "创新", "reason": "r"}
    response = client.post("/appraisal/claims/", form | {"points": "0.5"}, follow=True)
    assert "expected points between 1 and 5, found 0.5" in helpers.messages(response)
    response = client.post("/appraisal/claims/", form | {"points": "2"}, follow=True)
    assert "allows at most 6 points" in helpers.messages(response)
    response = client.post("/appraisal/claims/", form | {"points": "many"}, follow=True)
    assert response.context["form"].errors["points"] == ["Points must be a number."]
    assert "Points must be a number" in response.content.decode()
    assert snapshot() == before


def test_an_appeal_after_its_deadline_or_on_someone_elses_result(org, login):
    p, rs = helpers.published(org.root, helpers.values(org), today=date(2025, 7, 1))
    mine = rs.rows.get(person=org.a2)
    theirs = rs.rows.get(person=org.b1)
    before = snapshot()
    with pytest.raises(Refusal, match="The appeal window closed on 2025-07-15"):
        file_appeal(actor=org.users["staff"], row=mine, reason="x", today=date(2025, 7, 16))
    with pytest.raises(Refusal, match="You can appeal only your own result"):
        file_appeal(actor=org.users["staff"], row=theirs, reason="x", today=date(2025, 7, 2))
    assert snapshot() == before

    client = helpers.in_english(login("staff"))
    # someone else's result is not found at all; after the deadline the page says when it closed
    assert client.post(f"/appraisal/results/{theirs.pk}/appeal/", {"reason": "x"}).status_code == 404
    Period.objects.filter(pk=p.pk).update(appeal_deadline=date(2025, 7, 2))
    response = client.post(f"/appraisal/results/{mine.pk}/appeal/", {"reason": "x"}, follow=True)
    assert "The appeal window closed on 2025-07-02" in helpers.messages(response)
    Period.objects.filter(pk=p.pk).update(appeal_deadline=date(2025, 7, 15))
    assert snapshot() == before


def test_a_transition_out_of_order(org, login):
    p = helpers.period(org.root)
    before = snapshot()
    for move in (send_to_committee, undo):
        with pytest.raises(Refusal, match="cannot"):
            move(actor=None, period=p)
    with pytest.raises(Refusal, match="Results are computed in the scoring or computed state"):
        compute_period(actor=None, period=p)
    with pytest.raises(Refusal, match="A period in state “Open” cannot move to “Publicity”"):
        publish(actor=None, period=p, today=date(2025, 7, 1))
    assert snapshot() == before

    client = helpers.in_english(login("office"))
    for action, text in (
        ("publish", "cannot move to “Publicity”"),
        ("finalize", "cannot move to “Final”"),
        ("committee", "cannot move to “Committee”"),
        ("undo", "cannot be undone"),
        ("correct", "Before publication, compute again instead"),
        ("nonsense", "Unknown action"),
    ):
        response = client.post(
            f"/appraisal/periods/{p.pk}/action/", {"action": action, "confirm": "on"}, follow=True
        )
        assert text in helpers.messages(response), action
    response = client.post(f"/appraisal/periods/{p.pk}/action/", {"action": "publish"}, follow=True)
    assert "confirm before publishing" in helpers.messages(response)  # no summary checked: refused first
    assert snapshot() == before


def test_publishing_without_a_decision_and_finalizing_inside_the_window(org):
    p, rs = helpers.computed(org.root, helpers.values(org))
    send_to_committee(actor=None, period=p)
    before = snapshot()
    with pytest.raises(Refusal, match="Record the committee's decision before publishing"):
        publish(actor=None, period=p, today=date(2025, 7, 1))
    assert snapshot() == before
    record_decision(actor=None, period=p, members="甲", day=date(2025, 7, 1), decision="同意")
    publish(actor=None, period=p, today=date(2025, 7, 1))
    before = snapshot()
    with pytest.raises(Refusal, match="The publicity window runs until 2025-07-08"):
        finalize(actor=None, period=p, today=date(2025, 7, 8))
    assert snapshot() == before


def test_a_grade_change_that_breaks_a_quota(org, login):
    p, rs = helpers.computed(org.root, helpers.values(org))
    send_to_committee(actor=None, period=p)
    row = rs.rows.get(person=org.b1)
    before = snapshot()
    with pytest.raises(Refusal, match="“优秀” allows at most 1 person in 全体"):
        change_grade(actor=None, row=row, grade="优秀", reason="表现突出")
    with pytest.raises(Refusal, match="Give the reason"):
        change_grade(actor=None, row=row, grade="一般", reason=" ")
    with pytest.raises(Refusal, match="卓越 is not a grade of the scheme"):
        change_grade(actor=None, row=row, grade="卓越", reason="x")
    assert snapshot() == before

    client = helpers.in_english(login("office"))
    response = client.post(
        f"/appraisal/periods/{p.pk}/committee/",
        {"what": "grade", "row": row.pk, "grade": "优秀", "reason": "表现突出"},
        follow=True,
    )
    assert "“优秀” allows at most 1 person in 全体" in helpers.messages(response)
    assert snapshot() == before


def test_a_period_of_another_kind_than_the_schemes(org, login):
    sch = helpers.scheme()  # a quarterly scheme
    before = snapshot()
    client = login("office")
    client.cookies["django_language"] = "en"
    response = client.post(
        "/appraisal/periods/",
        {"unit": org.root.pk, "scheme": sch.pk, "kind": "month", "start": "2025-04-01"},
        follow=True,
    )
    assert "is for periods of kind “Quarter”, not “Month”" in helpers.messages(response)
    assert snapshot() == before and not Period.objects.exists()
    for kind in ("year", "half"):
        with pytest.raises(Refusal):
            create_period(actor=None, unit=org.root, scheme=sch, kind=kind, start=date(2025, 4, 1))
    assert create_period(actor=None, unit=org.root, scheme=sch, kind="quarter", start=date(2025, 4, 1))
