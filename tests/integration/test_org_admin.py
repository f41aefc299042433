"""The admin screens: saves go through the services (validated and audited); the audit trail is
read-only there."""

import pytest
from django.test import Client

from kaohe.accounts.models import ApiToken, RoleGrant
from kaohe.audit.models import Event
from kaohe.org.models import Person, Unit
from tests.conftest import make_user


@pytest.fixture
def admin_client(org):
    client = Client()
    user = make_user("root", superuser=True)
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def unit_form(**over):
    data = {
        "code": "NEW",
        "name": "新单位",
        "kind": "department",
        "parent": "",
        "sort_order": "0",
        "supervisor": "",
        "positions-TOTAL_FORMS": "0",
        "positions-INITIAL_FORMS": "0",
    }
    data.update(over)
    return data


def test_adding_a_unit_in_the_admin_is_audited(admin_client, org):
    response = admin_client.post("/admin/org/unit/add/", unit_form(parent=str(org.root.pk)))
    assert response.status_code == 302, response.content[:2000]
    unit = Unit.objects.get(code="NEW")
    assert unit.path.startswith(org.root.path)
    event = Event.objects.get(action="org.unit.create", object_id=str(unit.pk))
    assert event.actor_label == "root"


def test_the_admin_shows_a_cycle_as_a_form_error_and_changes_nothing(admin_client, org):
    events = Event.objects.count()
    data = unit_form(code="T", name="示范镇", kind="township", parent=str(org.unit_a.pk))
    response = admin_client.post(f"/admin/org/unit/{org.root.pk}/change/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "党政办" in errors["parent"][0] and "示范镇" in errors["parent"][0]  # the loop is named
    assert Unit.objects.get(pk=org.root.pk).parent is None
    assert Event.objects.count() == events


def test_the_admin_refuses_a_reviewer_outside_scope(admin_client, org):
    b1 = org.b1
    data = {
        "staff_no": b1.staff_no,
        "name": b1.name,
        "gender": "",
        "birth_date": "",
        "active": "on",
        "unit": str(b1.unit_id),
        "position": "",
        "identity": b1.identity,
        "staffing": b1.staffing,
        "post_type": b1.post_type,
        "post_level": b1.post_level,
        "start_date": "2020-01-01",
        "reviewer": str(org.a1.pk),
        "leaves-TOTAL_FORMS": "0",
        "leaves-INITIAL_FORMS": "0",
        "secondments-TOTAL_FORMS": "0",
        "secondments-INITIAL_FORMS": "0",
    }
    response = admin_client.post(f"/admin/org/person/{b1.pk}/change/", data)
    assert response.status_code == 200
    assert "财政所" in response.context["adminform"].form.errors["reviewer"][0]  # the unit out of scope
    assert Person.objects.get(pk=b1.pk).reviewer is None
    data["reviewer"] = ""
    data["name"] = "王叁"
    assert admin_client.post(f"/admin/org/person/{b1.pk}/change/", data).status_code == 302
    assert Event.objects.get(action="org.person.update").after["name"] == "王叁"


def test_audit_events_are_read_only_in_the_admin(admin_client, org):
    Event.objects.create(action="x")
    event = Event.objects.first()
    assert admin_client.get("/admin/audit/event/").status_code == 200
    assert admin_client.get("/admin/audit/event/add/").status_code == 403
    assert admin_client.get(f"/admin/audit/event/{event.pk}/delete/").status_code == 403
    assert admin_client.post(f"/admin/audit/event/{event.pk}/change/", {"action": "y"}).status_code == 403
    assert Event.objects.get(pk=event.pk).action == "x"


def test_a_token_made_in_the_admin_is_shown_once_and_its_digest_never(admin_client, org):
    response = admin_client.post(
        "/admin/accounts/apitoken/add/",
        {"user": str(org.users["office"].pk), "name": "sync", "expires": ""},
        follow=True,
    )
    token = ApiToken.objects.get(name="sync")
    page = response.content.decode()
    assert "kh_" in page and token.digest not in page
    page = admin_client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert token.digest not in page
    assert Event.objects.filter(action="accounts.token.create").exists()


def test_role_grants_made_in_the_admin_are_audited(admin_client, org):
    response = admin_client.post(
        "/admin/accounts/rolegrant/add/",
        {"user": str(org.users["outsider"].pk), "role": "reviewer", "unit": str(org.unit_b.pk)},
    )
    assert response.status_code == 302
    assert RoleGrant.objects.filter(user=org.users["outsider"], role="reviewer").exists()
    assert Event.objects.filter(action="accounts.grant.create").count() == 1
