"""Access rules that the scope layer cannot express yet.

Some data carries no unit, so it cannot be cut to a subtree: audit events, and an Excel import,
which may name any unit in the file (``kaohe.org.excel.import_workbook`` does not check the actor's
scope). Only a holder of the role over a whole tree (a top-level unit) may use those.
TODO: move into ``kaohe.accounts.scope`` once the scope layer's owner agrees on the rule.
"""

from django.core.exceptions import PermissionDenied

from kaohe.accounts.scope import require_role, units_for_user


def require_role_over_a_whole_tree(user, role: str) -> None:
    """403 unless ``user`` holds ``role`` over a top-level unit."""
    require_role(user, role)
    if not units_for_user(user, [role]).filter(parent__isnull=True).exists():
        raise PermissionDenied
