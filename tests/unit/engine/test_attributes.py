"""The person attributes a scheme reads: declared in ``attributes:`` or read by its rules."""

from __future__ import annotations

import pytest

from kaohe.engine import SchemeError, load_scheme, scheme_from_dict
from kaohe.engine.attributes import scheme_attributes
from kaohe.presets import list_presets, load_preset

from .helpers import base_scheme, merge


def _scheme(**extra):
    return scheme_from_dict(merge(base_scheme(), extra), "s.yaml")


def _refusal(**extra) -> str:
    with pytest.raises(SchemeError) as exc:
        _scheme(**extra)
    return str(exc.value)


def test_declared_attribute_keeps_its_label_values_and_the_rules_that_read_it():
    s = _scheme(attributes={"identity": {"label": "身份类别", "values": ["甲", "乙", "丙"]}})
    spec = scheme_attributes(s)["identity"]
    assert spec.declared and spec.label == "身份类别"
    assert spec.values == ("甲", "乙", "丙")
    assert spec.used == ("甲", "乙")
    assert spec.read_by == ("tracks.甲.identity", "tracks.乙.identity")
    assert spec.choices == ("甲", "乙", "丙")


def test_an_attribute_read_without_being_declared_is_listed_with_the_values_the_rules_name():
    s = _scheme(
        eligibility={"新人": {"when": {"attribute": {"staffing": ["试用"]}}, "effect": "no_grade"}},
        coefficients={
            "档次": {"kind": "static", "attribute": "系数档次", "levels": {"一档": 1.1, "二档": 1.0}}
        },
        pool={"amount": 1000, "when": {"staffing": ["在编"]}, "by": "unit"},
        grading={"quota_groups": {"by": ["track", "leader"]}},
    )
    specs = scheme_attributes(s)
    assert not specs["staffing"].declared and specs["staffing"].values is None
    assert specs["staffing"].used == ("试用", "在编")
    assert specs["staffing"].read_by == ("eligibility.新人.when.attribute.staffing", "pool.when.staffing")
    assert specs["系数档次"].choices == ("一档", "二档")
    assert specs["系数档次"].label == "系数档次"
    assert specs["unit"].from_unit and specs["unit"].read_by == ("pool.by",)
    assert specs["leader"].used == () and specs["leader"].read_by == ("grading.quota_groups.by",)
    assert "track" not in specs
    assert specs["identity"].label == "身份类别"  # a built-in attribute's label without a declaration


def test_declared_attributes_come_first_in_their_order_and_free_text_has_no_values():
    s = _scheme(attributes={"supervisor": {"label": "分管领导"}, "identity": {"values": ["甲", "乙"]}})
    specs = scheme_attributes(s)
    assert list(specs)[:2] == ["supervisor", "identity"]
    assert specs["supervisor"].values is None and specs["supervisor"].read_by == ()
    assert specs["identity"].label == "身份类别"


def test_a_track_naming_a_value_outside_the_declared_values_is_refused_at_its_place():
    message = _refusal(attributes={"identity": {"values": ["甲", "丙"]}})
    assert (
        "s.yaml: tracks.乙.identity: expected one of attributes.identity.values ['甲', '丙'], found 乙"
        in message
    )
    assert "tracks.甲" not in message


def test_every_rule_kind_is_checked_against_the_declared_values():
    message = _refusal(
        attributes={"档": {"values": ["一档"]}, "identity": {"values": ["甲", "乙"]}},
        eligibility={"x": {"when": {"attribute": {"identity": ["丁"]}}, "effect": "no_grade"}},
        coefficients={"c": {"kind": "static", "attribute": "档", "levels": {"一档": 1.1, "九档": 1.0}}},
        pool={"amount": 10, "when": {"identity": ["戊"]}},
    )
    assert "eligibility.x.when.attribute.identity: expected one of attributes.identity.values" in message
    assert "found 丁" in message
    assert "coefficients.c.levels: expected one of attributes.档.values ['一档'], found 九档" in message
    assert "pool.when.identity: expected one of attributes.identity.values ['甲', '乙'], found 戊" in message


def test_declared_values_must_be_distinct_and_not_empty():
    message = _refusal(attributes={"identity": {"values": ["甲", "乙", "甲"]}, "x": {"values": []}})
    assert "attributes.identity.values: expected distinct values, found ['甲']" in message
    assert "attributes.x.values: expected at least one value" in message


def test_a_declaration_takes_only_label_values_and_per_year():
    message = _refusal(attributes={"identity": {"values": ["甲", "乙"], "choices": ["甲"]}})
    assert "attributes.identity.choices" in message


def test_a_single_value_is_read_as_a_list_and_per_year_defaults_to_true():
    s = _scheme(
        attributes={"identity": {"values": "甲"}}, tracks={"甲": {"identity": "甲"}, "__replace__": True}
    )
    spec = scheme_attributes(s)["identity"]
    assert spec.values == ("甲",) and spec.per_year


@pytest.mark.parametrize("name", list_presets())
def test_every_preset_declares_the_values_its_tracks_read(name):
    s = load_scheme(load_preset(name).scheme_text(), file=f"{name}.yaml")
    for spec in scheme_attributes(s).values():
        if spec.declared and spec.values is not None:
            assert set(spec.used) <= set(spec.values)


def test_the_presets_name_their_own_words():
    def spec(preset: str, attr: str):
        return scheme_attributes(load_scheme(load_preset(preset).scheme_text()))[attr]

    assert spec("000_yishui", "identity").values == ("班子成员", "中层干部", "普通工作人员")
    assert spec("003_template", "post_type").values == ("管理岗", "技术岗", "工勤岗")
    assert spec("001_xinqu", "系数档次").read_by == ("coefficients.岗位系数.levels",)
    assert "一线执法" in spec("004_quzhou", "post_type").values


def test_two_schemes_together_allow_the_union_of_their_values():
    from kaohe.engine.attributes import merge_specs

    a = scheme_attributes(_scheme(attributes={"identity": {"label": "身份", "values": ["甲", "乙"]}}))
    b = scheme_attributes(_scheme(attributes={"identity": {"values": ["乙", "丙", "甲"]}, "x": {}}))
    merged = merge_specs([a, b])
    assert merged["identity"].values == ("甲", "乙", "丙")
    assert merged["identity"].label == "身份"
    assert merged["x"].values is None
    free = merge_specs([scheme_attributes(_scheme()), a])
    assert free["identity"].values == ("甲", "乙") and free["identity"].declared


def test_values_no_person_can_have_are_listed_with_the_rule_that_names_them():
    from kaohe.engine.attributes import unreachable_values

    s = _scheme(
        attributes={"staffing": {"values": ["在编", "不在编"]}},
        eligibility={"x": {"when": {"attribute": {"staffing": ["在编"]}}, "effect": "no_grade"}},
    )
    assert unreachable_values(s, {}) == [
        ("identity", "甲", "tracks.甲.identity"),
        ("identity", "乙", "tracks.乙.identity"),
    ]
    assert unreachable_values(s, {"identity": {"甲", "乙"}}) == []
    assert unreachable_values(s, {"identity": {"甲"}}) == [("identity", "乙", "tracks.乙.identity")]
