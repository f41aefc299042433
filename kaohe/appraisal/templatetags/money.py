"""Money on pages: integer fen shown as yuan (``{{ row.pay_fen|yuan }}`` → 3,600.00; nothing → —)."""

from django import template

from kaohe.engine.period_inputs import fen_text

register = template.Library()


@register.filter
def yuan(fen) -> str:
    return fen_text(fen) if fen is not None else "—"


@register.filter
def percent(rate) -> str:
    """A completion rate 0–1 as typed by the office: 0.74 → 74%, 0.745 → 74.5%."""
    return "—" if rate is None else f"{round(rate * 100, 2):g}%"


@register.filter
def signed_percent(factor) -> str:
    """A pay factor as the scheme writes it: 0.2 → +20%, -0.1 → -10%, 0 → 0%."""
    return "—" if factor is None else f"{round(factor * 100, 2):+g}%".replace("+0%", "0%")
