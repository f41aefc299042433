"""Stored values are code names: a result's status is the engine's ungraded effect, shown by its label."""

from kaohe.appraisal.choices import UngradedStatus, grade_or_status
from kaohe.appraisal.templatetags.grades import or_status
from kaohe.engine.scheme import UNGRADED_EFFECTS


def test_the_statuses_are_the_engines_ungraded_effects_in_its_order():
    # services store UNGRADED_EFFECTS[ungraded_kind]: every code must be a choice
    assert tuple(UngradedStatus.values) == UNGRADED_EFFECTS


def test_a_grade_is_shown_as_it_is_and_a_status_by_its_label():
    assert grade_or_status("优秀", "") == "优秀"
    assert grade_or_status("", "no_grade") == "No grade"
    assert grade_or_status("", "pending") == "Grade pending"
    assert grade_or_status("", "") == ""
    assert or_status("", "comment_only") == "Comment only"
