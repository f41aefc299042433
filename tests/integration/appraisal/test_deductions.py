"""Deductions (一岗双责, 通报批评): filed against a person by their reviewer or the office, with
evidence, decided at two levels by others than the filer, counted in the total once approved."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaohe.appraisal.models import Claim, PersonResult
from kaohe.appraisal.services.claims import decide_claim, file_deduction
from kaohe.appraisal.services.periods import start_scoring
from kaohe.appraisal.services.results import compute_period
from kaohe.appraisal.services.schemes import import_scheme
from kaohe.audit.models import Event
from kaohe.platform.errors import Refusal
from tests.conftest import make_user
from tests.integration.appraisal import helpers

DEDUCTING = helpers.SCHEME.replace(
    "  创新: {{kind: bonus, points: [1, 5]}}\n",
    "  创新: {{kind: bonus, points: [1, 5]}}\n  通报批评: {{kind: deduction, points: [1, 3]}}\n",
)


@pytest.fixture
def period(org):
    sch = import_scheme(actor=None, text=DEDUCTING.format(version="2025.9"))
    p = helpers.period(org.root, sch)
    start_scoring(actor=None, period=p)
    return p


def _file(period, actor, person, points="2", category="通报批评", **extra):
    return file_deduction(
        actor=actor,
        period=period,
        person=person,
        category=category,
        points=Decimal(points),
        reason="被通报",
        **extra,
    )


def test_the_reviewer_files_against_a_person_they_review(org, period):
    d = _file(period, org.users["reviewer"], org.a2)  # a1 (reviewer_a) reviews a2
    assert (d.filed_by, d.person, d.status) == (org.users["reviewer"], org.a2, "submitted")
    assert Event.objects.filter(action="appraisal.deduction.file").count() == 1
    with pytest.raises(Refusal, match="Only the office or the person's reviewer"):
        _file(period, org.users["reviewer"], org.b1)  # not reviewed by a1
    with pytest.raises(Refusal, match="Only the office or the person's reviewer"):
        _file(period, org.users["staff"], org.b1)
    _file(period, org.users["office"], org.b1)
    assert Claim.objects.count() == 2


def test_a_deduction_outside_its_range_is_refused_naming_the_category_and_range(org, period):
    with pytest.raises(Refusal, match="通报批评: expected points between 1 and 3, found 4"):
        _file(period, org.users["office"], org.a2, points="4")
    with pytest.raises(Refusal, match="创新 is not a deduction category"):
        _file(period, org.users["office"], org.a2, category="创新")
    assert not Claim.objects.exists()


def test_the_filer_never_decides_their_own_at_either_level(org, period):
    office2 = make_user("office2", "office", org.root)
    d = _file(period, org.users["office"], org.a2)
    with pytest.raises(Refusal, match="someone else decides it"):
        decide_claim(actor=org.users["office"], claim=d, approve=True, note="")
    with pytest.raises(Refusal, match="someone else decides it"):
        decide_claim(actor=org.users["staff"], claim=d, approve=False, note="no")  # the subject
    decide_claim(actor=org.users["reviewer"], claim=d, approve=True, note="属实")
    with pytest.raises(Refusal, match="someone else decides it"):
        decide_claim(actor=org.users["office"], claim=d, approve=True, note="")
    decide_claim(actor=office2, claim=d, approve=True, note="")
    d.refresh_from_db()
    assert d.status == "approved"


def test_an_approved_deduction_lowers_the_total(org, period):
    helpers.score_all(period, {org.a1: (50, 30), org.a2: (50, 30), org.b1: (50, 30)})
    d = _file(period, org.users["office"], org.a2, points="2.5")
    decide_claim(actor=org.users["reviewer"], claim=d, approve=True, note="")
    decide_claim(actor=org.users["inspector"], claim=d, approve=True, note="")
    helpers.make_ready(period)
    compute_period(actor=None, period=period)
    totals = dict(PersonResult.objects.filter(result_set__period=period).values_list("person_id", "total"))
    assert totals[org.a1.pk] == 80 and totals[org.a2.pk] == 77.5


def test_the_pages_file_a_deduction_and_the_person_sees_it(org, period, login):
    reviewer = login("reviewer")
    assert "通报批评 (1.0–3.0)" in reviewer.get("/appraisal/deductions/new/").content.decode()
    upload = SimpleUploadedFile("通报.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    data = {"period": period.pk, "person": "A002", "category": "通报批评", "points": "1.5", "reason": "r"}
    response = reviewer.post("/appraisal/deductions/new/", data | {"evidence": upload})
    d = Claim.objects.get()
    assert response.status_code == 302 and d.evidence.count() == 1 and d.filed_by == org.users["reviewer"]
    response = reviewer.post("/appraisal/deductions/new/", data | {"points": "9"})
    assert "通报批评：分值应在 1 到 3 之间，实际为 9。" in helpers.messages(
        response
    )  # the page speaks Chinese
    assert Claim.objects.count() == 1
    page = login("staff").get("/appraisal/claims/").content.decode()
    assert "通报批评 1.50" in page
    own = reviewer.get(f"/appraisal/claims/{d.pk}/")
    assert own.context["can_decide"] is False
    assert (
        login("office").get(f"/appraisal/claims/{d.pk}/").context["can_decide"] is False
    )  # a reviewer's turn
