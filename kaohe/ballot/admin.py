"""Campaigns are shown read-only here: every change goes through the services and their audit
events (the pages under /ballot/). Participation, ballots and codes are not shown at all."""

from django.contrib import admin

from .models import Campaign, Dimension, Option, RaterGroup


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _InlineReadOnly(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OptionInline(_InlineReadOnly):
    model = Option
    fields = ["label", "points", "order"]


class DimensionInline(_InlineReadOnly):
    model = Dimension
    fields = ["name", "weight", "order"]


class GroupInline(_InlineReadOnly):
    model = RaterGroup
    fields = [
        "name",
        "weight",
        "voting",
        "identities",
        "staffings",
        "relation",
        "same_unit",
        "ratee_identities",
    ]


@admin.register(Campaign)
class CampaignAdmin(_ReadOnly):
    list_display = ["name", "period", "unit", "status", "min_ballots"]
    list_filter = ["status"]
    search_fields = ["name", "period"]
    inlines = [OptionInline, DimensionInline, GroupInline]
