from django import template

from govmall.purchasers.budget import wan as wan_text

register = template.Library()


@register.filter
def wan(value):
    """Amounts as people say them: 2000000 → '200 万元' (limits, thresholds)."""
    if value is None or value == "":
        return ""
    return wan_text(value)
