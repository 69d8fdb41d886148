import re
import uuid

from govmall.core import context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when well-formed) and client address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        ctx = context.RequestContext(
            request_id=rid,
            client_ip=context.client_ip(request),
            source="api" if request.path_info.startswith("/api/") else "web",
        )
        request.request_id = rid
        with context.bound(ctx):
            response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response
