"""Small filters for the ballot pages."""

from decimal import Decimal

from django import template

from kaohe.engine.numeric import round_half_up_scalar

register = template.Library()


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def score(value):
    return Decimal(f"{round_half_up_scalar(float(value)):.2f}") if value is not None else ""


@register.filter
def percent(value):
    return f"{round_half_up_scalar(float(value) * 100, 1):.1f}%"


@register.filter
def option_counts(group_result, q):
    """(label, count) of each option for an overall ballot; empty with dimensions (too long to show)."""
    if q.dimensions:
        return []
    return [(o.label, group_result.counts.get((None, o.pk), 0)) for o in q.options]
