"""The person attributes the schemes name (考核属性): stored per person and year, set on the person's
page, in bulk and through the API, refused outside the allowed values, read by gather."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaohe.audit.models import Event
from kaohe.org.attributes import person_values, specs_for_paths
from kaohe.org.models import PersonAttribute
from kaohe.org.services_attributes import set_attribute_for_many, set_attributes

SCHEME = """
scheme: 属性方案
year: 2025
period: quarter
version: "{version}"
attributes:
  identity: {{label: 身份类别, values: [班子成员, 中层干部, 普通工作人员]}}
  系数档次: {{values: [一档, 二档]}}
tracks:
  中层: {{identity: 中层干部}}
  普通: {{identity: 普通工作人员}}
components:
  实绩:
    share: 100%
    indicators:
      党建: {{points: 60}}
      业务: {{points: 40}}
coefficients:
  档次: {{kind: static, attribute: 系数档次, levels: {{一档: 1.1, 二档: 1.0}}}}
grading:
  grades: [优秀, 良好]
"""


def attach(unit, version="2025.1", text=SCHEME):
    from kaohe.appraisal.services.schemes import attach_scheme, import_scheme

    sch = import_scheme(actor=None, text=text.format(version=version))
    attach_scheme(actor=None, scheme=sch, unit=unit)
    return sch


@pytest.fixture
def attached(org):
    return attach(org.root)


def test_the_person_page_lists_the_attributes_the_attached_scheme_needs(attached, org, login):
    response = login("office").get(reverse("org:person", args=[org.a2.pk]) + "?year=2025")
    html = response.content.decode()
    assert response.status_code == 200
    assert "身份类别" in html and "系数档次" in html
    assert 'name="attr-identity"' in html and "普通工作人员" in html
    assert "一般干部" in html  # the built-in default is shown, and marked as not allowed
    other_year = login("office").get(reverse("org:person", args=[org.a2.pk]) + "?year=2024")
    assert 'name="attr-identity"' not in other_year.content.decode()


def test_staff_see_their_attributes_but_get_no_form(attached, org, login):
    html = login("staff").get(reverse("org:person", args=[org.a2.pk]) + "?year=2025").content.decode()
    assert "身份类别" in html and 'name="attr-identity"' not in html


def test_the_office_saves_a_value_and_the_audit_trail_records_it(attached, org, login):
    url = reverse("org:person_attributes", args=[org.a2.pk])
    response = login("office").post(
        url, {"year": 2025, "attr-identity": "普通工作人员", "attr-系数档次": "一档"}
    )
    assert response.status_code == 302
    stored = dict(PersonAttribute.objects.filter(person=org.a2, year=2025).values_list("name", "value"))
    assert stored == {"identity": "普通工作人员", "系数档次": "一档"}
    event = Event.objects.filter(action="org.person.attributes").get()
    assert event.after["identity"] == "普通工作人员" and event.before["identity"] == ""


def test_a_value_outside_the_allowed_values_is_refused_naming_the_field_and_nothing_is_written(
    attached, org, login
):
    url = reverse("org:person_attributes", args=[org.a2.pk])
    response = login("office").post(url, {"year": 2025, "attr-identity": "一般干部", "attr-系数档次": "一档"})
    assert response.status_code == 400
    assert "身份类别" in response.content.decode()
    assert not PersonAttribute.objects.exists()
    with pytest.raises(ValidationError) as exc:
        set_attributes(
            actor=None, person=org.a2, year=2025, values={"identity": "一般干部", "系数档次": "一档"}
        )
    assert set(exc.value.message_dict) == {"identity"}
    assert "一般干部" in exc.value.message_dict["identity"][0]
    assert not PersonAttribute.objects.exists()


def test_an_attribute_no_scheme_names_is_refused(attached, org):
    with pytest.raises(ValidationError) as exc:
        set_attributes(actor=None, person=org.a2, year=2025, values={"leader": "王"})
    assert "leader" in exc.value.message_dict
    with pytest.raises(ValidationError):  # no scheme of 2024 is attached
        set_attributes(actor=None, person=org.a2, year=2024, values={"identity": "中层干部"})


def test_an_empty_value_removes_the_stored_one_and_the_default_applies_again(attached, org):
    set_attributes(actor=None, person=org.a1, year=2025, values={"identity": "普通工作人员"})
    set_attributes(actor=None, person=org.a1, year=2025, values={"identity": ""})
    value = next(v for v in person_values(org.a1, 2025) if v.spec.name == "identity")
    assert value.stored == "" and value.value == "中层干部"  # a1's built-in identity is middle
    assert set_attributes(actor=None, person=org.a1, year=2025, values={"identity": ""}) == {}


def test_the_bulk_page_shows_a_summary_then_sets_the_value_for_the_selected_people(attached, org, login):
    client = login("office")
    url = reverse("org:bulk_attributes") + f"?year=2025&unit={org.unit_a.pk}"
    review = client.post(url, {"name": "identity", "value": "普通工作人员"})
    assert review.status_code == 200 and 'id="bulk-summary"' in review.content.decode()
    assert not PersonAttribute.objects.exists()
    done = client.post(url, {"name": "identity", "value": "普通工作人员", "confirm": "on"})
    assert done.status_code == 302
    people = set(
        PersonAttribute.objects.filter(name="identity", year=2025).values_list("person_id", flat=True)
    )
    assert people == {org.a1.pk, org.a2.pk}  # unit A only, not B
    event = Event.objects.get(action="org.person.attributes.bulk")
    assert sorted(event.after["people"]) == ["A001", "A002"] and event.unit_id == org.unit_a.pk


def test_the_bulk_page_refuses_a_value_outside_the_allowed_values(attached, org, login):
    url = reverse("org:bulk_attributes") + "?year=2025"
    response = login("office").post(url, {"name": "identity", "value": "一般干部", "confirm": "on"})
    assert response.status_code == 200
    assert "一般干部" in response.content.decode() and "errorlist" in response.content.decode()
    assert not PersonAttribute.objects.exists()
    with pytest.raises(ValidationError):
        set_attribute_for_many(actor=None, people=[org.a1], year=2025, name="identity", value="一般干部")


def test_the_api_reads_and_writes_a_persons_attributes(attached, org, login):
    client = login("office")
    url = f"/api/people/{org.a2.pk}/attributes"
    body = {"year": 2025, "values": {"identity": "中层干部"}}
    put = client.put(url, data=json.dumps(body), content_type="application/json")
    assert put.status_code == 200
    items = {i["name"]: i for i in put.json()["items"]}
    assert items["identity"]["value"] == "中层干部" and items["identity"]["stored"] == "中层干部"
    assert items["系数档次"]["value"] == "" and items["系数档次"]["allowed_values"] == ["一档", "二档"]
    bad = {"year": 2025, "values": {"系数档次": "九档"}}
    refused = client.put(url, data=json.dumps(bad), content_type="application/json")
    assert refused.status_code == 422 and "系数档次" in refused.json()["detail"]
    got = login("staff").get(url + "?year=2025").json()
    assert {i["name"]: i["value"] for i in got["items"]}["identity"] == "中层干部"


def test_specs_merge_the_schemes_attached_above_and_below(org):
    attach(org.unit_b)
    assert set(specs_for_paths([org.unit_a.path], 2025)) == set()  # B's scheme does not cover A
    assert set(specs_for_paths([org.root.path], 2025)) == {"identity", "系数档次"}  # B lies inside
    assert set(specs_for_paths([org.b1.unit.path], 2025)) == {"identity", "系数档次"}


def test_gather_reads_the_stored_values_of_the_periods_year_over_the_built_in_words(attached, org):
    from kaohe.appraisal.inputs import gather
    from kaohe.appraisal.services.periods import create_period

    set_attributes(
        actor=None, person=org.a2, year=2025, values={"identity": "普通工作人员", "系数档次": "一档"}
    )
    PersonAttribute.objects.create(person=org.a1, year=2024, name="identity", value="普通工作人员")
    period = create_period(actor=None, unit=org.root, scheme=attached, kind="quarter", start=date(2025, 4, 1))
    data, ids = gather(period, attached.parsed())
    row = {pid: i for i, pid in enumerate(ids)}
    identity = data.people.attributes["identity"]
    level = data.people.attributes["系数档次"]
    assert identity.value(row[org.a2.pk]) == "普通工作人员"
    assert identity.value(row[org.a1.pk]) == "中层干部"  # 2024's value does not count for 2025
    assert level.value(row[org.a2.pk]) == "一档" and level.value(row[org.b1.pk]) == ""


UNDECLARED = SCHEME.replace(
    "attributes:\n  identity: {{label: 身份类别, values: [班子成员, 中层干部, 普通工作人员]}}\n",
    "attributes:\n",
)


def _warnings(response) -> list[str]:
    return (
        [str(m) for m in response.context["messages"] if m.level_tag == "warning"] if response.context else []
    )


def test_importing_a_scheme_whose_track_names_a_value_nobody_can_have_warns_naming_it(org, login):
    client = login("office")
    response = client.post(
        reverse("appraisal:schemes"), {"text": UNDECLARED.format(version="w1")}, follow=True
    )
    warnings = _warnings(response)
    assert len(warnings) == 1
    assert "tracks.普通.identity" in warnings[0] and "普通工作人员" in warnings[0]
    assert "中层干部" not in warnings[0]  # a built-in word: people have it
    declared = client.post(reverse("appraisal:schemes"), {"text": SCHEME.format(version="w2")}, follow=True)
    assert _warnings(declared) == []  # declared among the allowed values: the office can set it


def test_attaching_warns_unless_someone_in_the_subtree_has_the_value(org, login):
    from kaohe.appraisal.attribute_specs import scheme_warnings
    from kaohe.appraisal.services.schemes import import_scheme

    sch = import_scheme(actor=None, text=UNDECLARED.format(version="w3"))
    PersonAttribute.objects.create(person=org.b1, year=2025, name="identity", value="普通工作人员")
    assert scheme_warnings(sch, unit=org.unit_b) == []
    assert len(scheme_warnings(sch, unit=org.unit_a)) == 1
    response = login("office").post(
        reverse("appraisal:scheme_attach", args=[sch.pk]), {"unit": org.unit_a.pk}, follow=True
    )
    assert any("普通工作人员" in w for w in _warnings(response))


def test_a_later_year_keeps_the_attributes_of_the_latest_scheme_attached(attached, org):
    set_attributes(actor=None, person=org.a2, year=2026, values={"identity": "普通工作人员"})
    assert set(specs_for_paths([org.unit_a.path], 2026)) == {"identity", "系数档次"}
    newer = attach(
        org.root,
        version="2026.1",
        text=SCHEME.replace("year: 2025", "year: 2026")
        .replace("  系数档次: {{values: [一档, 二档]}}\n", "")
        .replace(
            "coefficients:\n  档次: {{kind: static, attribute: 系数档次, levels: {{一档: 1.1, 二档: 1.0}}}}\n",
            "",
        ),
    )
    assert newer.year == 2026
    assert set(specs_for_paths([org.unit_a.path], 2026)) == {"identity"}  # 2026's own scheme now
    assert set(specs_for_paths([org.unit_a.path], 2025)) == {"identity", "系数档次"}
