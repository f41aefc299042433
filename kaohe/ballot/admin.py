"""Campaigns are shown read-only here: every change goes through the services and their audit
events (the pages under /ballot/). Participation, ballots and codes are not shown at all."""

from django.contrib import admin

from kaohe.platform.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Campaign, Dimension, Option, RaterGroup


class OptionInline(ReadOnlyInline):
    model = Option
    fields = ["label", "points", "order"]


class DimensionInline(ReadOnlyInline):
    model = Dimension
    fields = ["name", "weight", "order"]


class GroupInline(ReadOnlyInline):
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
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["name", "period", "unit", "status", "min_ballots"]
    list_filter = ["status"]
    search_fields = ["name", "period"]
    inlines = [OptionInline, DimensionInline, GroupInline]
