"""Ballot tests match messages in English, whatever the Chinese catalogue holds: the language is
overridden for service calls, and every test client carries the English language cookie that the
language switch would set."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _english(client: Client) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def client():
    return _english(Client())


@pytest.fixture
def login(org):
    def _login(role):
        client = _english(Client())
        if role is not None:
            client.force_login(org.users[role])
        return client

    return _login
