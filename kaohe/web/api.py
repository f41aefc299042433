"""The JSON API at /api/ (Django Ninja), OpenAPI at /api/docs.

Two ways in: the browser session (with CSRF on unsafe methods) or a personal access token sent as
``Authorization: Bearer <token>``. Only the token's SHA-256 is stored, so a token is found by the
hash of what the client sent; revoked and expired tokens are refused.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from kaohe.accounts.services import user_for_token
from kaohe.appraisal.api import router as appraisal_router
from kaohe.appraisal.api_inputs import router as appraisal_inputs_router
from kaohe.appraisal.api_personal import router as personal_router
from kaohe.appraisal.records_api import router as records_router
from kaohe.ballot.api import router as ballot_router
from kaohe.org.api import router as org_router
from kaohe.worklog.api import router as worklog_router

MAX_TOKEN_LENGTH = 200


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if len(token) > MAX_TOKEN_LENGTH or "\x00" in token:
            return None
        user = user_for_token(token)  # refuses unknown, revoked and expired tokens; notes last use
        if user is not None:
            request.user = user  # the scope layer reads request.user, as for a session
        return user


api = NinjaAPI(
    title="Kaohe API",
    version="1",
    description="Organisation data of Kaohe (考核). Every answer is limited to the caller's scope.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    """An action outside the caller's roles is a 403 in every mode. (Without this, Ninja answers
    500 with a traceback while DEBUG is on, as in the demo.)"""
    return api.create_response(request, {"detail": _("You do not have permission to do this.")}, status=403)


api.add_router("/", org_router)
api.add_router("/", worklog_router)
api.add_router("/ballots/", ballot_router)
api.add_router("/appraisal/", appraisal_router)
api.add_router("/", records_router)
api.add_router("/appraisal/", appraisal_inputs_router)
api.add_router("/appraisal/", personal_router)
