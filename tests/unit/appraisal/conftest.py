"""Messages are asserted in their source language (English); the zh-hans catalogue is tested apart."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield
