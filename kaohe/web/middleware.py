"""The request chain's own parts.

Chinese first: the interface is zh-hans unless the user has chosen another language with the
switch (Django's ``set_language`` cookie). The browser's Accept-Language is deliberately ignored — a
township office PC with an English system locale must still show Chinese.

A token request — ``/api/…`` with ``Authorization: Bearer …`` — is authenticated by its token alone
(``kaohe.web.api.TokenAuth``), so the parts of the chain that serve cookie-authenticated browsers
step aside for it: no session is read or written, no CSRF token is checked (CSRF forges a request
that rides on a browser's cookies; a token request honours none), no messages are stored. The
account starts anonymous; a valid token replaces it. This is the path of every chat-bot and app
call, the hottest of the system, and those four parts cost it about a tenth of its CPU.
"""

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware as _AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware as _MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as _SessionMiddleware
from django.middleware.csrf import CsrfViewMiddleware as _CsrfViewMiddleware
from django.utils import translation

API_PREFIX = "/api/"


def is_token_request(request) -> bool:
    """An API request that names a bearer token (valid or not: the API judges it)."""
    return request.path_info.startswith(API_PREFIX) and request.META.get(
        "HTTP_AUTHORIZATION", ""
    ).lower().startswith("bearer ")


class TokenRequestMiddleware:
    """Marks a token request (see the module's doc) before the browser's parts of the chain."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_token_request(request):
            request.kaohe_token_request = True
            request.user = AnonymousUser()
            request._dont_enforce_csrf_checks = True  # read by Django's and Ninja's CSRF checks
        return self.get_response(request)


class _BrowserOnly:
    """A middleware of the browser's chain that passes a token request straight on."""

    def __call__(self, request):
        if getattr(request, "kaohe_token_request", False):
            return self.get_response(request)  # type: ignore[attr-defined]
        return super().__call__(request)  # type: ignore[misc]


class SessionMiddleware(_BrowserOnly, _SessionMiddleware):
    pass


class CsrfViewMiddleware(_BrowserOnly, _CsrfViewMiddleware):
    pass


class AuthenticationMiddleware(_BrowserOnly, _AuthenticationMiddleware):
    pass


class MessageMiddleware(_BrowserOnly, _MessageMiddleware):
    pass


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
