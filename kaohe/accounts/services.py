"""Writes of the accounts domain: accounts for people, role grants, passwords and API tokens.

Keyword-only, one transaction each, each with its audit event in the same transaction. Secrets
never reach the audit trail: passwords are not recorded at all, tokens only by name and prefix.
"""

import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.audit.services import record, snapshot
from kaohe.db import prepared_cursor
from kaohe.org.models import Person, Unit

from .models import ApiToken, Role, RoleGrant, hash_token
from .scope import Scope

USER_FIELDS = ["id", "username", "is_active", "is_staff", "is_superuser"]
TOKEN_FIELDS = ["id", "user", "name", "prefix", "created", "expires", "revoked"]
TOKEN_PREFIX = "kh_"
LAST_USED_RESOLUTION = timedelta(minutes=1)  # how often a token's last use is written


def _check_password(password: str, user) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None


def _refuse_second_account(person: Person) -> None:
    if person.user_id is not None:
        raise ValidationError(
            {
                "person": _("%(person)s already has the account %(username)s.")
                % {"person": person, "username": person.user}
            }
        )


def _give_account(*, actor, person: Person, user, action: str, after: dict):
    """Make ``user`` the account of ``person`` and record it (creating and linking both end here)."""
    person.user = user
    person.save(update_fields=["user"])
    record(actor=actor, action=action, obj=user, after=after)
    return user


def _set_flag(obj, field: str, value: bool, *, actor, action: str, fields: list[str]):
    """Set one boolean field of ``obj`` (no-op when it already has ``value``) and record the change."""
    if getattr(obj, field) == value:
        return obj
    before = snapshot(obj, fields)
    setattr(obj, field, value)
    obj.save(update_fields=[field])
    record(actor=actor, action=action, obj=obj, before=before, after=snapshot(obj, fields))
    return obj


@transaction.atomic
def create_account(*, actor, person: Person, username: str, password: str | None = None):
    """Create the login account of ``person``. Without a password the account cannot log in until
    one is set (:func:`set_password`). Roles are granted separately (:func:`grant_role`)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    _refuse_second_account(person)
    user = get_user_model()(username=username)
    user.full_clean(exclude=["password"])
    if password is None:
        user.set_unusable_password()
    else:
        _check_password(password, user)
        user.set_password(password)
    user.save()
    after = {**snapshot(user, USER_FIELDS), "person_id": person.pk, "password_set": password is not None}
    return _give_account(actor=actor, person=person, user=user, action="accounts.account.create", after=after)


@transaction.atomic
def link_account(*, actor, person: Person, user):
    """Make an existing account (one that belongs to nobody yet) the account of ``person``."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id == user.pk:
        return user
    _refuse_second_account(person)
    other = Person.objects.filter(user=user).first()
    if other is not None:
        raise ValidationError(
            {
                "user": _("The account %(username)s belongs to %(person)s.")
                % {"username": user, "person": other}
            }
        )
    after = {"user_id": user.pk, "person_id": person.pk}
    return _give_account(actor=actor, person=person, user=user, action="accounts.account.link", after=after)


@transaction.atomic
def set_password(*, actor, user, password: str) -> None:
    """Set a new password, checked against the password rules; the password is not recorded."""
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor=actor, action="accounts.account.set_password", obj=user)


@transaction.atomic
def set_active(*, actor, user, active: bool):
    """Enable or disable an account (a disabled account cannot log in, and cannot review)."""
    action = "accounts.account.set_active"
    return _set_flag(user, "is_active", active, actor=actor, action=action, fields=USER_FIELDS)


@transaction.atomic
def grant_role(*, actor, user, role: str, unit: Unit) -> RoleGrant:
    """Give ``user`` the ``role`` over the subtree rooted at ``unit``."""
    grant = RoleGrant(user=user, role=role, unit=unit)
    grant.full_clean()
    grant.save()
    record(actor=actor, action="accounts.grant.create", obj=grant, after=snapshot(grant))
    return grant


@transaction.atomic
def revoke_role(*, actor, grant: RoleGrant) -> None:
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    record(actor=actor, action="accounts.grant.delete", obj=grant, before=snapshot(grant))
    grant.delete()


@transaction.atomic
def create_api_token(*, actor, user, name: str, expires: datetime | None = None) -> tuple[ApiToken, str]:
    """A new personal access token. Returns the token and its raw value, which is shown once and
    never stored: the database keeps only its SHA-256 digest and a short prefix to recognise it."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, expires=expires, prefix=raw[:8], digest=hash_token(raw))
    token.full_clean()
    token.save()
    record(actor=actor, action="accounts.token.create", obj=token, after=snapshot(token, TOKEN_FIELDS))
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    action = "accounts.token.revoke"
    return _set_flag(token, "revoked", True, actor=actor, action=action, fields=TOKEN_FIELDS)


def columns_and_converters(connection, model, alias: str) -> tuple[str, list]:
    """For hand-written reads of whole rows: ``alias.column, …`` of ``model``'s concrete fields and, per field, the converters the ORM
    applies to its values on this database (aware datetimes and booleans on SQLite, JSON …)."""
    qn = connection.ops.quote_name
    cols = [f.get_col(alias) for f in model._meta.concrete_fields]
    converters = [(connection.ops.get_db_converters(c) + c.get_db_converters(connection), c) for c in cols]
    return ", ".join(f"{qn(alias)}.{qn(c.target.column)}" for c in cols), converters


def convert_row(connection, values, converters: list) -> list:
    """``values`` of one row as the ORM would give them (see :func:`columns_and_converters`)."""
    out = list(values)
    for i, (funcs, col) in enumerate(converters):
        for func in funcs:
            out[i] = func(out[i], col, connection)
    return out


def person_with_unit(connection, values, person_conv: list, unit_conv: list) -> Person:
    """A Person with its unit cached, as ``select_related("unit")`` gives it, from the values of
    its columns followed by its unit's (see :func:`columns_and_converters`)."""
    n = len(person_conv)
    person = Person.from_db(
        connection.alias,
        [f.attname for f in Person._meta.concrete_fields],
        convert_row(connection, values[:n], person_conv),
    )
    unit = Unit.from_db(
        connection.alias,
        [f.attname for f in Unit._meta.concrete_fields],
        convert_row(connection, values[n : n + len(unit_conv)], unit_conv),
    )
    Person._meta.get_field("unit").set_cached_value(person, unit)
    return person


_LAST_USED_SQL = 'UPDATE {table} SET "last_used" = %s WHERE "id" = %s'
_TOKEN_QUERIES: dict[tuple[str, bool], tuple[str, list[list]]] = {}
UNREAD = object()


def _token_query(connection, alone: bool) -> tuple[str, list[list]]:
    """One statement for the token, its account, the account's active person record with its unit,
    and the account's role grants (one row per grant), built once per database vendor: the hottest
    read of every API call. Returns the SQL and the converters of the four models' columns.

    ``alone``: the statement is its own transaction (not inside an outer one). On PostgreSQL its
    commit then does not wait for the disk when it noted a use (``synchronous_commit`` off for that
    transaction only): the note is bookkeeping, and a crash that loses the last fraction of a second
    of such notes loses nothing else. A transaction that writes anything more commits as usual."""
    found = _TOKEN_QUERIES.get((connection.vendor, alone))
    if found is None:
        qn = connection.ops.quote_name
        user_model = get_user_model()
        token_cols, token_conv = columns_and_converters(connection, ApiToken, "t")
        user_cols, user_conv = columns_and_converters(connection, user_model, "u")
        person_cols, person_conv = columns_and_converters(connection, Person, "p")
        unit_cols, unit_conv = columns_and_converters(connection, Unit, "pu")
        user_pk = f"u.{qn(user_model._meta.pk.column)}"
        sql = (
            f"SELECT {token_cols}, {user_cols}, {person_cols}, {unit_cols}, g.{qn('role')}, gu.{qn('path')} "
            f"FROM {qn(ApiToken._meta.db_table)} t "
            f"INNER JOIN {qn(user_model._meta.db_table)} u ON {user_pk} = t.{qn('user_id')} "
            f"LEFT JOIN {qn(Person._meta.db_table)} p ON p.{qn('user_id')} = {user_pk} AND p.{qn('active')} "
            f"LEFT JOIN {qn(Unit._meta.db_table)} pu ON pu.{qn('id')} = p.{qn('unit_id')} "
            f"LEFT JOIN {qn(RoleGrant._meta.db_table)} g ON g.{qn('user_id')} = {user_pk} "
            f"LEFT JOIN {qn(Unit._meta.db_table)} gu ON gu.{qn('id')} = g.{qn('unit_id')} "
            f"WHERE t.{qn('digest')} = %s"
        )
        if connection.vendor == "postgresql":
            # the last_used bookkeeping in the same statement (and commit) as the read: a data-modifying
            # WITH, on the same conditions as the separate UPDATE that other databases run
            table = qn(ApiToken._meta.db_table)
            sql = (
                f"WITH touched AS (UPDATE {table} SET {qn('last_used')} = %s "
                f"WHERE {qn('digest')} = %s AND NOT {qn('revoked')} "
                f"AND ({qn('expires')} IS NULL OR {qn('expires')} > %s) "
                f"AND ({qn('last_used')} IS NULL OR {qn('last_used')} <= %s) "
                f"AND EXISTS (SELECT 1 FROM {qn(user_model._meta.db_table)} a "
                f"WHERE a.{qn(user_model._meta.pk.column)} = {table}.{qn('user_id')} AND a.{qn('is_active')})"
                # evaluated for the updated row only, and for this transaction only
                + (" RETURNING set_config('synchronous_commit', 'off', true)" if alone else "")
                + ") "
                + sql
            )
        converters = [token_conv, user_conv, person_conv, unit_conv]
        found = _TOKEN_QUERIES[(connection.vendor, alone)] = (sql, converters)
    return found


def user_for_token(raw: str):
    """The active account behind a raw token, or None if it is unknown, revoked or expired.

    Notes the time of use, to the minute (``LAST_USED_RESOLUTION``): that is bookkeeping, not an
    audited change, and writing it on every request would add a row update to every API call. On
    PostgreSQL the note is part of the read (one statement, one commit that does not wait for the
    disk, see :func:`_token_query`); elsewhere a separate UPDATE.

    The token, the account and the account's role grants come in one hand-written statement (the
    ORM spent more CPU building the three queries than the database answering them); the grants
    become the account's scope (``kaohe.accounts.scope.scope_for``), so that the request's access
    checks need not read them again.
    """
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    connection = connections[router.db_for_read(ApiToken)]  # bound once: the proxy costs a lookup per use
    sql, (token_conv, user_conv, person_conv, unit_conv) = _token_query(
        connection, alone=not connection.in_atomic_block
    )
    digest = hash_token(raw)
    now = timezone.now()
    touch = connection.vendor == "postgresql"  # last_used is written by the read itself (see _token_query)
    if touch:
        stamp = connection.ops.adapt_datetimefield_value(now)
        params = [stamp, digest, stamp, connection.ops.adapt_datetimefield_value(now - LAST_USED_RESOLUTION)]
    else:
        params = []
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, [*params, digest])
        rows = cursor.fetchall()
    if not rows:
        return None
    n_token = len(token_conv)
    first = rows[0]
    token = ApiToken.from_db(
        connection.alias,
        [f.attname for f in ApiToken._meta.concrete_fields],
        convert_row(connection, first[:n_token], token_conv),
    )
    if token.revoked or (token.expires is not None and token.expires <= now):
        return None
    user_model = get_user_model()
    user = user_model.from_db(
        connection.alias,
        [f.attname for f in user_model._meta.concrete_fields],
        convert_row(connection, first[n_token : n_token + len(user_conv)], user_conv),
    )
    if not user.is_active:
        return None
    if not touch and (token.last_used is None or now - token.last_used >= LAST_USED_RESOLUTION):
        with connection.cursor() as cursor:
            cursor.execute(
                _LAST_USED_SQL.format(table=connection.ops.quote_name(ApiToken._meta.db_table)),
                [connection.ops.adapt_datetimefield_value(now), token.pk],
            )
    grants = tuple((row[-2], row[-1]) for row in rows if row[-2] is not None)
    user._kaohe_scope = Scope(user_id=user.pk, grants=grants, superuser=user.is_superuser)  # type: ignore[attr-defined]
    start = n_token + len(user_conv)
    person = None
    if first[start] is not None:
        person = person_with_unit(connection, first[start:], person_conv, unit_conv)
    user._kaohe_person = person  # type: ignore[attr-defined]  # read by own_person (kaohe.worklog.selectors)
    return user


__all__ = [
    "Role",
    "create_account",
    "create_api_token",
    "grant_role",
    "link_account",
    "revoke_api_token",
    "revoke_role",
    "set_active",
    "set_password",
    "user_for_token",
]
