"""The audit trail in the admin: read-only. Nothing here can add, change or delete an event."""

from django.contrib import admin

from kaohe.platform.admin import ReadOnlyAdmin

from .models import Event, Seal


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["id", "seq", "at", "actor_label", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "object_repr", "actor_label", "object_id"]
    date_hierarchy = "at"
    readonly_fields = fields = (
        "seq",
        "at",
        "actor_id",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "before",
        "after",
        "prev_hash",
        "hash",
    )
    show_full_result_count = False  # counting millions of events on every page is slow


@admin.register(Seal)
class SealAdmin(ReadOnlyAdmin):
    list_display = ["last_seq", "head_hash", "count", "at"]
    readonly_fields = ("last_seq", "head_hash", "count", "at")
