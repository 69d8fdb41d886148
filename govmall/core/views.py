from django.core.exceptions import DisallowedHost
from django.template.response import TemplateResponse


def bad_request(request, exception=None):
    """400, in one line: for an unknown host, say which setting admits it."""
    host = ""
    if isinstance(exception, DisallowedHost):
        host = request.META.get("HTTP_HOST", "")
    response = TemplateResponse(
        request,
        "400.html",
        {"host": host},
        status=400,
    )
    response.render()
    return response
