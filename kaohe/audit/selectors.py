"""Reads of the audit trail."""

from django.db.models import Q, QuerySet

from kaohe.accounts.models import Role
from kaohe.accounts.scope import require_role, units_for_user

from .models import Event


def events_for_user(user) -> QuerySet[Event]:
    """The events an inspector may read: those of the units in the subtrees of their grants; the
    events of no unit (accounts, tokens, the system's own) only with a grant over a top-level unit.
    403 without the inspector's role."""
    require_role(user, Role.INSPECTOR)
    units = units_for_user(user, [Role.INSPECTOR])
    in_scope = Q(unit_id__in=units.values("pk"))
    if units.filter(parent__isnull=True).exists():
        in_scope |= Q(unit_id__isnull=True)
    return Event.objects.filter(in_scope)
