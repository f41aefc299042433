"""Writes of the organisation domain: validation with field names, and an audit event for each."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kaohe.audit.models import Event
from kaohe.org import services
from kaohe.org.models import LeaveRecord, Person, Position, Secondment, TrackMembership, Unit
from tests.conftest import make_unit


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def person_values(**extra):
    values = {
        "staff_no": "N001",
        "name": "新人",
        "identity": "general",
        "staffing": "established",
        "post_type": "management",
        "post_level": "junior",
        "start_date": date(2024, 7, 1),
    }
    values.update(extra)
    return values


def events(action):
    return Event.objects.filter(action=action)


# --- units -----------------------------------------------------------------------------------------


def test_creating_a_unit_sets_its_path_and_records_an_event(org):
    actor = org.users["office"]
    unit = services.create_unit(actor=actor, code="A1", name="综合组", kind="department", parent=org.unit_a)
    assert unit.path == f"{org.unit_a.path}{unit.pk}/"
    event = events("org.unit.create").get()
    assert event.actor_id == actor.pk and event.object_id == str(unit.pk)
    assert event.after["code"] == "A1" and event.before is None


def test_a_duplicate_unit_code_is_refused_on_the_code_field(org):
    with pytest.raises(ValidationError) as exc:
        services.create_unit(actor=None, code="A", name="重复", kind="department", parent=org.root)
    assert "code" in exc.value.message_dict


def test_an_unknown_unit_kind_is_refused(org):
    with pytest.raises(ValidationError) as exc:
        services.create_unit(actor=None, code="X", name="X", kind="planet")
    assert "kind" in exc.value.message_dict


def test_moving_a_unit_moves_its_subtree(org):
    child = services.create_unit(actor=None, code="A1", name="综合组", kind="department", parent=org.unit_a)
    grandchild = services.create_unit(actor=None, code="A11", name="文秘岗", kind="department", parent=child)
    services.move_unit(actor=None, unit=org.unit_a, parent=org.unit_b)
    child.refresh_from_db()
    grandchild.refresh_from_db()
    unit_a = Unit.objects.get(pk=org.unit_a.pk)
    assert unit_a.path == f"{org.unit_b.path}{unit_a.pk}/"
    assert child.path == f"{unit_a.path}{child.pk}/"
    assert grandchild.path == f"{child.path}{grandchild.pk}/"
    assert Unit.objects.get(pk=org.unit_b.pk).path == org.unit_b.path  # the new parent is untouched
    event = events("org.unit.move").get()
    assert event.before["parent_id"] == org.root.pk and event.after["parent_id"] == org.unit_b.pk


def test_moving_a_unit_under_its_own_descendant_is_refused_naming_the_loop(org):
    child = services.create_unit(actor=None, code="A1", name="综合组", kind="department", parent=org.unit_a)
    before = Event.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.move_unit(actor=None, unit=org.unit_a, parent=child)
    message = exc.value.message_dict["parent"][0]
    assert "cycle" in message and "党政办" in message and "综合组" in message
    assert Unit.objects.get(pk=org.unit_a.pk).parent_id == org.root.pk
    assert Event.objects.count() == before


def test_a_unit_cannot_be_its_own_parent(org):
    with pytest.raises(ValidationError) as exc:
        services.update_unit(actor=None, unit=org.unit_a, parent=org.unit_a)
    assert "parent" in exc.value.message_dict


def test_an_update_that_changes_nothing_writes_no_event(org):
    services.update_unit(actor=None, unit=org.unit_a, name=org.unit_a.name)
    assert not events("org.unit.update").exists()


def test_update_records_before_and_after(org):
    services.update_unit(actor=None, unit=org.unit_a, name="党政综合办公室")
    event = events("org.unit.update").get()
    assert event.before["name"] == "党政办" and event.after["name"] == "党政综合办公室"


def test_an_unknown_field_cannot_be_updated(org):
    with pytest.raises(TypeError):
        services.update_unit(actor=None, unit=org.unit_a, path="/9/")


def test_a_unit_with_people_is_not_deleted(org):
    with pytest.raises(ValidationError):
        services.delete_unit(actor=None, unit=org.unit_a)
    empty = make_unit("E", "空单位", parent=org.root)
    services.delete_unit(actor=None, unit=empty)
    assert not Unit.objects.filter(code="E").exists()
    assert events("org.unit.delete").get().before["code"] == "E"


# --- positions -------------------------------------------------------------------------------------


def test_positions_are_unique_per_unit(org):
    services.create_position(actor=None, unit=org.unit_a, title="科员")
    services.create_position(actor=None, unit=org.unit_b, title="科员")
    with pytest.raises(ValidationError):
        services.create_position(actor=None, unit=org.unit_a, title="科员")
    assert events("org.position.create").count() == 2


# --- people ----------------------------------------------------------------------------------------


def test_a_person_is_created_with_an_event(org):
    person = services.create_person(actor=org.users["office"], unit=org.unit_a, **person_values())
    assert Person.objects.filter(staff_no="N001").exists()
    assert events("org.person.create").get().object_id == str(person.pk)


def test_a_reviewer_holding_the_role_over_the_unit_is_accepted(org):
    person = services.create_person(actor=None, unit=org.unit_a, reviewer=org.a1, **person_values())
    assert person.reviewer == org.a1


def test_a_reviewer_outside_the_persons_scope_is_refused_on_the_reviewer_field(org):
    # a1 reviews office_a only; a person in office_b is outside that scope.
    with pytest.raises(ValidationError) as exc:
        services.create_person(actor=None, unit=org.unit_b, reviewer=org.a1, **person_values())
    message = exc.value.message_dict["reviewer"][0]
    assert "outside the person's scope" in message and "财政所" in message
    assert not Person.objects.filter(staff_no="N001").exists()


def test_a_reviewer_without_the_reviewer_role_is_refused(org):
    # b1 has an account, but only the staff role.
    with pytest.raises(ValidationError) as exc:
        services.create_person(actor=None, unit=org.unit_b, reviewer=org.b1, **person_values())
    assert "reviewer" in exc.value.message_dict


def test_a_reviewer_without_an_account_is_refused(org):
    lone = services.create_person(actor=None, unit=org.unit_a, **person_values(staff_no="N002"))
    with pytest.raises(ValidationError) as exc:
        services.create_person(actor=None, unit=org.unit_a, reviewer=lone, **person_values())
    assert "no account" in exc.value.message_dict["reviewer"][0]


def test_nobody_is_their_own_reviewer(org):
    with pytest.raises(ValidationError) as exc:
        services.update_person(actor=None, person=org.a1, reviewer=org.a1)
    assert "own reviewer" in exc.value.message_dict["reviewer"][0]


def test_moving_a_person_out_of_the_reviewers_scope_is_refused(org):
    with pytest.raises(ValidationError) as exc:
        services.update_person(actor=None, person=org.a2, unit=org.unit_b)
    assert "reviewer" in exc.value.message_dict
    assert Person.objects.get(pk=org.a2.pk).unit == org.unit_a


def test_a_position_of_another_unit_is_refused(org):
    position = Position.objects.create(unit=org.unit_b, title="所长")
    with pytest.raises(ValidationError) as exc:
        services.update_person(actor=None, person=org.a2, position=position)
    assert "position" in exc.value.message_dict


def test_a_duplicate_staff_number_is_refused_on_its_field(org):
    with pytest.raises(ValidationError) as exc:
        services.create_person(actor=None, unit=org.unit_a, **person_values(staff_no="A001"))
    assert "staff_no" in exc.value.message_dict


def test_person_update_records_the_change(org):
    services.update_person(actor=None, person=org.a2, name="李二二")
    event = events("org.person.update").get()
    assert (event.before["name"], event.after["name"]) == ("李二", "李二二")


# --- leave -----------------------------------------------------------------------------------------


def test_leave_is_recorded_and_must_not_end_before_it_starts(org):
    services.add_leave(actor=None, person=org.a2, kind="sick", start=date(2025, 3, 1), end=date(2025, 3, 5))
    with pytest.raises(ValidationError) as exc:
        services.add_leave(
            actor=None, person=org.a2, kind="sick", start=date(2025, 3, 5), end=date(2025, 3, 1)
        )
    assert "end" in exc.value.message_dict
    assert LeaveRecord.objects.count() == 1
    assert events("org.leaverecord.create").count() == 1


def test_leave_can_be_changed_and_removed(org):
    leave = services.add_leave(
        actor=None, person=org.a2, kind="sick", start=date(2025, 3, 1), end=date(2025, 3, 5)
    )
    services.update_leave(actor=None, leave=leave, end=date(2025, 3, 9))
    services.delete_leave(actor=None, leave=leave)
    assert not LeaveRecord.objects.exists()
    assert events("org.leaverecord.update").count() == 1 and events("org.leaverecord.delete").count() == 1


# --- tracks ----------------------------------------------------------------------------------------


def test_a_person_is_in_one_track_a_year(org):
    general = services.create_track(actor=None, unit=org.root, code="general", name="一般干部", year=2025)
    middle = services.create_track(actor=None, unit=org.root, code="middle", name="中层干部", year=2025)
    next_year = services.create_track(actor=None, unit=org.root, code="general", name="一般干部", year=2026)
    services.add_member(actor=None, track=general, person=org.a2)
    with pytest.raises(ValidationError) as exc:
        services.add_member(actor=None, track=middle, person=org.a2)
    assert "already in the track" in exc.value.message_dict["person"][0]
    services.add_member(actor=None, track=next_year, person=org.a2)  # another year is fine
    assert TrackMembership.objects.filter(person=org.a2).count() == 2
    assert events("org.trackmembership.create").count() == 2


def test_the_year_of_a_track_with_members_cannot_change(org):
    track = services.create_track(actor=None, unit=org.root, code="general", name="一般干部", year=2025)
    services.add_member(actor=None, track=track, person=org.a2)
    with pytest.raises(ValidationError) as exc:
        services.update_track(actor=None, track=track, year=2026)
    assert "year" in exc.value.message_dict


def test_removing_a_member_is_recorded(org):
    track = services.create_track(actor=None, unit=org.root, code="general", name="一般干部", year=2025)
    membership = services.add_member(actor=None, track=track, person=org.a2)
    services.remove_member(actor=None, membership=membership)
    assert not TrackMembership.objects.exists()
    assert events("org.trackmembership.delete").count() == 1


# --- secondments -----------------------------------------------------------------------------------


def test_a_secondment_defaults_to_the_persons_own_unit_as_home(org):
    s = services.create_secondment(
        actor=None, person=org.a2, host_unit=org.unit_b, start=date(2025, 3, 1), home_share=40
    )
    assert s.home_unit == org.unit_a and s.home_share == Decimal("40") and s.host_share == Decimal("60")
    assert events("org.secondment.create").count() == 1


def test_a_secondment_to_the_home_unit_is_refused(org):
    with pytest.raises(ValidationError) as exc:
        services.create_secondment(actor=None, person=org.a2, host_unit=org.unit_a, start=date(2025, 3, 1))
    assert "host_unit" in exc.value.message_dict
    assert not Secondment.objects.exists()


@pytest.mark.parametrize("share", [-1, "100.01", 150])
def test_a_secondment_share_outside_0_to_100_is_refused(org, share):
    with pytest.raises(ValidationError) as exc:
        services.create_secondment(
            actor=None, person=org.a2, host_unit=org.unit_b, start=date(2025, 3, 1), home_share=share
        )
    assert "home_share" in exc.value.message_dict


def test_a_secondment_update_is_checked_too(org):
    s = services.create_secondment(actor=None, person=org.a2, host_unit=org.unit_b, start=date(2025, 3, 1))
    with pytest.raises(ValidationError):
        services.update_secondment(actor=None, secondment=s, host_unit=org.unit_a)
    services.update_secondment(actor=None, secondment=s, home_share=0)
    assert Secondment.objects.get().home_share == 0
