from django.http import HttpResponse
from django.views.decorators.http import require_GET

from govmall.subsites.services import COLOR


@require_GET
def theme_css(request):
    """The sub-site's colours as CSS variables (styles stay out of the page: strict CSP)."""
    site = request.subsite
    primary = site.primary_color if COLOR.match(site.primary_color) else "#1d5fa6"
    accent = site.accent_color if COLOR.match(site.accent_color) else "#0e8a7e"
    css = f":root{{--primary:{primary};--accent:{accent};}}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["ETag"] = f'"{site.pk}-{int(site.updated_at.timestamp())}"'
    return response
