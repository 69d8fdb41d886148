from django.conf import settings
from django.http import HttpResponseNotFound
from django.urls import get_script_prefix, set_script_prefix

from govmall.subsites.models import Subsite
from govmall.subsites.services import subsite_for_host


class SubsiteMiddleware:
    """Selects the sub-site serving a request: by host name, or by a /s/<code>/ path prefix in
    development, else the default sub-site. With a prefix, URLs reversed during the request
    keep it (the prefix becomes part of the script prefix)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        site = subsite_for_host(request.get_host())
        prefix = None
        if site is None and settings.SUBSITE_PATH_PREFIX and request.path_info.startswith("/s/"):
            code = request.path_info[3:].split("/", 1)[0]
            site = Subsite.objects.filter(code=code, is_active=True).select_related("region").first()
            if site is None:
                return HttpResponseNotFound("未找到该分站".encode(), content_type="text/plain; charset=utf-8")
            prefix = f"/s/{code}"
            request.path_info = request.path_info[len(prefix):] or "/"
        if site is None:
            site = Subsite.objects.filter(code=settings.DEFAULT_SUBSITE_CODE).select_related("region").first()
        request.subsite = site
        request.subsite_prefix = prefix or ""
        if prefix is None:
            return self.get_response(request)
        old = get_script_prefix()
        set_script_prefix(old.rstrip("/") + prefix + "/")
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(old)
