"""The audit trail cut to an inspector's subtree: each event carries the unit of its object; an
inspector of a unit reads that subtree's events, one over a top-level unit also those of no unit."""

import pytest
from django.test import Client

from kaohe.accounts.services import create_api_token
from kaohe.audit import chain
from kaohe.audit.models import Event
from kaohe.audit.services import unit_id_of
from kaohe.org import services

from ..conftest import make_user


@pytest.fixture
def events(org):
    """One event in unit A's subtree, one in unit B, one of no unit."""
    Event.objects.all().delete()
    office = org.users["office"]
    services.create_unit(actor=office, code="A9", name="甲子科", kind="department", parent=org.unit_a)
    services.update_person(actor=office, person=org.b1, name="王三丰")
    create_api_token(actor=office, user=org.users["staff"], name="机器人令牌")
    return {e.object_type: e for e in Event.objects.all()}


def test_each_event_carries_the_unit_of_its_object(org, events):
    assert set(events) == {"org.unit", "org.person", "accounts.apitoken"}
    assert events["org.unit"].unit_id == int(events["org.unit"].object_id)  # a unit is its own
    assert events["org.person"].unit_id == org.unit_b.pk
    assert events["accounts.apitoken"].unit_id is None


def test_unit_of_follows_person_and_period_but_not_reverse_relations(org):
    from kaohe.worklog.models import WorkLog

    assert unit_id_of(org.unit_a) == org.unit_a.pk
    assert unit_id_of(org.a2) == org.unit_a.pk
    assert unit_id_of(WorkLog(person=org.b1)) == org.unit_b.pk
    assert (
        unit_id_of(org.users["office"]) is None
    )  # an account: no unit (its reverse "person" is not a column)
    assert unit_id_of(None) is None


def _seen(client) -> str:
    response = client.get("/audit/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_inspector_of_a_unit_reads_only_that_subtree(org, events):
    client = Client()
    client.force_login(make_user("inspector_a", "inspector", org.unit_a))
    page = _seen(client)
    assert "甲子科" in page
    assert "王三丰" not in page and "机器人令牌" not in page


def test_an_inspector_over_the_top_unit_reads_everything(org, login, events):
    page = _seen(login("inspector"))
    assert "甲子科" in page and "王三丰" in page and "机器人令牌" in page
    assert "<td>财政所</td>" in page  # the unit column of the person's event


def test_other_roles_are_refused(org, login, events):
    for role in ("office", "leader", "reviewer", "staff"):
        assert login(role).get("/audit/").status_code == 403, role


def test_the_unit_is_sealed_into_the_chain(org, events):
    assert chain.seal_all() == 3
    assert chain.verify().ok
    moved = Event.objects.get(object_type="org.unit")  # in unit A's subtree
    Event.objects.filter(pk=moved.pk).update(unit_id=org.unit_b.pk)  # hide it from unit A's inspector
    report = chain.verify()
    assert not report.ok and report.first_bad.event_id == moved.pk


def test_an_event_without_a_unit_hashes_as_before_units_existed(org, events):
    chain.seal_all()
    token = Event.objects.get(object_type="accounts.apitoken")
    values = Event.objects.filter(pk=token.pk).values(*chain.HASHED_FIELDS).get()  # no unit_id at all
    assert chain.event_hash(token.prev_hash, values) == token.hash
