from django import template
from django.utils import timezone

from govmall.core.money import format_yuan

register = template.Library()


@register.filter
def yuan(value):
    """Amounts with thousands separators and 元."""
    return format_yuan(value)


@register.filter
def local_dt(value):
    if not value:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


@register.simple_tag(takes_context=True)
def querystring_with(context, **kwargs):
    """The current query string with some parameters replaced (paging links keep filters)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
