"""The read-only admin bases refuse every change, whatever the user's rights (no database)."""

from django.contrib import admin
from django.test import RequestFactory

from kaohe.audit.models import Event
from kaohe.ballot.models import Campaign, Option
from kaohe.platform.admin import ReadOnlyAdmin, ReadOnlyInline


class _Superuser:
    is_active = is_staff = is_superuser = True

    def has_perm(self, perm, obj=None):
        return True


def _request():
    request = RequestFactory().get("/admin/")
    request.user = _Superuser()
    return request


def test_a_read_only_screen_adds_changes_deletes_nothing_and_offers_no_action():
    screen = ReadOnlyAdmin(Event, admin.AdminSite())
    request = _request()
    assert not screen.has_add_permission(request)
    assert not screen.has_change_permission(request)
    assert not screen.has_delete_permission(request)
    assert screen.get_actions(request) == {}
    assert admin.ModelAdmin(Event, admin.AdminSite()).get_actions(request)  # a plain one has some


def test_a_read_only_inline_adds_changes_and_deletes_no_row():
    class Options(ReadOnlyInline):
        model = Option

    inline = Options(Campaign, admin.AdminSite())
    request = _request()
    assert not inline.has_add_permission(request, None)
    assert not inline.has_change_permission(request)
    assert inline.can_delete is False and inline.extra == 0
