"""TOTP second factor (django-otp) for centre operators, finance supervisors and platform
administrators; first-time enrolment by QR code; purchasers and suppliers need none."""

import base64
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from govmall.accounts.models import Role
from govmall.audit.models import AuditEntry
from govmall.testing import PASSWORD, csrf_post, current_totp, make_user

LOGIN = "/accounts/login/"
OTP = "/accounts/otp/"
ENROLL = "/accounts/otp/enroll/"
WRONG_CODE_ERROR = "动态验证码错误或已过期，请输入手机令牌上当前显示的 6 位数字"

TWO_FACTOR_PEOPLE = ["operator", "supervisor_city", "admin"]
ONE_FACTOR_PEOPLE = ["purchaser", "approver", "supplier"]


def password_step(client, user):
    return csrf_post(client, LOGIN, {"username": user.username, "password": PASSWORD})


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The code an authenticator shows for `device`, `offset_steps` time steps from now."""
    t = TOTP(device.bin_key, device.step, device.t0, device.digits)
    t.time = time.time() + offset_steps * device.step
    return f"{t.token():06d}"


def invalid_code(user) -> str:
    """A six-digit code no step inside the device's tolerance window accepts."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    window = {code_for(device, k) for k in range(-2, 3)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in window)


def unthrottle(user) -> None:
    """Forget the failure throttle (as if the user waited), so the next code is judged on its merits."""
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=timezone.now() - timedelta(hours=1))


def is_verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


@pytest.mark.parametrize("who", TWO_FACTOR_PEOPLE)
def test_staff_roles_are_sent_to_the_otp_page_after_the_password(client, cast, who):
    user = getattr(cast, who)
    response = password_step(client, user)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/otp/?next=/workspace/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not is_verified(client)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.templates[0].name == "accounts/otp.html"


@pytest.mark.parametrize("who", TWO_FACTOR_PEOPLE)
@pytest.mark.parametrize("path", ["/workspace/", "/workspace/profile/", "/workspace/audit/", "/admin/", "/accounts/password/"])
def test_pages_redirect_to_the_otp_page_until_the_code_is_entered(client, cast, who, path):
    password_step(client, getattr(cast, who))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/otp/?next={path}"


@pytest.mark.parametrize("who", TWO_FACTOR_PEOPLE)
def test_api_answers_403_json_until_the_code_is_entered(client, cast, who):
    password_step(client, getattr(cast, who))
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "forbidden", "message": "需要先完成双因素认证"}


def test_wrong_code_is_refused_and_audited(client, cast):
    user = cast.operator
    password_step(client, user)
    failed_before = AuditEntry.objects.filter(action="otp_failed").count()

    response = csrf_post(client, OTP, {"token": invalid_code(user), "next": "/workspace/"})

    assert response.status_code == 200
    assert WRONG_CODE_ERROR in response.content.decode()
    assert not is_verified(client)
    assert client.get("/workspace/")["Location"] == "/accounts/otp/?next=/workspace/"
    entries = AuditEntry.objects.filter(action="otp_failed")
    assert entries.count() == failed_before + 1
    entry = entries.first()
    assert (entry.actor_id, entry.actor_name) == (user.pk, "c_operator")
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(user.pk))
    assert entry.message == "动态验证码错误"


def test_non_numeric_code_is_refused_without_touching_the_device(client, cast):
    password_step(client, cast.operator)
    response = csrf_post(client, OTP, {"token": "12ab56"})
    assert response.status_code == 200
    assert "动态验证码为 6 位数字" in response.content.decode()
    assert not is_verified(client)
    assert TOTPDevice.objects.get(user=cast.operator).throttling_failure_count == 0


@pytest.mark.parametrize("who", TWO_FACTOR_PEOPLE)
def test_current_code_lets_them_in(client, cast, who):
    user = getattr(cast, who)
    password_step(client, user)

    response = csrf_post(client, OTP, {"token": current_totp(user), "next": "/workspace/"})

    assert response.status_code == 302
    assert response["Location"] == "/workspace/"
    assert is_verified(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == TOTPDevice.objects.get(user=user).persistent_id
    assert client.get("/workspace/").status_code == 200
    assert client.get("/api/v1/me").json()["username"] == user.username
    entry = AuditEntry.objects.filter(action="login").first()
    assert (entry.actor_id, entry.message) == (user.pk, "完成双因素认证（动态口令）")


def test_right_code_after_a_wrong_one_works_once_the_throttle_has_passed(client, cast):
    user = cast.operator
    password_step(client, user)
    csrf_post(client, OTP, {"token": invalid_code(user)})

    device = TOTPDevice.objects.get(user=user)
    assert device.throttling_failure_count == 1
    # As if three wrong codes were just typed: django-otp then waits 4 s (1, 2, 4, ...).
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=3, throttling_failure_timestamp=timezone.now())

    too_soon = csrf_post(client, OTP, {"token": current_totp(user)})
    assert too_soon.status_code == 200
    assert re.search(r"验证码输入过于频繁，请 [1-4] 秒后再试", too_soon.content.decode())
    assert not is_verified(client)

    unthrottle(user)
    response = csrf_post(client, OTP, {"token": current_totp(user), "next": "/workspace/"})
    assert response.status_code == 302
    assert is_verified(client)


def test_a_code_cannot_be_used_twice(client, cast):
    user = cast.operator
    code = current_totp(user)
    password_step(client, user)
    assert csrf_post(client, OTP, {"token": code}).status_code == 302
    csrf_post(client, "/accounts/logout/", form_url="/workspace/")
    assert "_auth_user_id" not in client.session

    password_step(client, user)
    response = csrf_post(client, OTP, {"token": code})

    assert response.status_code == 200
    assert WRONG_CODE_ERROR in response.content.decode()
    assert not is_verified(client)
    assert client.get("/workspace/").status_code == 302


@pytest.mark.parametrize("who", ONE_FACTOR_PEOPLE)
def test_purchasers_and_suppliers_need_no_second_factor(client, cast, who):
    user = getattr(cast, who)
    response = password_step(client, user)
    assert response.status_code == 302
    assert response["Location"] == "/workspace/"
    assert client.get("/workspace/").status_code == 200
    assert client.get("/api/v1/me").json()["username"] == user.username
    assert not TOTPDevice.objects.filter(user=user).exists()
    # The OTP pages have nothing to ask them.
    assert client.get(OTP)["Location"] == "/workspace/"
    assert client.get(ENROLL)["Location"] == "/workspace/"
    assert not TOTPDevice.objects.filter(user=user).exists()


# --- First sign-in without a device: enrolment --------------------------------------------


@pytest.fixture
def newcomer(db):
    return make_user(Role.CENTRE_OPERATOR, totp_device=False, username="new_operator")


def enrolment_page(client, user):
    response = password_step(client, user)
    assert response["Location"] == "/accounts/otp/enroll/?next=/workspace/"
    return client.get(response["Location"])


def shown_secret(page) -> str:
    return re.search(r'id="totp-secret">([A-Z2-7=]+)<', page.content.decode()).group(1)


def test_user_without_a_device_is_sent_to_enrolment(client, newcomer):
    response = password_step(client, newcomer)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/otp/enroll/?next=/workspace/"
    # Every other page, and the code page itself, lead there too.
    assert client.get("/workspace/")["Location"] == "/accounts/otp/?next=/workspace/"
    assert client.get(OTP)["Location"] == ENROLL


def test_enrolment_page_shows_a_qr_image_and_the_base32_secret(client, newcomer):
    page = enrolment_page(client, newcomer)
    assert page.status_code == 200
    assert page.templates[0].name == "accounts/otp_enroll.html"
    html = page.content.decode()
    assert re.search(r'<img class="qr" src="data:image/svg\+xml[^"]+" alt="动态口令二维码">', html)
    device = TOTPDevice.objects.get(user=newcomer)
    assert device.confirmed is False
    assert shown_secret(page) == base64.b32encode(device.bin_key).decode()
    assert base64.b32decode(shown_secret(page)) == device.bin_key
    # Reloading keeps the same key (the phone may already have scanned it).
    assert shown_secret(client.get(ENROLL)) == shown_secret(page)
    assert TOTPDevice.objects.filter(user=newcomer).count() == 1


def test_confirming_a_code_binds_the_device_and_completes_sign_in(client, newcomer):
    page = enrolment_page(client, newcomer)
    device = TOTPDevice.objects.get(user=newcomer)
    # What the phone computes from the secret it was shown.
    shown = TOTPDevice(key=base64.b32decode(shown_secret(page)).hex(), step=device.step, t0=device.t0, digits=device.digits)

    response = csrf_post(client, ENROLL, {"token": code_for(shown), "next": "/workspace/"})

    assert response.status_code == 302
    assert response["Location"] == "/workspace/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/workspace/").status_code == 200
    entry = AuditEntry.objects.get(action="otp_enrolled")
    assert (entry.actor_id, entry.object_id) == (newcomer.pk, str(newcomer.pk))
    # Next time the code page applies, not enrolment.
    assert client.get(ENROLL)["Location"] == OTP


def test_wrong_code_at_enrolment_does_not_bind_the_device(client, newcomer):
    enrolment_page(client, newcomer)
    device = TOTPDevice.objects.get(user=newcomer)
    wrong = next(c for c in ("000000", "111111", "222222") if c not in {code_for(device, k) for k in range(-2, 3)})

    response = csrf_post(client, ENROLL, {"token": wrong})

    assert response.status_code == 200
    assert "验证码不正确，请确认手机时间准确后重试" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert not is_verified(client)
    assert not AuditEntry.objects.filter(action="otp_enrolled").exists()
    assert client.get("/workspace/").status_code == 302


def test_user_with_a_device_cannot_enrol_another(client, cast):
    password_step(client, cast.operator)
    response = client.get(ENROLL)
    assert response.status_code == 302
    assert response["Location"] == OTP
    assert TOTPDevice.objects.filter(user=cast.operator).count() == 1


def test_password_cannot_be_changed_with_the_password_alone(client, cast):
    user = cast.operator
    password_step(client, user)
    assert client.get("/accounts/password/")["Location"] == "/accounts/otp/?next=/accounts/password/"

    response = csrf_post(
        client,
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Hijack#Pass2027", "new_password2": "Hijack#Pass2027"},
        form_url=LOGIN,
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/otp/?next=/accounts/password/"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="password_changed").exists()
