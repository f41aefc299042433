"""Form pieces every app uses: several files in one field."""

from __future__ import annotations

from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (evidence, attachments): ``cleaned_data`` is a list, empty when
    none was chosen. Django's FileField reads one file only; given the list a multiple input sends,
    it reports "no file was submitted" (Django's documented pattern, "Uploading multiple files")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data]
        return [one(data, initial)] if data else []
