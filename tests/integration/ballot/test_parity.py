"""What the results page shows (``selectors.results`` of a closed campaign: each person's weighted
score and the means of the groups at or over the minimum) agrees with the appraisal engine's ballot
component on the same random ballots, cast through the voting service and counted from the
database."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaohe.ballot import logic, selectors, services
from kaohe.ballot.choices import Voting
from kaohe.ballot.services import GroupSpec
from kaohe.engine.numeric import round_half_up_scalar
from tests.unit.ballot.parity import ballots, ballots_per_group, engine_component, questionnaires

pytestmark = pytest.mark.django_db


def run_campaign(unit, people, q, cast):
    """Create, open, vote (one code per ballot), close; the results page's rows by person index."""
    campaign = services.create_campaign(
        actor=None,
        unit=unit,
        name="一致性",
        period="2025年度",
        options=list(q.options.items()),
        groups=[GroupSpec(g, w, voting=Voting.CODE) for g, w in q.groups.items()],
        dimensions=list(q.dimensions.items()),
        ratees=people,
        min_ballots=q.min_ballots,
        when_group_missing=q.when_missing,
        trim_extremes=q.trim,
    )
    campaign = services.open_campaign(actor=None, campaign=campaign)
    options = {o.label: str(o.pk) for o in campaign.options.all()}
    dims = {d.name: d.pk for d in campaign.dimensions.all()}
    groups = {g.name: g for g in campaign.groups.all()}
    per_group = ballots_per_group(cast)
    codes = {
        g: services.generate_codes(actor=None, campaign=campaign, group=groups[g], count=n)
        for g, n in per_group.items()
    }
    for group, marks in cast:
        answers = {
            logic.field_name(people[p].pk, dims[d] if d else None): options[o] for (p, d), o in marks.items()
        }
        services.vote_with_code(raw_code=codes[group].pop(), answers=answers)
    campaign = services.close_campaign(actor=None, campaign=campaign)
    res = selectors.results(campaign)
    index = {person.pk: i for i, person in enumerate(people)}
    names = {g.pk: g.name for g in res.groups}
    return {
        index[person.pk]: (result, {names[g]: r for g, r in result.groups.items()})
        for person, result in res.rows
    }


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_results_page_and_the_appraisal_agree(org, data):
    people = [org.a1, org.a2]
    q = data.draw(questionnaires())
    cast = data.draw(ballots(q, len(people), max_per_group=4))
    shown = run_campaign(org.unit_a, people, q, cast)
    engine = engine_component(q, len(people), cast)
    for p in range(len(people)):
        result, groups = shown[p]
        if result.score is None:
            assert engine[p] == 0  # no group at the minimum: the page shows nothing, the engine 0
        else:
            assert round_half_up_scalar(result.score) == round_half_up_scalar(engine[p])
            assert result.score == pytest.approx(engine[p], abs=1e-9)
    per_group = ballots_per_group(cast)
    for group in q.groups:
        alone = engine_component(q, len(people), cast, group)
        for p in range(len(people)):
            groups = shown[p][1]
            assert (group in groups) == (per_group[group] >= q.min_ballots)
            if group in groups:
                assert groups[group].mean == pytest.approx(alone[p], abs=1e-9)
