"""Writing to the audit trail. Every service that changes data calls :func:`record` inside its own
transaction, so the event and the change commit or roll back together."""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .models import Event


def to_json(value: Any) -> Any:
    """Plain JSON data exactly as the database will give it back (dates, decimals → strings)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


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


def record(
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
    """Append an event. ``actor`` is a user, or None for the system (jobs, the command line)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    actor_id = getattr(actor, "pk", None)
    actor_label = getattr(actor, "username", "") or ("system" if actor is None else str(actor))
    return Event.objects.create(
        actor_id=actor_id,
        actor_label=actor_label[:150],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=to_json(before),
        after=to_json(after),
    )
