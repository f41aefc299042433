"""Several files in one field: the list a multiple file input sends is cleaned file by file."""

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from kaohe.platform.forms import MultipleFileField


class _Form(forms.Form):
    files = MultipleFileField(required=False)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n", content_type="application/pdf")


def test_two_files_come_back_as_a_list():
    form = _Form(data={}, files=MultiValueDict({"files": [_pdf("a.pdf"), _pdf("b.pdf")]}))
    assert form.is_valid(), form.errors
    assert [f.name for f in form.cleaned_data["files"]] == ["a.pdf", "b.pdf"]


def test_one_file_is_a_list_of_one_and_none_is_empty():
    one = _Form(data={}, files=MultiValueDict({"files": [_pdf("a.pdf")]}))
    assert one.is_valid(), one.errors
    assert [f.name for f in one.cleaned_data["files"]] == ["a.pdf"]
    none = _Form(data={}, files=MultiValueDict())
    assert none.is_valid() and none.cleaned_data["files"] == []


def test_an_empty_file_is_refused_beside_the_field():
    form = _Form(data={}, files=MultiValueDict({"files": [SimpleUploadedFile("a.pdf", b"")]}))
    assert not form.is_valid() and "files" in form.errors
