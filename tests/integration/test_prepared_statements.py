"""kaohe.db.prepared_cursor: on PostgreSQL the hot statements are prepared once per connection and
behave exactly as through Django's own cursor; elsewhere it is Django's cursor."""

import pytest
from django.db import IntegrityError, connection, transaction

from kaohe.accounts.models import ApiToken
from kaohe.accounts.services import create_api_token, user_for_token
from kaohe.db import prepared_cursor
from kaohe.org.models import Unit

pytestmark = pytest.mark.django_db


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_token_read_is_prepared_once_and_reused(org):
    staff = org.users["staff"]
    _token, raw = create_api_token(actor=org.users["office"], user=staff, name="bot")
    assert user_for_token(raw) == staff
    token_statements = [s for s in _prepared() if "accounts_apitoken" in s]
    assert len(token_statements) == 1
    assert user_for_token(raw) == staff
    assert user_for_token("kh_unknown") is None
    assert [s for s in _prepared() if "accounts_apitoken" in s] == token_statements


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_prepared_errors_are_djangos_and_leave_the_transaction_usable(org):
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic(), prepared_cursor(connection) as cursor:
            cursor.execute(
                "INSERT INTO org_unit (id, code, name, kind, path, sort_order) "
                "SELECT id, code, name, kind, path, sort_order FROM org_unit WHERE id = %s",
                [org.unit_a.pk],
            )
        assert Unit.objects.filter(pk=org.unit_a.pk).exists()  # the outer transaction goes on


def test_reads_aware_datetimes_and_logs_the_query(org, django_assert_num_queries):
    token, _raw = create_api_token(actor=org.users["office"], user=org.users["staff"], name="bot")
    with django_assert_num_queries(1), prepared_cursor(connection) as cursor:
        cursor.execute("SELECT created FROM accounts_apitoken WHERE id = %s", [token.pk])
        (created,) = cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.execute("SELECT created FROM accounts_apitoken WHERE id = %s", [token.pk])
        assert cursor.fetchone() == (created,)  # as Django's own cursor reads it
    if connection.vendor == "postgresql":
        assert created == ApiToken.objects.get(pk=token.pk).created
        assert created.tzinfo is not None


def test_turned_off_it_is_djangos_own_cursor(org, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {})
    with prepared_cursor(connection) as cursor:
        assert type(cursor.cursor) is type(connection.cursor().cursor)
