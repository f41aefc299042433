"""Accounts, role grants, passwords and API tokens: audited, and secrets never stored or recorded."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import RequestFactory
from django.utils import timezone, translation

from kaohe.accounts import services
from kaohe.accounts.models import ApiToken, hash_token
from kaohe.accounts.scope import scope_for
from kaohe.audit.models import Event
from tests.conftest import make_person

User = get_user_model()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def all_event_text() -> str:
    return json.dumps(list(Event.objects.values("before", "after", "object_repr")), ensure_ascii=False)


def login_ok(username, password) -> bool:
    return authenticate(RequestFactory().post("/login/"), username=username, password=password) is not None


def test_an_account_is_created_for_a_person_and_can_log_in(org):
    person = make_person("A003", "赵四", org.unit_a)
    user = services.create_account(
        actor=org.users["office"], person=person, username="zhaosi", password="Long-enough-42"
    )
    person.refresh_from_db()
    assert person.user == user
    assert login_ok("zhaosi", "Long-enough-42")
    event = Event.objects.get(action="accounts.account.create")
    assert event.after["person_id"] == person.pk and event.actor_id == org.users["office"].pk
    assert "Long-enough-42" not in all_event_text()


def test_an_account_without_password_cannot_log_in(org):
    person = make_person("A003", "赵四", org.unit_a)
    user = services.create_account(actor=None, person=person, username="zhaosi")
    assert not user.has_usable_password()


def test_a_person_has_at_most_one_account(org):
    with pytest.raises(ValidationError) as exc:
        services.create_account(actor=None, person=org.a1, username="another")
    assert "person" in exc.value.message_dict
    assert not User.objects.filter(username="another").exists()


def test_a_taken_username_is_refused(org):
    person = make_person("A003", "赵四", org.unit_a)
    with pytest.raises(ValidationError) as exc:
        services.create_account(actor=None, person=person, username="office")
    assert "username" in exc.value.message_dict


def test_a_weak_password_is_refused_on_the_password_field(org):
    person = make_person("A003", "赵四", org.unit_a)
    with pytest.raises(ValidationError) as exc:
        services.create_account(actor=None, person=person, username="zhaosi", password="short")
    assert "password" in exc.value.message_dict
    assert not User.objects.filter(username="zhaosi").exists()


def test_set_password_changes_it_and_records_no_secret(org):
    user = org.users["staff"]
    services.set_password(actor=org.users["office"], user=user, password="A-new-password-7")
    assert login_ok("staff_a", "A-new-password-7")
    assert Event.objects.filter(action="accounts.account.set_password", object_id=str(user.pk)).exists()
    assert "A-new-password-7" not in all_event_text()


def test_a_disabled_account_cannot_log_in(org):
    services.set_active(actor=None, user=org.users["staff"], active=False)
    assert not login_ok("staff_a", "correct-horse-battery")
    assert Event.objects.filter(action="accounts.account.set_active").count() == 1


def test_linking_an_existing_account_to_a_person(org):
    person = make_person("A003", "赵四", org.unit_a)
    orphan = User.objects.create_user("orphan")
    services.link_account(actor=None, person=person, user=orphan)
    person.refresh_from_db()
    assert person.user == orphan
    other = make_person("A004", "钱五", org.unit_a)
    with pytest.raises(ValidationError) as exc:
        services.link_account(actor=None, person=other, user=orphan)
    assert "user" in exc.value.message_dict


def test_granting_and_revoking_a_role_changes_the_scope(org):
    user = org.users["outsider"]
    grant = services.grant_role(actor=org.users["office"], user=user, role="reviewer", unit=org.unit_b)
    assert scope_for(User.objects.get(pk=user.pk)).has_role("reviewer")
    with pytest.raises(ValidationError):
        services.grant_role(actor=None, user=user, role="reviewer", unit=org.unit_b)
    services.revoke_role(actor=org.users["office"], grant=grant)
    assert not scope_for(User.objects.get(pk=user.pk)).has_role("reviewer")
    assert Event.objects.filter(action="accounts.grant.create").count() == 1
    assert Event.objects.get(action="accounts.grant.delete").before["role"] == "reviewer"


def test_an_unknown_role_is_refused(org):
    with pytest.raises(ValidationError) as exc:
        services.grant_role(actor=None, user=org.users["staff"], role="emperor", unit=org.root)
    assert "role" in exc.value.message_dict


def test_an_api_token_is_shown_once_and_only_its_digest_is_stored(org):
    token, raw = services.create_api_token(actor=None, user=org.users["office"], name="HR sync")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hash_token(raw) and raw not in stored.digest
    assert raw.startswith(stored.prefix)
    assert raw not in all_event_text() and stored.digest not in all_event_text()
    assert services.user_for_token(raw) == org.users["office"]
    assert ApiToken.objects.get(pk=token.pk).last_used is not None


def test_a_tokens_last_use_is_written_at_most_once_a_minute(org):
    token, raw = services.create_api_token(actor=None, user=org.users["office"], name="bot")
    services.user_for_token(raw)
    first = ApiToken.objects.get(pk=token.pk).last_used
    services.user_for_token(raw)  # within the minute: no write on every request
    assert ApiToken.objects.get(pk=token.pk).last_used == first
    ApiToken.objects.filter(pk=token.pk).update(last_used=first - timedelta(minutes=2))
    services.user_for_token(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used > first


def test_a_token_read_brings_the_accounts_active_person_and_unit(org, django_assert_num_queries):
    from kaohe.worklog.selectors import own_person

    _t, raw = services.create_api_token(actor=None, user=org.users["staff"], name="bot")
    user = services.user_for_token(raw)
    with django_assert_num_queries(0):
        person = own_person(user)
        assert person == org.a2 and person.unit == org.unit_a
    org.a2.active = False
    org.a2.save()
    assert own_person(services.user_for_token(raw)) is None  # as own_person's own read says
    _t, raw = services.create_api_token(actor=None, user=org.users["office"], name="hr")
    assert own_person(services.user_for_token(raw)) is None  # an account without a person


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's commit setting")
def test_only_a_token_read_alone_commits_without_waiting_and_only_when_it_noted_a_use(org):
    token, raw = services.create_api_token(actor=None, user=org.users["office"], name="bot")
    # inside a transaction (every test is): the transaction's commit must stay synchronous
    assert services.user_for_token(raw) == org.users["office"]
    assert ApiToken.objects.get(pk=token.pk).last_used is not None
    assert _synchronous_commit() == "on"
    # the variant for a statement that is its own transaction, run here inside a savepoint to look
    sql, _converters = services._token_query(connection, alone=True)
    now = timezone.now()
    for last_used, expected in [(now, "on"), (now - timedelta(minutes=5), "off")]:
        ApiToken.objects.filter(pk=token.pk).update(last_used=last_used)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [now, hash_token(raw), now, now - timedelta(minutes=1), hash_token(raw)])
                assert cursor.fetchall()
            assert _synchronous_commit() == expected
            transaction.set_rollback(True)


def test_two_tokens_are_different(org):
    _t1, raw1 = services.create_api_token(actor=None, user=org.users["office"], name="a")
    _t2, raw2 = services.create_api_token(actor=None, user=org.users["office"], name="b")
    assert raw1 != raw2


def test_a_revoked_token_no_longer_authenticates(org):
    token, raw = services.create_api_token(actor=None, user=org.users["office"], name="HR sync")
    services.revoke_api_token(actor=org.users["office"], token=token)
    assert services.user_for_token(raw) is None
    assert Event.objects.filter(action="accounts.token.revoke").count() == 1


def test_an_expired_or_unknown_token_does_not_authenticate(org):
    _token, raw = services.create_api_token(
        actor=None, user=org.users["office"], name="old", expires=timezone.now() - timedelta(minutes=1)
    )
    assert services.user_for_token(raw) is None
    assert services.user_for_token("kh_not-a-token") is None
    assert services.user_for_token("") is None
