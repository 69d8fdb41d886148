import base64
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from govmall.accounts.forms import GENERIC_LOGIN_ERROR, ChangePasswordForm, LoginForm, OtpForm
from govmall.accounts.services import user_set_password
from govmall.audit.models import Action
from govmall.audit.services import record
from govmall.core.errors import BusinessError


def _next_url(request, default="portal:workspace"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    from django.urls import reverse

    return reverse(default)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated and request.method == "GET" and not request.GET.get("next"):
        return redirect("portal:workspace")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth_login(request, user)  # rotates the session id
        request.session["auth_at"] = request.session["last_seen"] = int(__import__("time").time())
        if user.needs_two_factor:
            target = "accounts:otp" if TOTPDevice.objects.filter(user=user, confirmed=True).exists() else "accounts:otp_enroll"
            from django.urls import reverse

            return redirect(f"{reverse(target)}?{urlencode({'next': _next_url(request)}, safe='/')}")
        return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def locked_out(request, response=None, credentials=None, *args, **kwargs):
    """django-axes lockout answer: the sign-in page with one message, HTTP 429.

    Shown for any user name that reached the limit, existing or not."""
    form = LoginForm(request)
    return TemplateResponse(
        request,
        "accounts/login.html",
        {"form": form, "locked": True, "lock_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
        status=429,
    ).render()


@require_POST
def logout_view(request):
    auth_logout(request)
    messages.info(request, "您已安全退出")
    return redirect("portal:home")


def _totp_device(user, confirmed=True):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("id").first()


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def otp_view(request):
    user = request.user
    if not user.needs_two_factor or user.is_verified():
        return redirect(_next_url(request))
    device = _totp_device(user)
    if device is None:
        return redirect("accounts:otp_enroll")
    form = OtpForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        allowed, data = device.verify_is_allowed()
        if not allowed:
            wait = 1
            if data and data.get("locked_until"):
                from django.utils import timezone

                wait = max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)
            error = f"验证码输入过于频繁，请 {wait} 秒后再试"
        elif device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            request.session.cycle_key()
            record(Action.LOGIN, user, message="完成双因素认证（动态口令）")
            return redirect(_next_url(request))
        else:
            error = "动态验证码错误或已过期，请输入手机令牌上当前显示的 6 位数字"
            record(Action.OTP_FAILED, user, message="动态验证码错误")
    return render(request, "accounts/otp.html", {"form": form, "error": error, "next": request.GET.get("next", "")})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def otp_enroll_view(request):
    """First sign-in of a user who needs TOTP: show the key as a QR code, confirm one code."""
    user = request.user
    if not user.needs_two_factor:
        return redirect("portal:workspace")
    if _totp_device(user) is not None:
        return redirect("accounts:otp")
    device = _totp_device(user, confirmed=False) or TOTPDevice.objects.create(user=user, name="手机令牌", confirmed=False)
    form = OtpForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session.cycle_key()
            record(Action.OTP_ENROLLED, user, message="绑定动态口令并完成双因素认证")
            messages.success(request, "动态口令已绑定，今后登录需输入手机令牌上的验证码")
            return redirect(_next_url(request))
        error = "验证码不正确，请确认手机时间准确后重试"
    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=5, dark="#1f2937")
    return render(
        request,
        "accounts/otp_enroll.html",
        {"form": form, "error": error, "secret": secret, "qr": qr, "next": request.GET.get("next", "")},
    )


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_change_view(request):
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_set_password(user=request.user, password=form.cleaned_data["new_password1"])
        except BusinessError as exc:
            form.add_error("new_password1", exc.message)
        else:
            update_session_auth_hash(request, request.user)
            request.session.cycle_key()
            messages.success(request, "密码已修改")
            return redirect("portal:workspace")
    return render(request, "accounts/password_change.html", {"form": form, "max_age": settings.PASSWORD_MAX_AGE_DAYS})


@require_POST
def keepalive_view(request):
    """The idle-warning banner's “继续使用” button: touching the session resets the idle timer."""
    if not request.user.is_authenticated:
        return JsonResponse({"ok": False}, status=401)
    return HttpResponse(status=204)


__all__ = ["GENERIC_LOGIN_ERROR"]
