"""A file sent as a download, under a name any browser shows right, Chinese included."""

import re
import urllib.parse

from django.http import HttpResponse


def content_disposition(filename: str, *, fallback: str = "") -> str:
    """An ``attachment`` header for ``filename``: an ASCII ``filename`` for old clients and the real
    name, in UTF-8, as RFC 5987's ``filename*``, which browsers prefer (RFC 6266).

    The ASCII name is ``fallback`` when given (e.g. ``results-2026-12.xlsx`` beside
    ``示范镇2026年12月考核结果.xlsx``), else ``filename``; either way a character outside printable
    ASCII, a quote or a backslash in it becomes ``_``. A slash, a backslash or a control character (from a unit's
    or a campaign's name, say) becomes ``_`` in both names, so the name stays one file name."""
    filename = re.sub(r"[\x00-\x1f\x7f/\\]", "_", filename)
    ascii_name = re.sub(r'[^\x20-\x7e]|["/\\]', "_", fallback or filename)
    quoted = urllib.parse.quote(filename, safe="")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quoted}"


def download_response(data: bytes, filename: str, content_type: str, *, fallback: str = "") -> HttpResponse:
    """``data`` as a download named ``filename`` (``fallback``: the ASCII name for old clients)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    return response
