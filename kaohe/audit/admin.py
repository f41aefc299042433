"""The audit trail in the admin: read-only. Nothing here can add, change or delete an event."""

from django.contrib import admin

from kaohe.platform.admin import ReadOnlyAdmin

from .chain import HASHED_FIELDS
from .models import Event, Seal

# What the hash covers (less the id, which is in the page's address), then the chain's links.
SHOWN: tuple[str, ...] = (*(f for f in HASHED_FIELDS if f != "id"), "prev_hash", "hash")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["id", "seq", "at", "actor_label", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "object_repr", "actor_label", "object_id"]
    date_hierarchy = "at"
    readonly_fields = fields = SHOWN
    show_full_result_count = False  # counting millions of events on every page is slow


@admin.register(Seal)
class SealAdmin(ReadOnlyAdmin):
    list_display = ["last_seq", "head_hash", "count", "at"]
    readonly_fields = ("last_seq", "head_hash", "count", "at")
