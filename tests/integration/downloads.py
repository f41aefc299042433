"""Reading a download's names back from its Content-Disposition header, for the pages' tests."""

import urllib.parse


def download_name(response) -> tuple[str, str]:
    """The (ASCII fallback, real) names of a download, checking the header's form on the way."""
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="'), header
    fallback, encoded = header.removeprefix('attachment; filename="').split("\"; filename*=UTF-8''")
    return fallback, urllib.parse.unquote(encoded)
