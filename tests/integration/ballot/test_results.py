"""Results: only after closing, only groups at or over the minimum, weighted and renormalised; the
engine's ballot rows; the Excel export; turnout while open; the rater-quality view."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from kaohe.ballot import excel, selectors, services
from kaohe.ballot.models import Ballot
from kaohe.ballot.services import GroupSpec
from tests.conftest import make_person, make_user

from .helpers import make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted(org):
    """A campaign rating a1 only: 3 ballots from 中层 (everyone at 优秀), 1 from 一般干部 (under the
    minimum of 2) and 2 codes from 群众 (良好, 一般)."""
    raters = [make_person(f"M{i}", f"中层{i}", org.unit_a, identity="middle") for i in range(3)]
    for i, p in enumerate(raters):
        make_user(f"m{i}", "staff", org.unit_a, person=p)
    campaign = make_campaign(
        org.unit_a,
        ratees=[org.a1],
        groups=[
            GroupSpec("中层", 50, identities=("middle",)),
            GroupSpec("一般", 30, identities=("general",)),
            GroupSpec("群众", 20, voting="code"),
        ],
    )
    ids = {o.label: str(o.pk) for o in campaign.options.all()}
    for p in raters:
        services.vote_with_account(user=p.user, campaign=campaign, answers={f"r-{org.a1.pk}": ids["优秀"]})
    services.vote_with_account(
        user=org.users["staff"], campaign=campaign, answers={f"r-{org.a1.pk}": ids["较差"]}
    )
    group = campaign.groups.get(name="群众")
    for code, label in zip(
        services.generate_codes(actor=None, campaign=campaign, group=group, count=2),
        ["良好", "一般"],
        strict=True,
    ):
        services.vote_with_code(raw_code=code, answers={f"r-{org.a1.pk}": ids[label]})
    return campaign


def test_results_wait_for_closing_but_turnout_does_not(voted):
    with pytest.raises(selectors.ResultsNotAvailable):
        selectors.results(voted)
    turnout = {t.group.name: (t.voted, t.eligible) for t in selectors.turnout(voted)}
    assert turnout == {"中层": (3, 4), "一般": (1, 1), "群众": (2, 2)}  # a1 (middle) counts as eligible


def test_closed_results_withhold_small_groups_and_renormalise(voted):
    voted = services.close_campaign(actor=None, campaign=voted)
    [(person, result)] = selectors.results(voted).rows
    names = {g.pk: g.name for g in voted.groups.all()}
    assert {names[g] for g in result.groups} == {"中层", "群众"}  # 一般 (1 ballot) withheld entirely
    assert result.score == pytest.approx((0.5 * 100 + 0.2 * 77.5) / 0.7)


def test_the_engine_rows_have_the_engines_shape(voted, org):
    voted = services.close_campaign(actor=None, campaign=voted)
    rows = selectors.engine_rows(voted)
    assert {tuple(sorted(r)) for r in rows} == {("count", "group", "option", "person")}
    assert {(r["group"], r["option"], r["count"]) for r in rows} == {
        ("中层", "优秀", 3),
        ("群众", "良好", 1),
        ("群众", "一般", 1),
    }
    assert {r["person"] for r in rows} == {org.a1.staff_no}


def test_the_excel_export_holds_results_and_counts_but_no_withheld_group(voted):
    voted = services.close_campaign(actor=None, campaign=voted)
    wb = load_workbook(BytesIO(excel.export_results(selectors.results(voted))))
    results, counts = wb.worksheets
    values = [c.value for c in results[2]]
    assert values[:2] == ["A001", "张一"] and values[-1] == pytest.approx(93.57)
    header = [c.value for c in results[1]]
    assert values[header.index("一般 ballots")] in (None, "")
    assert counts.max_row == 4


def test_quality_flags_straight_lining_and_leaning_groups_per_group_only(org):
    raters = [make_person(f"Q{i}", f"干部{i}", org.unit_a) for i in range(4)]
    for i, p in enumerate(raters):
        make_user(f"q{i}", "staff", org.unit_a, person=p)
    campaign = make_campaign(
        org.unit_a,
        ratees=[org.a1, org.a2],
        groups=[GroupSpec("干部", 80), GroupSpec("群众", 20, voting="code")],
    )
    ids = {o.label: str(o.pk) for o in campaign.options.all()}
    for p in raters:
        services.vote_with_account(
            user=p.user,
            campaign=campaign,
            answers={f"r-{org.a1.pk}": ids["优秀"], f"r-{org.a2.pk}": ids["优秀"]},
        )
    group = campaign.groups.get(name="群众")
    for code in services.generate_codes(actor=None, campaign=campaign, group=group, count=2):
        services.vote_with_code(
            raw_code=code, answers={f"r-{org.a1.pk}": ids["较差"], f"r-{org.a2.pk}": ids["一般"]}
        )
    with pytest.raises(selectors.ResultsNotAvailable):
        selectors.quality(campaign)
    campaign = services.close_campaign(actor=None, campaign=campaign)
    report = selectors.quality(campaign)
    straight = {report.groups[s.group].name: s for s in report.straight}
    assert straight["干部"].share == 1.0 and straight["群众"].share == 0.0
    leans = {report.groups[g.group].name: g for g in report.leans}
    assert leans["干部"].extreme and leans["群众"].extreme
    assert Ballot.objects.filter(campaign=campaign).count() == 6
