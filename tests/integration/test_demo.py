"""The demo township: realistic, deterministic, idempotent, with one working login per role."""

from collections import Counter
from datetime import date

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from kaohe.accounts.scope import scope_for
from kaohe.audit.chain import verify
from kaohe.audit.models import Event
from kaohe.org import services
from kaohe.org.demo import DEMO_PASSWORD, DEMO_ROLES, DEMO_ROOT_CODE, build_plan, load_demo
from kaohe.org.models import LeaveRecord, Person, Secondment, Track, TrackMembership, Unit

TODAY = date(2025, 6, 1)


@pytest.fixture
def demo(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return load_demo(today=TODAY)


def test_the_demo_is_a_township_of_about_120_people(demo):
    root = Unit.objects.get(code=DEMO_ROOT_CODE)
    assert root.kind == "party_government" and root.parent is None
    kinds = Counter(Unit.objects.filter(parent=root).values_list("kind", flat=True))
    assert kinds["village"] >= 20
    assert sum(n for kind, n in kinds.items() if kind != "village") >= 12
    assert {"window", "institution", "station", "department"} <= set(kinds)
    assert 110 <= Person.objects.count() <= 135
    for field in ("identity", "staffing", "post_type", "post_level"):
        assert len(set(Person.objects.values_list(field, flat=True))) == 3, field


def test_the_demo_matches_its_plan_exactly(demo):
    plan = build_plan(today=TODAY)
    stored = list(
        Person.objects.order_by("staff_no").values_list("staff_no", "name", "unit__code", "start_date")
    )
    planned = sorted((p.staff_no, p.name, p.unit_code, p.start_date) for p in plan.people)
    assert stored == planned


def test_loading_the_demo_twice_does_nothing_the_second_time(demo):
    before = (Unit.objects.count(), Person.objects.count(), Event.objects.count())
    assert load_demo(today=TODAY) == demo
    assert (Unit.objects.count(), Person.objects.count(), Event.objects.count()) == before


def test_every_role_has_a_demo_login_with_the_demo_password(demo):
    assert [role for role, _u, _p in demo] == list(DEMO_ROLES)
    for role, username, password in demo:
        assert username == role and password == DEMO_PASSWORD
        user = authenticate(RequestFactory().post("/login/"), username=username, password=password)
        assert user is not None, username
        assert scope_for(user).has_role(role), username


def test_the_demo_reviewer_reviews_the_demo_staff(demo):
    reviewer = Person.objects.get(user__username="reviewer")
    staff = Person.objects.get(user__username="staff")
    assert staff.reviewer == reviewer
    assert reviewer.reviewees.count() >= 3


def test_every_reviewer_relation_obeys_the_scope_rule(demo):
    people = Person.objects.select_related("unit", "reviewer")
    for person in people:
        services.check_reviewer(unit=person.unit, reviewer=person.reviewer, person=person)
    # Section heads are reviewed by leadership members, and review their own staff.
    leaders = set(Person.objects.filter(identity="leadership").values_list("pk", flat=True))
    head_reviewers = {
        p.reviewer_id
        for p in people.filter(position__title__in=["主任", "所长", "队长", "站长", "院长", "校长"])
    }
    assert head_reviewers and head_reviewers <= leaders
    assert Person.objects.filter(reviewer__isnull=True).count() == 1  # only the Party secretary


def test_every_person_is_in_exactly_one_track_of_the_year(demo):
    assert set(Track.objects.values_list("name", flat=True)) == {
        "班子成员",
        "在编干部",
        "社区指导员",
        "不在编人员",
        "农村干部",
    }
    assert set(Track.objects.values_list("year", flat=True)) == {TODAY.year}
    assert TrackMembership.objects.count() == Person.objects.count()
    assert TrackMembership.objects.values("person").distinct().count() == Person.objects.count()


def test_the_demo_has_leave_a_secondment_and_new_hires(demo):
    assert LeaveRecord.objects.count() >= 5
    assert Secondment.objects.count() == 1
    assert Person.objects.filter(start_date__gt=date(2024, 12, 1)).count() >= 3


def test_the_demo_was_written_through_the_services_and_sealed(demo):
    assert Event.objects.filter(action="org.person.create").count() == Person.objects.count()
    assert Event.objects.filter(action="accounts.account.create").exists()
    assert not Event.objects.filter(seq__isnull=True).exists()
    report = verify()
    assert report.ok and report.checked == Event.objects.count()
