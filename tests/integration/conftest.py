"""Fixtures for page and API tests: a second organisation that nobody in ``org`` may see, and
clients logged in as each role of ``org``."""

import pytest
from django.test import Client

from tests.conftest import make_person, make_unit


@pytest.fixture
def elsewhere(org):
    """A separate root unit with one person: outside every role grant of ``org``."""
    unit = make_unit("Z", "另一镇", kind="township")
    person = make_person("Z001", "赵外", unit)
    return unit, person


@pytest.fixture
def login(org):
    """``login(role)`` → a test client with that role's account logged in (None: anonymous)."""

    def _login(role: str | None) -> Client:
        client = Client()
        if role is not None:
            client.force_login(org.users[role])  # axes wants a request; logging in is tested apart
        return client

    return _login
