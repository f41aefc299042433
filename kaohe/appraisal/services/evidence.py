"""Evidence files of claims and appeals, checked like every upload."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from kaohe.platform.errors import Refusal
from kaohe.platform.uploads import check_upload

from ..models import Evidence


def store_evidence(files, **owner) -> None:
    """Check and store each uploaded file as evidence of ``owner`` (``claim=`` or ``appeal=``), inside
    the caller's transaction; a file that fails the check refuses the whole write."""
    for upload in files:
        try:
            checked = check_upload(upload)
        except ValidationError as exc:
            raise Refusal(" ".join(exc.messages)) from None
        ev = Evidence(
            name=checked.name,
            content_type=checked.content_type,
            size=len(checked.data),
            sha256=checked.sha256,
            **owner,
        )
        ev.file.save(checked.name, ContentFile(checked.data), save=False)
        ev.save()
