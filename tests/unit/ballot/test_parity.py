"""The ballot app's counting of grouped counts (what its results page, Excel export and API show)
agrees with the appraisal engine's ballot component on random questionnaires and ballots. The same
property over the database, through the results page's selector: tests/integration/ballot."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.ballot.counts import person_results
from kaohe.engine.numeric import round_half_up_scalar

from .parity import ballots, ballots_per_group, counted, engine_component, questionnaires

N_PEOPLE = 3


def app_results(q, cast):
    rows = [(p, g, d, o, n) for (p, g, d, o), n in counted(cast).items()]
    return {
        r.person: r
        for r in person_results(
            rows,
            option_points=q.options,
            group_weights=q.groups,
            dimension_weights=q.dimensions or None,
            min_ballots=q.min_ballots,
            when_missing=q.when_missing,
            trim=q.trim,
        )
    }


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_the_app_and_the_engine_agree_on_scores_and_group_means(data):
    q = data.draw(questionnaires())
    cast = data.draw(ballots(q, N_PEOPLE))
    app = app_results(q, cast)
    engine = engine_component(q, N_PEOPLE, cast)
    per_group = ballots_per_group(cast)
    for p in range(N_PEOPLE):
        result = app.get(p)
        shown = result.groups if result else {}
        assert set(shown) == {g for g in q.groups if per_group[g] >= q.min_ballots}
        if result is None or result.score is None:
            assert engine[p] == 0  # no group at the minimum: the engine scores 0, the page shows nothing
        else:
            assert result.score == pytest.approx(engine[p], abs=1e-9)
            assert round_half_up_scalar(result.score) == round_half_up_scalar(engine[p])
    for group in q.groups:
        alone = engine_component(q, N_PEOPLE, cast, group)
        for p in range(N_PEOPLE):
            result = app.get(p)
            if result is not None and group in result.groups:
                assert result.groups[group].mean == pytest.approx(alone[p], abs=1e-9)
                assert result.groups[group].ballots == per_group[group]
