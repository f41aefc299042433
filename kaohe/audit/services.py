"""Writing to the audit trail. Every service that changes data calls :func:`record` inside its own
transaction, so the event and the change commit or roll back together."""

import json
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.signals import post_save, pre_save

from .models import Event


def to_json(value: Any) -> Any:
    """Plain JSON data exactly as the database will give it back (dates, decimals → strings)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


_INSERTS: dict[tuple[str, type], tuple[str, list]] = {}


def insert_plan(instance: models.Model) -> tuple[BaseDatabaseWrapper, str, list[models.Field]] | None:
    """The connection, the ``INSERT … RETURNING id`` statement and the fields (in the order of its
    parameters) that save the new ``instance`` as ``instance.save(force_insert=True)`` would; None
    when it must take the ordinary ``save``: a primary key already set, save signals listening, a
    parent model or a database without RETURNING. The statement is built once per model."""
    model = type(instance)
    meta = model._meta
    connection = connections[router.db_for_write(model, instance=instance)]
    if (
        instance.pk is not None
        or meta.parents
        or meta.auto_field is None
        or not connection.features.can_return_columns_from_insert
        or pre_save.has_listeners(model)
        or post_save.has_listeners(model)
    ):
        return None
    key = (connection.vendor, model)
    found = _INSERTS.get(key)
    if found is None:
        qn = connection.ops.quote_name
        fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
        found = _INSERTS[key] = (
            f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(str(f.column)) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {qn(str(meta.auto_field.column))}",
            fields,
        )
    return (connection, *found)


def insert_params(instance: models.Model, fields: list[models.Field], connection) -> list:
    """The values of ``fields`` as ``save`` sends them (``pre_save``, then ``get_db_prep_save``)."""
    return [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]


def inserted(instance: models.Model, pk: Any, connection) -> None:
    """Mark ``instance`` saved under ``pk``, as ``save`` does."""
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = connection.alias


def insert(instance: models.Model) -> None:
    """Save the new ``instance`` (no primary key yet) with one ``INSERT … RETURNING``, exactly as
    ``instance.save(force_insert=True)`` would, but with the statement built once per model instead
    of by the ORM's compiler on every call (a third of the CPU of a log written through the API).
    A model with save signals listening, a parent model or a database without RETURNING takes
    the ordinary ``save``."""
    plan = insert_plan(instance)
    if plan is None:
        instance.save(force_insert=True)
        return
    connection, sql, fields = plan
    with connection.cursor() as cursor:
        cursor.execute(sql, insert_params(instance, fields, connection))
        row = cursor.fetchone()
    inserted(instance, row[0], connection)


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``instance`` (foreign keys as ids), for before/after."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password"}:
            continue
        data[field.attname] = field.value_from_object(instance)
    return to_json(data)


UNIT_PATHS = ("unit", "person", "period", "campaign")


def unit_id_of(obj: models.Model | None) -> int | None:
    """The unit an event about ``obj`` belongs to, so that an inspector of a subtree reads its part
    of the trail: a unit is its own; otherwise the object's ``unit``, else the unit of its
    ``person``, ``period`` or ``campaign`` (the first such field it has; the services pass those
    objects already loaded). None for an object of no unit (an account, a token)."""
    if obj is None:
        return None
    meta = obj._meta
    if meta.label_lower == "org.unit":
        return obj.pk
    for name in UNIT_PATHS:
        try:
            field = meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not field.concrete:
            continue  # a reverse relation of that name, not a column of obj
        if name == "unit":
            return getattr(obj, field.attname)
        if getattr(obj, field.attname) is None:
            return None
        return unit_id_of(getattr(obj, name))
    return None


def event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: Any = None,
    after: Any = None,
) -> Event:
    """The event :func:`record` appends, not yet saved; its unit is that of ``obj`` (:func:`unit_id_of`)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    actor_id = getattr(actor, "pk", None)
    actor_label = getattr(actor, "username", "") or ("system" if actor is None else str(actor))
    return Event(
        actor_id=actor_id,
        actor_label=actor_label[:150],
        unit_id=unit_id_of(obj),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=to_json(before),
        after=to_json(after),
    )


def record(*, actor: Any, action: str, **what: Any) -> Event:
    """Append an event. ``actor`` is a user, or None for the system (jobs, the command line); ``what``
    are :func:`event`'s other keywords (``obj``, ``object_type``, ``object_id``, ``object_repr``,
    ``before``, ``after``), and the unit is that of ``obj``."""
    ev = event(actor=actor, action=action, **what)
    insert(ev)
    return ev
