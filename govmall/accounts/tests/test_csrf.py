"""CSRF: the sign-in forms refuse a POST without a valid token, and nothing happens."""

from axes.models import AccessAttempt
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from govmall.audit.models import AuditEntry
from govmall.testing import PASSWORD, csrf_post, current_totp, sign_in


def test_login_without_a_token_is_refused_and_signs_nobody_in(client, cast):
    client.get("/accounts/login/")  # the CSRF cookie is there; only the form token is missing
    response = client.post("/accounts/login/", {"username": "c_purchaser", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not AuditEntry.objects.filter(action="login").exists()


def test_login_with_a_forged_token_is_refused(client, cast):
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": "c_purchaser", "password": PASSWORD, "csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_login_without_a_token_does_not_count_towards_the_lockout(client, cast):
    client.get("/accounts/login/")
    for _ in range(6):
        assert client.post("/accounts/login/", {"username": "c_purchaser", "password": "Wrong#Pass1"}).status_code == 403
    assert not AccessAttempt.objects.exists()
    assert not AuditEntry.objects.filter(action__in=["login_failed", "locked_out"]).exists()


def test_logout_without_a_token_is_refused_and_keeps_the_session(client, cast):
    sign_in(client, cast.purchaser)
    client.get("/workspace/")
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert client.session["_auth_user_id"] == str(cast.purchaser.pk)
    assert client.get("/workspace/").status_code == 200
    assert not AuditEntry.objects.filter(action="logout").exists()


def test_password_change_without_a_token_is_refused_and_changes_nothing(client, cast):
    user = cast.purchaser
    sign_in(client, user)
    client.get("/accounts/password/")
    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": "New#Pass2027", "new_password2": "New#Pass2027"}
    )
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="password_changed").exists()


def test_otp_without_a_token_is_refused_and_does_not_spend_the_code(client, cast):
    user = cast.operator
    csrf_post(client, "/accounts/login/", {"username": user.username, "password": PASSWORD})
    client.get("/accounts/otp/")
    code = current_totp(user)
    assert client.post("/accounts/otp/", {"token": code}).status_code == 403
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert TOTPDevice.objects.get(user=user).last_t == -1
    # The same code still works through the form.
    assert csrf_post(client, "/accounts/otp/", {"token": code}).status_code == 302


def test_csrf_refusal_page_is_in_chinese(client, db):
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "页面已过期，请刷新后重试" in body and "<style" not in body
