"""Access rules that the scope layer cannot express yet.

Audit events carry no unit, so they cannot be cut to a subtree: only a holder of the role over a
whole tree (a top-level unit) may read them. (The Excel import checks scope row by row itself.)
"""

from django.core.exceptions import PermissionDenied

from kaohe.accounts.scope import require_role, units_for_user


def require_role_over_a_whole_tree(user, role: str) -> None:
    """403 unless ``user`` holds ``role`` over a top-level unit."""
    require_role(user, role)
    if not units_for_user(user, [role]).filter(parent__isnull=True).exists():
        raise PermissionDenied
