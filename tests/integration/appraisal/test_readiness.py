"""Readiness: every input the scheme reads, its coverage, and compute refused while one is missing."""

from datetime import date
from decimal import Decimal

import pytest

from kaohe.appraisal.models import EmptyInput, ResultSet, Sheet
from kaohe.appraisal.readiness import EMPTY, MISSING, READY, readiness
from kaohe.appraisal.services.claims import decide_claim, file_claim
from kaohe.appraisal.services.periods import start_scoring
from kaohe.appraisal.services.readiness import record_empty, withdraw_empty
from kaohe.appraisal.services.results import compute_period
from kaohe.audit.models import Event
from kaohe.platform.errors import Refusal
from tests.conftest import make_person

from . import helpers


def states(period) -> dict:
    return {c.requirement.key: c for c in readiness(period)}


@pytest.fixture
def scoring(org):
    p = helpers.period(org.root)
    start_scoring(actor=None, period=p)
    return p


def test_nothing_scored_is_missing_for_every_person_and_compute_is_refused(org, scoring):
    got = states(scoring)
    score = got[("score", "实绩/党建")]
    assert score.status == MISSING and (score.have, score.of) == (0, 3)
    assert set(score.missing) == {"张一", "李二", "王三"}
    assert got[("claim", "创新")].status == MISSING
    with pytest.raises(Refusal, match="实绩/党建") as exc:
        compute_period(actor=None, period=scoring)
    assert "创新" in str(exc.value)
    assert not ResultSet.objects.filter(period=scoring).exists()


def test_one_person_unscored_is_named(org, scoring):
    helpers.score_all(scoring, {org.a1: (60, 40), org.a2: (30, 20)})
    score = states(scoring)[("score", "实绩/业务")]
    assert (score.have, score.of, score.missing) == (2, 3, ("王三",))


def test_scores_on_a_draft_sheet_are_not_ready_until_it_is_submitted(org, scoring):
    helpers.score_all(scoring, helpers.values(org))
    score = states(scoring)[("score", "实绩/党建")]
    assert score.status == MISSING and "sheets not submitted" in score.note
    Sheet.objects.filter(period=scoring).update(status="submitted")
    assert states(scoring)[("score", "实绩/党建")].status == READY


def test_an_input_recorded_as_truly_empty_lets_compute_run_and_keeps_the_reason(org, scoring):
    helpers.score_all(scoring, helpers.values(org))
    Sheet.objects.filter(period=scoring).update(status="submitted")
    office = org.users["office"]
    empty = record_empty(actor=office, period=scoring, need="claim", name="创新", reason="本期无加分事项")
    claim = states(scoring)[("claim", "创新")]
    assert claim.status == EMPTY and claim.reason == "本期无加分事项"
    assert Event.objects.filter(action="appraisal.input.empty").count() == 1
    rs = compute_period(actor=office, period=scoring)
    assert rs.rows.count() == 3
    withdraw_empty(actor=office, empty=empty)
    assert states(scoring)[("claim", "创新")].status == MISSING


def test_an_approved_claim_covers_its_category_and_an_undecided_one_blocks(org, scoring):
    claim = file_claim(
        actor=None, period=scoring, person=org.a2, category="创新", points=Decimal(2), reason="改革"
    )
    got = states(scoring)[("claim", "创新")]
    assert got.status == MISSING and "waiting" in got.note
    decide_claim(actor=None, claim=claim, approve=True, note="")
    decide_claim(actor=None, claim=claim, approve=True, note="同意")
    assert states(scoring)[("claim", "创新")].status == READY


@pytest.mark.parametrize(
    ("need", "name", "reason", "message"),
    [
        ("score", "实绩/党建", "无", "must be entered"),
        ("claim", "不存在", "无", "does not read"),
        ("claim", "创新", "  ", "reason"),
        ("nonsense", "创新", "无", "Unknown kind"),
    ],
)
def test_recording_empty_is_refused_where_it_makes_no_sense(org, scoring, need, name, reason, message):
    with pytest.raises(Refusal, match=message):
        record_empty(actor=None, period=scoring, need=need, name=name, reason=reason)
    assert not EmptyInput.objects.exists()


def test_an_input_with_data_cannot_be_recorded_as_empty(org, scoring):
    claim = file_claim(
        actor=None, period=scoring, person=org.a2, category="创新", points=Decimal(2), reason="改革"
    )
    decide_claim(actor=None, claim=claim, approve=True, note="")
    decide_claim(actor=None, claim=claim, approve=True, note="同意")
    with pytest.raises(Refusal, match="has data"):
        record_empty(actor=None, period=scoring, need="claim", name="创新", reason="无")


def test_people_matching_no_track_are_missing(org):
    sch = helpers.scheme("t")
    sch.text = sch.text.replace("  全体: {}", "  中层: {identity: 中层干部}")
    sch.save(update_fields=["text"])
    p = helpers.period(org.root, sch)
    tracks = readiness(p)[0]
    assert tracks.status == MISSING and (tracks.have, tracks.of) == (1, 3)
    assert set(tracks.missing) == {"李二", "王三"}


def test_the_inputs_page_lists_coverage_and_records_an_empty_input(org, login, scoring):
    client = helpers.in_english(login("office"))
    page = client.get(f"/appraisal/periods/{scoring.pk}/readiness/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "实绩/党建" in body and "0 / 3" in body and "Record as truly empty" in body
    r = client.post(
        f"/appraisal/periods/{scoring.pk}/readiness/empty/",
        {"need": "claim", "name": "创新", "reason": "本期无"},
    )
    assert r.status_code == 302
    assert EmptyInput.objects.get(period=scoring).reason == "本期无"
    r = client.post(f"/appraisal/periods/{scoring.pk}/readiness/empty/", {"need": "claim", "name": "创新"})
    assert "reason" in helpers.messages(client.get(r.url))


def test_someone_hired_after_the_period_is_not_in_it(org, scoring):
    later = make_person("L001", "赵后", org.unit_b, start_date=date(2025, 7, 1))  # the period ends 06-30
    score = states(scoring)[("score", "实绩/党建")]
    assert score.of == 3 and "赵后" not in score.missing
    helpers.score_all(scoring, helpers.values(org))
    helpers.make_ready(scoring)
    rs = compute_period(actor=None, period=scoring)
    assert not rs.rows.filter(person=later).exists() and rs.rows.count() == 3
