"""Template context shared by every page: the user's roles, for the menu."""

from kaohe.accounts.scope import scope_for


def navigation(request):
    user = getattr(request, "user", None)
    scope = scope_for(user)
    return {"user_roles": scope.roles}
