"""The appraisal pages' forms parse without a database: numbers typed in cells, unit-kind lines, the
period page's actions, a sheet's cells as the service's entries, an appeal's corrections, and which
of the committee's two forms a post binds."""

from types import SimpleNamespace

import pytest

from kaohe.appraisal.forms import (
    AppealDecisionForm,
    AttachForm,
    ClaimForm,
    NumberField,
    PeriodActionForm,
    SheetForm,
    committee_forms,
)
from kaohe.appraisal.models import PersonResult
from kaohe.appraisal.selectors import Column, shown
from kaohe.appraisal.selectors_sheets import Line, SheetView

COLS = [Column(0, "实绩/党建", "实绩/党建", 60, False), Column(1, "实绩/任务", "实绩/任务", None, True)]


def _errors(field, value) -> list[str]:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        field.clean(value)
    return exc.value.messages


def test_a_number_field_names_what_was_typed():
    field = NumberField(required=False)
    assert field.clean(" 12.5 ") == 12.5
    assert field.clean("") is None
    assert _errors(field, "abc") == ["abc is not a number."]
    assert _errors(field, "inf") == ["inf is not a number."]
    assert _errors(NumberField(required=True), "") == ["This field is required."]


def test_unit_kinds_are_read_one_code_a_line_and_other_lines_ignored():
    form = AttachForm({"unit": "3", "unit_kinds": "window=机关\r\n\nbad line\n village = 村 \n=x\ny="})
    assert form.is_valid()
    assert form.cleaned_data == {"unit": 3, "unit_kinds": {"window": "机关", "village": "村"}}


@pytest.mark.parametrize("data", [{}, {"action": "nonsense"}])
def test_an_unknown_action_is_refused(data):
    form = PeriodActionForm(data)
    assert not form.is_valid()
    assert form.errors["action"] == ["Unknown action."]


def test_a_stored_score_is_shown_as_typed_and_a_tasks_rate_in_percent():
    assert shown(55.0, task=False) == "55"
    assert shown(0.875, task=True) == "87.5"
    assert shown(None, task=True) == ""


DANGJIAN = Line("实绩/党建", "党建", 60.0)
YEWU = Line("实绩/业务", "业务", 40.0)


def _view(people, lines, scores):
    return SheetView(people=people, lines=lines, scores=scores, no_track=0)


def test_a_sheets_cells_become_the_services_entries_empty_ones_clearing():
    people = [SimpleNamespace(pk=7), SimpleNamespace(pk=9)]
    stored = {(7, "实绩/党建"): SimpleNamespace(value=50.0, comment="旧")}
    lines = {7: [DANGJIAN, YEWU], 9: [DANGJIAN, YEWU]}
    data = {"s-7-0": "55", "c-7-0": " 好 ", "s-7-1": "", "s-9-0": "", "s-9-1": "30", "submit": "1"}
    form = SheetForm(data, view=_view(people, lines, stored))
    assert form.is_valid(), form.errors
    assert form.entries() == [
        (7, "实绩/党建", 55.0, " 好 "),
        (7, "实绩/业务", None, ""),
        (9, "实绩/党建", None, ""),
        (9, "实绩/业务", 30.0, ""),
    ]
    assert form.cleaned_data["submit"] and not form.cleaned_data["reopen"]
    unbound = SheetForm(None, view=_view(people, lines, stored))
    first = unbound.rows[0]["cells"][0]
    assert (first["value"].value(), first["comment"].value()) == ("50", "旧")


def test_a_person_has_cells_only_for_their_own_lines():
    people = [SimpleNamespace(pk=7), SimpleNamespace(pk=9)]
    form = SheetForm({"s-9-0": "10"}, view=_view(people, {7: [YEWU], 9: [DANGJIAN]}, {}))
    assert [c.key for c in form.cols] == ["实绩/业务", "实绩/党建"]
    assert [cell is None for cell in form.rows[0]["cells"]] == [False, True]
    assert [cell is None for cell in form.rows[1]["cells"]] == [True, False]
    assert form.is_valid(), form.errors
    # a field posted for a line that is not the person's is never read
    assert form.entries() == [(7, "实绩/业务", None, ""), (9, "实绩/党建", None, "")]


def test_a_bad_cell_keeps_its_place_in_the_sheet():
    form = SheetForm({"s-7-1": "x1"}, view=_view([SimpleNamespace(pk=7)], {7: [DANGJIAN, YEWU]}, {}))
    assert not form.is_valid()
    assert form.errors == {"s-7-1": ["x1 is not a number."]}
    assert form.rows[0]["cells"][1]["value"].errors == ["x1 is not a number."]


def test_an_appeals_corrections_are_the_filled_fields_only():
    form = AppealDecisionForm(
        {"outcome": "upheld", "decision": "改正", "fix-1": "90"}, cols=COLS, scores={"实绩/党建": 40.0}
    )
    assert form.is_valid(), form.errors
    assert form.corrections() == [("实绩/任务", 90.0)]
    assert [f["now"] for f in form.fixes] == [40.0, None]
    assert not AppealDecisionForm({"decision": "x"}, cols=COLS, scores={}).is_valid()


def test_a_claim_needs_a_record_an_open_period_and_a_number_of_points():
    periods = [SimpleNamespace(pk=4)]
    good = {"period": "4", "category": "创新", "points": "2.5", "reason": "r"}
    form = ClaimForm(good, periods=periods, has_record=True)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["period"] == 4 and str(form.cleaned_data["points"]) == "2.5"
    form = ClaimForm(good | {"period": "5", "points": "many"}, periods=periods, has_record=True)
    assert form.errors == {"period": ["Choose an open period."], "points": ["Points must be a number."]}
    form = ClaimForm(good, periods=periods, has_record=False)
    assert form.non_field_errors() == ["Only people with a record can claim."]


@pytest.mark.parametrize(
    ("data", "bound"),
    [(None, (False, False)), ({"what": "grade"}, (True, False)), ({"what": "decision"}, (False, True))],
)
def test_a_committee_post_binds_the_form_it_names(data, bound):
    grade, decision = committee_forms(data, PersonResult.objects.none())
    assert (grade.is_bound, decision.is_bound) == bound
