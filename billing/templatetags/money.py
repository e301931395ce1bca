from django import template

from billing.pricing import format_money

register = template.Library()


@register.simple_tag
def money(minor: int, currency: str) -> str:
    """{% money invoice.total_minor invoice.currency %} → "32.00 USD"."""
    return format_money(minor or 0, currency)
