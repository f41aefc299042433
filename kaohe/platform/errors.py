"""One error type for a refusal: a request a rule does not allow, with a message for the user.

A refusal is a Django ``ValidationError`` so that forms, the admin and ``full_clean`` treat it like any
other invalid input, but ``str()`` gives the plain message (not Django's ``['…']`` list form), so a
view or an API handler shows it as it is."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class Refusal(ValidationError):
    """A refusal with a message for the user (and, optionally, the field it concerns)."""

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message, code=code)
        self.field = field

    def __str__(self) -> str:
        return "；".join(str(m) for m in self.messages)
