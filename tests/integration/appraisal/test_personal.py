"""Personal indicators (个性指标): setting them within the scheme's limit, the import (all or
nothing), the sheet's rows, what gather delivers, and the audit trail."""

from decimal import Decimal

import pytest

from kaohe.appraisal.inputs import gather
from kaohe.appraisal.models import PersonalIndicator
from kaohe.appraisal.personal_rules import Item
from kaohe.appraisal.selectors_personal import personal_gaps, personal_rows
from kaohe.appraisal.services.periods import start_scoring
from kaohe.appraisal.services.personal import import_personal_indicators, set_personal_indicators
from kaohe.appraisal.services.scoring import get_or_create_sheet, save_sheet
from kaohe.audit.models import Event
from kaohe.platform.errors import Refusal
from tests.integration.appraisal.personal_helpers import NODE, period_004, period_weights, three

pytestmark = pytest.mark.django_db


def test_the_office_sets_three_indicators_adding_up_to_60(org):
    p = period_004(org.root)
    office = org.users["office"]
    assert set_personal_indicators(actor=office, period=p, person=org.a2, sets={NODE: three()}) == 3
    got = list(
        PersonalIndicator.objects.filter(period=p, person=org.a2).values_list("name", "points", "target")
    )
    assert got == [
        ("招商引资", Decimal(20), "引进项目 2 个"),
        ("项目推进", Decimal(20), ""),
        ("信访化解", Decimal(20), ""),
    ]
    ev = Event.objects.filter(action="appraisal.personal.set").get()
    assert ev.after["nodes"][NODE][0] == ["招商引资", "20", "引进项目 2 个"] and ev.unit_id == org.unit_a.pk


def test_a_fourth_indicator_or_points_that_do_not_add_up_are_refused_and_nothing_is_written(org):
    p = period_004(org.root)
    office = org.users["office"]
    four = three() + [Item("第四项", Decimal(1))]
    with pytest.raises(Refusal, match="at most 3 personal indicators") as exc:
        set_personal_indicators(actor=office, period=p, person=org.a2, sets={NODE: four})
    assert exc.value.field == "count"
    with pytest.raises(Refusal, match="add up to 50; they must add up to 60") as exc:
        set_personal_indicators(actor=office, period=p, person=org.a2, sets={NODE: three(20, 20, 10)})
    assert exc.value.field == "points"
    with pytest.raises(Refusal, match="not a personal indicator of the scheme"):
        set_personal_indicators(actor=office, period=p, person=org.a2, sets={"绩效评分/共性指标": three()})
    assert not PersonalIndicator.objects.exists() and not Event.objects.filter(
        action__startswith="appraisal.personal"
    )


def test_a_reviewer_sets_only_their_reviewees_indicators(org):
    p = period_004(org.root)
    reviewer = org.users["reviewer"]
    set_personal_indicators(actor=reviewer, period=p, person=org.a2, sets={NODE: three()})
    with pytest.raises(Refusal, match="You do not set the indicators of"):
        set_personal_indicators(actor=reviewer, period=p, person=org.b1, sets={NODE: three()})
    with pytest.raises(Refusal):
        set_personal_indicators(actor=org.users["staff"], period=p, person=org.a2, sets={NODE: three()})


def test_they_are_set_only_while_the_period_is_open_or_in_scoring(org):
    p = period_004(org.root)
    start_scoring(actor=None, period=p)
    set_personal_indicators(actor=org.users["office"], period=p, person=org.a2, sets={NODE: three()})
    p.state = "computed"
    p.save()
    with pytest.raises(Refusal, match="only while the period is open or in scoring"):
        set_personal_indicators(
            actor=org.users["office"], period=p, person=org.a2, sets={NODE: three(30, 20, 10)}
        )


def test_a_kept_indicator_keeps_its_score_unless_its_points_change(org):
    p = period_004(org.root)
    office = org.users["office"]
    set_personal_indicators(actor=office, period=p, person=org.a2, sets={NODE: three()})
    PersonalIndicator.objects.filter(period=p).update(score=18)
    first = PersonalIndicator.objects.get(name="招商引资").pk
    set_personal_indicators(actor=office, period=p, person=org.a2, sets={NODE: three(20, 30, 10)})
    scores = dict(PersonalIndicator.objects.filter(period=p).values_list("name", "score"))
    assert scores == {"招商引资": 18, "项目推进": None, "信访化解": None}
    assert PersonalIndicator.objects.get(name="招商引资").pk == first  # unchanged: left as it is
    changed = [
        Item("招商引资", Decimal(20), "新目标"),
        Item("项目推进", Decimal(30)),
        Item("信访化解", Decimal(10)),
    ]
    set_personal_indicators(actor=office, period=p, person=org.a2, sets={NODE: changed})
    assert PersonalIndicator.objects.get(name="招商引资").score == 18  # a new target, the same points
    set_personal_indicators(actor=office, period=p, person=org.a2, sets={NODE: [Item("新指标", Decimal(60))]})
    assert list(PersonalIndicator.objects.filter(period=p).values_list("name", "score")) == [("新指标", None)]


# --- the import -------------------------------------------------------------------------------------


def rows(*cells):
    return [
        (n, dict(zip(("person", "node", "name", "points", "target"), c, strict=False)))
        for n, c in enumerate(cells, 2)
    ]


def test_the_import_sets_each_person_named_and_leaves_the_others(org):
    p = period_004(org.root)
    office = org.users["office"]
    set_personal_indicators(actor=office, period=p, person=org.b1, sets={NODE: three()})
    n = import_personal_indicators(
        actor=office,
        period=p,
        sheet="个性指标",
        rows=rows(("A002", "个性指标", "甲", 40, "t"), ("A002", "", "乙", "20"), ("A001", NODE, "丙", 60)),
    )
    assert n == 3
    assert sorted(
        PersonalIndicator.objects.filter(period=p, person=org.a2).values_list("name", flat=True)
    ) == ["乙", "甲"]
    assert PersonalIndicator.objects.filter(period=p, person=org.b1).count() == 3  # not in the file: kept
    assert Event.objects.filter(action="appraisal.personal.import").get().after == {
        "people": 2,
        "indicators": 3,
    }


def test_a_bad_import_names_sheet_row_and_column_and_writes_nothing(org):
    p = period_004(org.root)
    bad = rows(
        ("A002", NODE, "甲", 40),
        ("A002", NODE, "乙", 10),  # A002 adds up to 50
        ("Z999", NODE, "丙", 60),  # nobody
        ("A001", NODE, "丁", "abc"),  # not a number
        ("B001", "共性指标", "戊", 60),  # not a personal node
        ("A001", NODE, "己", 15),
        ("A001", NODE, "庚", 15),
        ("A001", NODE, "辛", 15),
        ("A001", NODE, "壬", 15),
    )
    with pytest.raises(Refusal) as exc:
        import_personal_indicators(actor=org.users["office"], period=p, sheet="个性指标", rows=bad)
    text = str(exc.value)
    assert "sheet 个性指标, row 2, column 分值: A002 points or weight: the points add up to 50" in text
    assert "row 4, column 工号: no person Z999" in text
    assert "row 5, column 分值: expected a number" in text
    assert "row 6, column 考核指标: expected one of 绩效评分/个性指标, found 共性指标" in text
    assert "row 7, column 个性指标: A001 number of indicators: at most 3" in text
    assert not PersonalIndicator.objects.exists()


def test_a_reviewer_imports_only_their_reviewees(org):
    p = period_004(org.root)
    with pytest.raises(Refusal, match="row 2, column 工号: you do not set the indicators of B001"):
        import_personal_indicators(
            actor=org.users["reviewer"], period=p, sheet="S", rows=rows(("B001", NODE, "甲", 60))
        )


# --- the sheet and gather -----------------------------------------------------------------------------


def test_the_reviewers_sheet_scores_their_reviewees_personal_indicators(org):
    p = period_004(org.root)
    start_scoring(actor=None, period=p)
    set_personal_indicators(actor=org.users["office"], period=p, person=org.a2, sets={NODE: three()})
    set_personal_indicators(actor=org.users["office"], period=p, person=org.b1, sets={NODE: three()})
    sheet = get_or_create_sheet(p, org.a1)
    mine = personal_rows(p, [org.a2])
    assert [(pi.name, top) for pi, top in mine] == [
        ("招商引资", 20.0),
        ("项目推进", 20.0),
        ("信访化解", 20.0),
    ]
    entries = [(org.a2.pk, f"personal#{pi.pk}", 18.0, "") for pi, _top in mine]
    save_sheet(actor=org.users["reviewer"], sheet=sheet, entries=entries)
    assert list(PersonalIndicator.objects.filter(person=org.a2).values_list("score", flat=True)) == [
        18,
        18,
        18,
    ]
    other = PersonalIndicator.objects.filter(person=org.b1).first()
    with pytest.raises(Refusal, match="not a personal indicator on this sheet"):
        save_sheet(actor=None, sheet=sheet, entries=[(org.a2.pk, f"personal#{other.pk}", 10.0, "")])
    with pytest.raises(Refusal, match="between 0 and 20, found 21"):
        save_sheet(actor=None, sheet=sheet, entries=[(org.a2.pk, entries[0][1], 21.0, "")])
    assert (
        PersonalIndicator.objects.filter(person=org.a2, score=18).count() == 3
    )  # the refused save wrote nothing


def test_a_sheet_is_not_submitted_while_a_personal_indicator_is_unscored(org):
    p = period_004(org.root)
    start_scoring(actor=None, period=p)
    set_personal_indicators(actor=org.users["office"], period=p, person=org.a2, sets={NODE: three()})
    sheet = get_or_create_sheet(p, org.a1)
    leaves = {"岗位积分/岗位赋分": 90.0, "绩效评分/共性指标": 36.0, "服务积分/服务积分": 90.0}
    common = [(org.a2.pk, k, v, "") for k, v in leaves.items()]
    with pytest.raises(Refusal, match="3 scores are still missing"):
        save_sheet(actor=None, sheet=sheet, entries=common, submit=True)
    pis = PersonalIndicator.objects.filter(person=org.a2)
    save_sheet(
        actor=None,
        sheet=sheet,
        entries=common + [(org.a2.pk, f"personal#{pi.pk}", 15.0, "") for pi in pis],
        submit=True,
    )
    sheet.refresh_from_db()
    assert sheet.status == "submitted"


def test_gather_delivers_the_personal_table_and_leaves_the_missing_missing(org):
    p = period_004(org.root)
    set_personal_indicators(actor=org.users["office"], period=p, person=org.a2, sets={NODE: three()})
    PersonalIndicator.objects.filter(person=org.a2, name="招商引资").update(score=19)
    gaps = personal_gaps(p)[NODE]
    assert gaps == sorted([("A001", "张一"), ("A002", "李二"), ("B001", "王三")])  # unset, or unscored
    with pytest.raises(
        Refusal, match="2 personal indicators have no score yet: 李二（项目推进）、李二（信访化解）"
    ):
        gather(p, p.scheme.parsed())  # not counted as 0, and no NaN total stored
    PersonalIndicator.objects.filter(person=org.a2).exclude(name="招商引资").update(score=15)
    data, ids = gather(p, p.scheme.parsed())
    t = data.personal
    assert len(t) == 3 and set(t.person.tolist()) == {ids.index(org.a2.pk)}  # a1, b1: no rows (missing)
    assert t.num("points").tolist() == [20.0, 20.0, 20.0] and t.num("score").tolist() == [19.0, 15.0, 15.0]
    assert [t.code("indicator").value(i) for i in range(3)] == ["招商引资", "项目推进", "信访化解"]
    assert personal_gaps(p)[NODE] == [("A001", "张一"), ("B001", "王三")]


def test_under_weights_a_score_out_of_100_is_scaled_to_its_weight(org):
    p = period_weights(org.root)
    node = "实绩/个性"
    set_personal_indicators(
        actor=org.users["office"],
        period=p,
        person=org.a2,
        sets={node: [Item("甲", Decimal(40)), Item("乙", Decimal(60))]},
    )
    with pytest.raises(Refusal, match="weights add up to 90%"):
        set_personal_indicators(
            actor=org.users["office"],
            period=p,
            person=org.a1,
            sets={node: [Item("甲", Decimal(40)), Item("乙", Decimal(50))]},
        )
    PersonalIndicator.objects.filter(name="甲").update(score=50)
    PersonalIndicator.objects.filter(name="乙").update(score=100)
    data, _ids = gather(p, p.scheme.parsed())
    t = data.personal
    assert t.num("score").tolist() == [20.0, 60.0] and t.num("points").tolist() == [40.0, 60.0]  # 80%
