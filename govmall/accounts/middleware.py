import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from govmall.accounts.services import actor_of, password_expired
from govmall.core import context

# Paths a signed-in user may reach before a forced password change.
OPEN_PREFIXES = ("/accounts/", "/static/", "/theme.css", "/favicon.ico")
# Paths reachable before finishing two-factor: the sign-in pages only (not the password page:
# a password alone must not be enough to change the password).
TWO_FACTOR_OPEN_PREFIXES = (
    "/accounts/login/", "/accounts/logout/", "/accounts/otp/", "/accounts/keepalive/",
    "/static/", "/theme.css", "/favicon.ico",
)  # fmt: skip


class SessionPolicyMiddleware:
    """Idle (30 min) and absolute (12 h) session expiry; TOTP required for operators,
    supervisors and administrators; periodic password change. Also names the acting user
    for the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        now = int(time.time())
        session = request.session
        auth_at = session.setdefault("auth_at", now)
        last_seen = session.get("last_seen", now)
        idle = now - last_seen > settings.SESSION_IDLE_SECONDS
        too_old = now - auth_at > settings.SESSION_ABSOLUTE_SECONDS
        if idle or too_old:
            context.set_actor(actor_of(user))  # the sign-out entry names who was signed out
            logout(request)
            reason = "长时间未操作，已自动退出，请重新登录" if idle else "登录已超过 12 小时，请重新登录"
            if request.path_info.startswith("/api/"):
                return JsonResponse({"code": "unauthenticated", "message": reason}, status=401)
            messages.info(request, reason)
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()}, safe='/')}")
        if now - last_seen >= 30 or "last_seen" not in session:
            session["last_seen"] = now
        context.set_actor(actor_of(user))

        path = request.path_info
        if user.needs_two_factor and not user.is_verified() and not path.startswith(TWO_FACTOR_OPEN_PREFIXES):
            if path.startswith("/api/"):
                return JsonResponse({"code": "forbidden", "message": "需要先完成双因素认证"}, status=403)
            return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()}, safe='/')}")
        if not path.startswith(OPEN_PREFIXES):
            if password_expired(user, settings.PASSWORD_MAX_AGE_DAYS):
                if path.startswith("/api/"):
                    return JsonResponse({"code": "forbidden", "message": "密码已过期，请先修改密码"}, status=403)
                messages.warning(request, "您的密码已到期或须首次修改，请先设置新密码")
                return redirect("accounts:password_change")
        return self.get_response(request)
