"""Small filters for the ballot pages."""

from django import template

from ..tally import round_half_up

register = template.Library()


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def score(value):
    return round_half_up(float(value)) if value is not None else ""


@register.filter
def percent(value):
    return f"{round_half_up(float(value) * 100, 1)}%"


@register.filter
def option_counts(group_result, q):
    """(label, count) of each option for an overall ballot; empty with dimensions (too long to show)."""
    if q.dimensions:
        return []
    return [(o.label, group_result.counts.get((None, o.pk), 0)) for o in q.options]
