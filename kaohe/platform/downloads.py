"""A file sent as a download, under a name any browser shows right, Chinese included."""

import re
import urllib.parse

from django.http import HttpResponse


def content_disposition(filename: str) -> str:
    """An ``attachment`` header for ``filename``: an ASCII ``filename`` for old clients and the real
    name, in UTF-8, as RFC 5987's ``filename*``, which browsers prefer (RFC 6266)."""
    fallback = re.sub(r'[^\x20-\x7e]|["\\]', "_", filename)
    quoted = urllib.parse.quote(filename, safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quoted}"


def download_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    """``data`` as a download named ``filename``."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response
