"""Who is acting, from where, in which request: read by the audit log.

Held in context variables set by RequestContextMiddleware (web requests) or by
`acting_as` (commands, background jobs, tests), so services need not pass a request around.
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    username: str = ""
    org_id: int | None = None
    org_name: str = ""


@dataclass
class RequestContext:
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    client_ip: str = ""
    actor: Actor = field(default_factory=Actor)
    source: str = "system"  # web | api | command | worker | system


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("govmall_request", default=None)

SYSTEM = RequestContext(request_id="", source="system", actor=Actor(username="system"))


def current() -> RequestContext:
    return _current.get() or SYSTEM


def set_actor(actor: Actor) -> None:
    ctx = _current.get()
    if ctx is not None:
        ctx.actor = actor


@contextlib.contextmanager
def bound(ctx: RequestContext):
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


@contextlib.contextmanager
def acting_as(actor: Actor | None = None, *, source: str = "command"):
    """Run a block outside a web request with a named actor (commands, worker jobs)."""
    with bound(RequestContext(source=source, actor=actor or Actor(username=source))) as ctx:
        yield ctx


def client_ip(request) -> str:
    """The client address: REMOTE_ADDR, or the last hop nginx appended when behind it.

    Only the right-most X-Forwarded-For entry is trusted (nginx sets it); anything the client
    wrote to the left of it is ignored.
    """
    from django.conf import settings

    addr = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            addr = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(addr))
    except ValueError:
        return ""
