"""The scheme states what it needs: requirements(scheme) lists every input its rules read."""

from __future__ import annotations

import pytest
import yaml

from kaohe.engine import load_scheme
from kaohe.engine.requirements import Need, by_need, requirements
from kaohe.presets import list_presets, load_preset

from .helpers import scheme


def by_key(s):
    return {r.key: r for r in requirements(s)}


def test_track_conditions_need_the_attribute_with_the_values_they_name():
    reqs = by_key(
        scheme(tracks={"__replace__": True, "甲": {"identity": ["甲", "丙"]}, "乙": {"identity": "乙"}})
    )
    ident = reqs[("attribute", "identity")]
    assert ident.values == ("甲", "丙", "乙")
    assert ident.places == ("tracks.甲.identity", "tracks.乙.identity")
    assert ident.given_by == "office"


def test_each_scored_leaf_is_a_score_given_by_the_reviewer_with_its_points():
    reqs = by_key(scheme())
    assert reqs[("score", "工作实绩/业务")].get("points") == "60"
    assert reqs[("score", "工作实绩/党建")].places == ("components.工作实绩.indicators.党建",)
    assert reqs[("score", "工作实绩/党建")].given_by == "reviewer"


def test_leaf_sources_map_to_their_kind_of_input():
    s = scheme(
        components={
            "工作实绩": {
                "__replace__": True,
                "share": "100%",
                "indicators": {
                    "产值": {
                        "points": 40,
                        "source": "kpi",
                        "kpi": {"measures": {"总量": "50%", "增速": "50%"}},
                    },
                    "落实": {"points": 20, "source": "task"},
                    "个性": {"points": 30, "source": "personal", "max_count": 3},
                    "日志": {"points": 10, "source": "worklog", "worklog": {"measure": "review_rate"}},
                },
            }
        }
    )
    reqs = by_key(s)
    assert reqs[("kpi", "工作实绩/产值")].values == ("总量", "增速")
    assert reqs[("task", "工作实绩/落实")].given_by == "office"
    assert reqs[("personal", "工作实绩/个性")].get("max_count") == "3"
    assert ("worklog", "review_rate") in reqs
    assert not [k for k in reqs if k[0] == "score"]


def test_a_dynamic_formula_needs_its_measures_but_not_other_coefficients_or_the_base():
    s = scheme(
        coefficients={
            "岗位": {"kind": "static", "attribute": "档次", "levels": {"一档": 1.2, "二档": 1.0}},
            "发展": {"kind": "dynamic", "formula": "1 + gdp_growth / 100 * 岗位 + base * 0"},
        }
    )
    reqs = by_key(s)
    assert ("measure", "gdp_growth") in reqs
    assert ("measure", "岗位") not in reqs and ("measure", "base") not in reqs
    assert reqs[("attribute", "档次")].values == ("一档", "二档")


def test_a_sanction_rule_needs_the_levels_from_the_named_one_upwards():
    s = scheme(
        sanction_levels={"警告": {"months": 6}, "记过": {"months": 12}, "降级": {"months": 24}},
        eligibility={
            "处分期": {"when": {"sanction_at_least": "记过"}, "effect": "no_grade", "reason": "受处分"}
        },
    )
    rec = by_key(s)[("record", "sanction")]
    assert rec.values == ("记过", "降级")
    assert rec.get("kind") == "sanction"
    assert rec.may_be_empty


def test_eligibility_conditions_need_records_dates_and_leave():
    s = scheme(
        eligibility={
            "试用": {"when": {"probation": True}, "effect": "comment_only", "reason": "试用期"},
            "新进": {"when": {"months_in_unit_below": 6}, "effect": "no_grade", "reason": "不满半年"},
            "病假": {"when": {"leave_share_above": "50%"}, "effect": "no_grade", "reason": "病假"},
            "审查": {"when": {"flag": "under_investigation"}, "effect": "pending", "reason": "立案审查"},
        }
    )
    reqs = by_key(s)
    assert reqs[("record", "probation")].get("kind") == "probation"
    assert reqs[("record", "under_investigation")].get("kind") == "investigation"
    assert ("hire_date", "start_date") in reqs and ("leave", "leave") in reqs


def test_claims_by_category_carry_kind_and_range_and_may_be_truly_empty():
    s = scheme(
        adjustments={
            "创新": {"kind": "bonus", "points": [1, 5]},
            "通报批评": {"kind": "deduction", "points": [1, 3]},
            "漏报": {"kind": "deduction", "source": "worklog_misses", "per_event": 1},
        }
    )
    reqs = by_key(s)
    assert dict(reqs[("claim", "创新")].detail) == {"high": "5", "kind": "bonus", "low": "1"}
    assert reqs[("claim", "通报批评")].given_by == "reviewer"
    assert reqs[("claim", "创新")].may_be_empty
    assert reqs[("worklog", "misses")].get("per_event") == "1"


def test_a_pool_without_an_amount_needs_one_and_with_one_does_not():
    pool = {"pool": {"amount": None, "by": "staffing"}}
    assert ("pool", "pool") in by_key(scheme(**pool))
    assert ("attribute", "staffing") in by_key(scheme(**pool))
    assert ("pool", "pool") not in by_key(scheme(pool={"amount": 1000}))


def test_one_input_read_by_several_rules_is_one_requirement_with_every_place():
    s = scheme(
        eligibility={
            "甲类": {"when": {"attribute": {"identity": ["甲"]}}, "effect": "no_grade", "reason": "甲"},
        }
    )
    reqs = [r for r in requirements(s) if r.need is Need.ATTRIBUTE]
    assert len(reqs) == 1
    assert reqs[0].places[-1] == "eligibility.甲类.when.attribute"


def _resolve(tree, place: str) -> bool:
    """Does a place name a path in the scheme's own YAML (keys may contain dots: match greedily)?"""
    node, rest = tree, place
    while rest:
        if not isinstance(node, dict):
            return False
        for key in sorted(node, key=lambda k: -len(str(k))):
            k = str(key)
            if rest == k or rest.startswith(k + "."):
                node, rest = node[key], rest[len(k) + 1 :]
                break
        else:
            return False
    return True


@pytest.mark.parametrize("name", list_presets())
def test_every_preset_states_its_needs_at_places_that_exist(name):
    text = load_preset(name).scheme_text()
    reqs = requirements(load_scheme(text))
    tree = yaml.safe_load(text)
    assert reqs, name
    for r in reqs:
        for place in r.places:
            assert _resolve(tree, place), (name, r.need, r.name, place)
    kinds = by_need(reqs)
    assert Need.SCORE in kinds or Need.KPI in kinds or Need.PERSONAL in kinds, name


def test_the_national_annual_preset_needs_sanctions_probation_and_its_ballot():
    reqs = by_key(load_scheme(load_preset("national_civil_servant_annual").scheme_text()))
    assert reqs[("record", "sanction")].values[:1] == ("诫勉",)
    assert ("record", "probation") in reqs
    assert reqs[("ballot", "民主测评")].get("options") == "优秀/称职/基本称职/不称职"
