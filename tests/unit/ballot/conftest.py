import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English, whatever the Chinese catalogue holds."""
    with translation.override("en"):
        yield
