"""Attachment checks: size and type are judged by the bytes, not by the file's name."""

import hashlib
import zipfile
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_FILES = 5


def max_bytes() -> int:
    return int(getattr(settings, "KAOHE_WORKLOG_ATTACHMENT_BYTES", 5 * 1024 * 1024))


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes
    sha256: str


def sniff(data: bytes) -> str | None:
    """The content type of ``data`` among those a log may carry (photos, PDF, Word, Excel), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def check_upload(upload) -> CheckedFile:
    """Read an uploaded file (anything with ``name``, ``size`` and ``read``) and check it."""
    name = (getattr(upload, "name", "") or "file")[-200:]
    limit = max_bytes()
    if getattr(upload, "size", 0) > limit:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s MB.") % {"name": name, "limit": round(limit / 1048576, 1)},
            code="too_large",
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s MB.") % {"name": name, "limit": round(limit / 1048576, 1)},
            code="too_large",
        )
    content_type = sniff(data)
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not a photo (JPEG, PNG), PDF, Word or Excel file.") % {"name": name},
            code="bad_type",
        )
    return CheckedFile(
        name=name, content_type=content_type, data=data, sha256=hashlib.sha256(data).hexdigest()
    )
