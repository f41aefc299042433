"""Person records (sanctions, probation, investigations, vetoes): their checks, who enters them, and
the national civil-servant annual preset computing in the app with them."""

from datetime import date

import numpy as np
import pytest

from kaohe.appraisal.inputs import gather, people_of
from kaohe.appraisal.models import PersonResult, Score
from kaohe.appraisal.services.periods import create_period, link_campaign, start_scoring
from kaohe.appraisal.services.records import add_record, delete_record, end_record
from kaohe.appraisal.services.results import compute_period
from kaohe.appraisal.services.schemes import attach_scheme, import_scheme
from kaohe.appraisal.services.scoring import get_or_create_sheet
from kaohe.audit.models import Event
from kaohe.org.models import LeaveRecord, PersonRecord
from kaohe.platform.errors import Refusal
from kaohe.presets import load_preset
from tests.conftest import make_person
from tests.integration.appraisal import helpers

INDICATORS = {"德": 14, "能": 14, "勤": 14, "绩": 36, "廉": 14}


@pytest.fixture
def national(org):
    sch = import_scheme(actor=None, text=load_preset("national_civil_servant_annual").scheme_text())
    attach_scheme(actor=None, scheme=sch, unit=org.root)
    return sch


def _period(org, sch):
    p = create_period(actor=None, unit=org.root, scheme=sch, kind="year", start=date(2025, 1, 1))
    start_scoring(actor=None, period=p)
    sheet = get_or_create_sheet(p, None)
    people = [org.a1, org.a2, org.b1, *org.extra]
    for person in people:
        for name, value in INDICATORS.items():
            Score.objects.create(
                period=p, person=person, indicator=f"年度评价/{name}", value=value, sheet=sheet
            )
    return p


@pytest.fixture
def staffed(org, national):
    org.extra = [make_person(f"C{n:03d}", f"丙{n}", org.unit_b) for n in range(1, 5)]
    return org


def test_an_end_before_the_start_is_refused_naming_the_field(staffed, national):
    office = staffed.users["office"]
    with pytest.raises(Refusal, match="end: 2025-03-01 is before the start 2025-04-01") as exc:
        add_record(
            actor=office,
            person=staffed.a2,
            kind="probation",
            item="试用期",
            start=date(2025, 4, 1),
            end=date(2025, 3, 1),
        )
    assert exc.value.field == "end"
    assert not PersonRecord.objects.exists()


def test_an_item_no_scheme_names_is_refused_naming_the_allowed_ones(staffed, national):
    office = staffed.users["office"]
    with pytest.raises(Refusal, match="“开除” is not named by any scheme") as exc:
        add_record(actor=office, person=staffed.a2, kind="sanction", item="开除", start=date(2025, 4, 1))
    assert exc.value.field == "item"
    assert "诫勉、调整职务、警告、严重警告、记过、记大过、降级、撤职" in str(exc.value)
    assert not PersonRecord.objects.exists() and not Event.objects.filter(
        action__startswith="org.personrecord"
    )


def test_a_unit_without_a_scheme_allows_no_sanction_level(org):
    with pytest.raises(Refusal, match="allowed: none"):
        add_record(
            actor=org.users["office"], person=org.a2, kind="sanction", item="警告", start=date(2025, 4, 1)
        )


def test_the_inspector_enters_discipline_but_not_probation(staffed, national):
    inspector = staffed.users["inspector"]
    rec = add_record(actor=inspector, person=staffed.a2, kind="sanction", item="警告", start=date(2025, 4, 1))
    assert rec.created_by == inspector
    with pytest.raises(Refusal, match="may not enter"):
        add_record(
            actor=inspector, person=staffed.a2, kind="probation", item="试用期", start=date(2025, 4, 1)
        )
    with pytest.raises(Refusal, match="may not enter"):
        add_record(
            actor=staffed.users["reviewer"],
            person=staffed.a2,
            kind="sanction",
            item="警告",
            start=date(2025, 4, 1),
        )
    assert PersonRecord.objects.count() == 1


def test_end_and_delete_are_audited_and_checked(staffed, national):
    office = staffed.users["office"]
    rec = add_record(
        actor=office, person=staffed.a2, kind="investigation", item="立案审查", start=date(2025, 5, 1)
    )
    with pytest.raises(Refusal, match="before the start"):
        end_record(actor=office, record_=rec, end=date(2025, 4, 30))
    end_record(actor=office, record_=rec, end=date(2025, 5, 1))
    rec.refresh_from_db()
    assert rec.end == date(2025, 5, 1)
    delete_record(actor=office, record_=rec)
    assert not PersonRecord.objects.exists()
    actions = list(
        Event.objects.filter(action__startswith="org.personrecord").values_list("action", flat=True)
    )
    assert sorted(actions) == ["org.personrecord.create", "org.personrecord.delete", "org.personrecord.end"]


def test_gather_reads_records_by_date(staffed, national):
    office = staffed.users["office"]
    p = _period(staffed, national)
    c1, c2, c3, c4 = staffed.extra
    add_record(actor=office, person=c1, kind="sanction", item="记大过", start=date(2024, 6, 30))
    add_record(actor=office, person=c2, kind="sanction", item="警告", start=date(2025, 7, 1))
    add_record(
        actor=office, person=c2, kind="sanction", item="警告", start=date(2026, 1, 1)
    )  # after the period
    add_record(
        actor=office,
        person=c3,
        kind="probation",
        item="试用期",
        start=date(2024, 9, 1),
        end=date(2025, 8, 31),
    )
    add_record(actor=office, person=c4, kind="investigation", item="立案审查", start=date(2025, 11, 1))
    add_record(
        actor=office,
        person=staffed.a2,
        kind="investigation",
        item="立案审查",
        start=date(2025, 3, 1),
        end=date(2025, 12, 31),
    )
    data, ids = gather(p, national.parsed())
    row = {pid: i for i, pid in enumerate(ids)}
    s = data.sanctions
    got = sorted(
        (ids[int(i)], s.columns["level"].value(k), s.columns["months_ago"][k], s.columns["year"][k])
        for k, i in enumerate(s.person)
    )
    assert got == sorted([(c1.pk, "记大过", 18.0, 2024.0), (c2.pk, "警告", 5.0, 2025.0)])
    assert data.people.numbers["probation"][row[c3.pk]] == 1
    assert data.people.numbers["probation"].sum() == 1
    flag = data.people.attributes["under_investigation"]
    assert flag.value(row[c4.pk]) == "是"
    assert flag.value(row[staffed.a2.pk]) == "否"  # ended on the period's last day
    assert flag.value(row[c1.pk]) == "否"


def test_a_kind_never_recorded_is_absent_not_none(staffed, national):
    p = _period(staffed, national)
    data, _ids = gather(p, national.parsed())
    assert "probation" not in data.people.numbers
    assert "under_investigation" not in data.people.attributes
    assert not len(data.sanctions)
    with pytest.raises(Refusal, match="probation"):  # missing, not "nobody on probation"
        compute_period(actor=None, period=p)


def test_leave_counts_working_days_of_the_period(staffed, national):
    """14 days of sick leave over the National Day holiday are 5 working days of 2025's 248."""
    p = _period(staffed, national)
    LeaveRecord.objects.create(
        person=staffed.a2, kind="sick", start=date(2025, 9, 29), end=date(2025, 10, 12)
    )
    LeaveRecord.objects.create(person=staffed.b1, kind="sick", start=date(2024, 12, 20), end=date(2025, 1, 3))
    late = make_person("C099", "丁迟", staffed.unit_b, start_date=date(2025, 12, 1))
    data, ids = gather(p, national.parsed())
    row = {pid: i for i, pid in enumerate(ids)}
    working, leave = data.people.numbers["working_days"], data.people.numbers["leave_days"]
    assert working[row[staffed.a2.pk]] == 248
    # 29, 30 Sep; 1–8 Oct holiday; 9, 10 Oct; 11 Oct (Saturday) is a make-up working day; 12 Oct Sunday
    assert leave[row[staffed.a2.pk]] == 5
    assert leave[row[staffed.b1.pk]] == 2  # 2 and 3 January 2025; the days of 2024 are not this period's
    assert working[row[late.pk]] == 23  # December 2025's working days
    assert data.people.numbers["months_in_unit"][row[late.pk]] == 1
    assert data.people.numbers["months_in_unit"][row[staffed.a2.pk]] == 72


def test_the_national_preset_computes_with_records_entered(staffed, national):
    office, inspector = staffed.users["office"], staffed.users["inspector"]
    p = _period(staffed, national)
    c1, c2, c3, c4 = staffed.extra
    add_record(actor=inspector, person=c1, kind="sanction", item="记大过", start=date(2024, 6, 30))
    add_record(actor=inspector, person=c2, kind="sanction", item="警告", start=date(2025, 7, 1))
    add_record(
        actor=office,
        person=c3,
        kind="probation",
        item="试用期",
        start=date(2025, 3, 1),
        end=date(2026, 2, 28),
    )
    add_record(actor=inspector, person=c4, kind="investigation", item="立案审查", start=date(2025, 11, 1))
    # 14 calendar days of sick leave are 5 working days of 248: far from half a year, graded
    LeaveRecord.objects.create(
        person=staffed.a2, kind="sick", start=date(2025, 9, 29), end=date(2025, 10, 12)
    )
    # the boundary of 病事假超半年 (above 50% of 248 working days): 124 days is half, 125 above it
    LeaveRecord.objects.create(person=staffed.a1, kind="sick", start=date(2025, 1, 1), end=date(2025, 7, 6))
    LeaveRecord.objects.create(person=staffed.b1, kind="sick", start=date(2025, 1, 1), end=date(2025, 7, 7))
    _ready_with_ballot(p, staffed)
    compute_period(actor=office, period=p)
    rows = {
        r.person_id: r for r in PersonResult.objects.filter(result_set__period=p, result_set__current=True)
    }
    assert rows[c1.pk].status == "no_grade" and rows[c1.pk].grade == ""  # 记大过: two years
    assert rows[c3.pk].status == "comment_only"
    assert rows[c4.pk].status == "pending"
    assert rows[c2.pk].status == "" and rows[c2.pk].grade in ("称职", "基本称职", "不称职")
    assert rows[staffed.a2.pk].status == ""
    assert rows[staffed.a1.pk].status == ""
    assert rows[staffed.b1.pk].status == "no_grade"


def test_a_level_only_another_scheme_of_the_tree_names_is_allowed_and_left_out(staffed, national):
    text = load_preset("national_civil_servant_annual").scheme_text()
    other = import_scheme(
        actor=None,
        text=text.replace('version: "2025.1"', 'version: "2025.x"').replace(
            "  撤职:     {years: 2}", "  撤职:     {years: 2}\n  开除:     {years: 2}"
        ),
    )
    attach_scheme(actor=None, scheme=other, unit=staffed.unit_b)
    office = staffed.users["office"]
    with pytest.raises(Refusal, match="“开除” is not named by any scheme of 党政办"):
        add_record(actor=office, person=staffed.a2, kind="sanction", item="开除", start=date(2025, 4, 1))
    add_record(actor=office, person=staffed.b1, kind="sanction", item="开除", start=date(2025, 4, 1))
    add_record(actor=office, person=staffed.b1, kind="sanction", item="警告", start=date(2025, 4, 1))
    data, ids = gather(_period(staffed, national), national.parsed())
    s = data.sanctions
    assert [s.columns["level"].value(k) for k in range(len(s))] == ["警告"]  # 开除 is not this scheme's


def test_readiness_can_count_the_kinds_and_confirm_an_empty_one(staffed, national):
    """For the lead's readiness: the kinds recorded for a period, and an office-confirmed empty kind
    delivered as a column of "none" (0 / 否) instead of an absent one."""
    from kaohe.appraisal.inputs_records import gather_records, recorded_kinds
    from kaohe.engine import People, PeriodData

    p = _period(staffed, national)
    add_record(
        actor=staffed.users["office"], person=staffed.a2, kind="sanction", item="警告", start=date(2025, 2, 1)
    )
    assert recorded_kinds(p) == {"sanction": 1}
    people = [staffed.a1, staffed.a2]
    data = PeriodData(people=People(ids=np.array([x.staff_no for x in people], dtype=object)))
    index = {x.pk: i for i, x in enumerate(people)}
    gather_records(
        p,
        national.parsed(),
        data,
        index,
        units=[x.unit_id for x in people],
        starts=[x.start_date for x in people],
        confirmed_empty={"probation", "investigation"},
    )
    assert data.people.numbers["probation"].tolist() == [0.0, 0.0]
    assert [data.people.attributes["under_investigation"].value(i) for i in range(2)] == ["否", "否"]
    assert data.people.numbers["working_days"].tolist() == [248.0, 248.0]


def _ready_with_ballot(p, staffed):
    """Everyone rated 称职 by three voters (民主测评, 30%), every sheet submitted."""

    people = list(people_of(p))
    campaign = helpers.closed_campaign(staffed.root, people, helpers.NATIONAL_OPTIONS, mark="称职")
    link_campaign(actor=None, period=p, campaign=campaign)
    helpers.make_ready(p)
