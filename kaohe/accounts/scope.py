"""The one place where access is decided.

Every page and API endpoint asks this module: ``require_role`` refuses an action the user's roles do
not allow (403), and the ``*_for_user`` selectors return only objects inside the subtrees where the
user holds a role, so an object outside them is simply not found (404).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from kaohe.org.models import Person, Unit, in_subtree

from .models import Role, RoleGrant

ALL_ROLES = frozenset(Role.values)


@dataclass(frozen=True)
class Scope:
    """The roles a user holds and the unit subtrees (by materialised path) each role covers."""

    user_id: int | None
    grants: tuple[tuple[str, str], ...]  # (role, unit path)
    superuser: bool = False

    @property
    def roles(self) -> frozenset[str]:
        return ALL_ROLES if self.superuser else frozenset(role for role, _ in self.grants)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def paths(self, roles: Iterable[str] | None = None) -> list[str]:
        """Subtree roots for ``roles`` (all roles if None), with nested roots folded away."""
        wanted = set(roles) if roles is not None else None
        chosen = sorted({p for r, p in self.grants if wanted is None or r in wanted})
        roots: list[str] = []
        for path in chosen:
            if not any(path.startswith(root) for root in roots):
                roots.append(path)
        return roots

    def _unit_q(self, prefix: str, roles: Iterable[str] | None) -> Q:
        if self.superuser:
            return Q()
        paths = self.paths(roles)
        if not paths:
            return Q(pk__in=[])
        q = Q()
        for path in paths:
            q |= in_subtree(path, via=prefix.removesuffix("__"))
        return q

    def units(self, roles: Iterable[str] | None = None) -> QuerySet[Unit]:
        return Unit.objects.filter(self._unit_q("", roles))

    def people(self, roles: Iterable[str] | None = None) -> QuerySet[Person]:
        return Person.objects.filter(self._unit_q("unit__", roles))

    def covers_unit(self, unit: Unit, roles: Iterable[str] | None = None) -> bool:
        return self.superuser or any(unit.path.startswith(p) for p in self.paths(roles))


ANONYMOUS = Scope(user_id=None, grants=())


def scope_for(user) -> Scope:
    """The user's scope, computed once per request and kept on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_kaohe_scope", None)
    if cached is not None:
        return cached
    grants = tuple(RoleGrant.objects.filter(user=user).values_list("role", "unit__path"))
    scope = Scope(user_id=user.pk, grants=grants, superuser=user.is_superuser)
    user._kaohe_scope = scope
    return scope


def require_role(user, *roles: str) -> Scope:
    """The user's scope if they hold one of ``roles``; otherwise PermissionDenied (403)."""
    scope = scope_for(user)
    if not scope.has_role(*roles):
        raise PermissionDenied
    return scope


def units_for_user(user, roles: Iterable[str] | None = None) -> QuerySet[Unit]:
    return scope_for(user).units(roles)


def people_for_user(user, roles: Iterable[str] | None = None) -> QuerySet[Person]:
    return scope_for(user).people(roles)


def get_unit_for_user(user, pk, roles: Iterable[str] | None = None) -> Unit:
    try:
        return units_for_user(user, roles).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def unit_or_first_for_user(user, pk, roles: Iterable[str] | None = None) -> Unit:
    """The unit ``pk`` of the user's scope (404 outside it) or, without ``pk``, the scope's first
    unit by path — the unit a page shows before one is chosen; PermissionDenied for an empty scope."""
    if pk:
        return get_unit_for_user(user, pk, roles)
    unit = units_for_user(user, roles).order_by("path").first()
    if unit is None:
        raise PermissionDenied
    return unit


def get_person_for_user(user, pk, roles: Iterable[str] | None = None) -> Person:
    try:
        return people_for_user(user, roles).select_related("unit", "position", "reviewer", "user").get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
