from django import template

register = template.Library()


@register.inclusion_tag("billing/_pricing.html", takes_context=True)
def pricing_table(context, entry):
    """The entry's open plans, cheapest first, for its contract page."""
    return {"entry": entry, "plans": entry.plans.filter(is_active=True), "user": context["user"]}
