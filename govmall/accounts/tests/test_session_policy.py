"""Session policy: a new session id at each sign-in step, sign-out after 30 minutes idle or
12 hours in all, session cookies that die with the browser."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from govmall.audit.models import AuditEntry
from govmall.testing import PASSWORD, csrf_post, current_totp

LOGIN = "/accounts/login/"
IDLE_MESSAGE = "长时间未操作，已自动退出，请重新登录"
ABSOLUTE_MESSAGE = "登录已超过 12 小时，请重新登录"


def session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def sign_in_with_password(client, user):
    response = csrf_post(client, LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def signed_in_purchaser(client, cast):
    sign_in_with_password(client, cast.purchaser)
    assert client.get("/workspace/").status_code == 200
    return cast.purchaser


def set_session_times(client, *, auth_ago: int | None = None, seen_ago: int | None = None) -> None:
    now = int(time.time())
    session = client.session
    if auth_ago is not None:
        session["auth_at"] = now - auth_ago
    if seen_ago is not None:
        session["last_seen"] = now - seen_ago
    session.save()


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Session id rotation ------------------------------------------------------------------


def test_password_step_issues_a_new_session_id(client, cast):
    planted = client.session  # e.g. an id an attacker fixed in the victim's browser
    planted["marker"] = "before sign-in"
    planted.save()
    before = session_key(client)

    sign_in_with_password(client, cast.purchaser)

    after = session_key(client)
    assert after != before
    assert not SessionStore().exists(before)
    assert SessionStore(session_key=after).load()["_auth_user_id"] == str(cast.purchaser.pk)


def test_otp_step_issues_another_new_session_id(client, cast):
    sign_in_with_password(client, cast.operator)
    after_password = session_key(client)

    response = csrf_post(client, "/accounts/otp/", {"token": current_totp(cast.operator)})

    assert response.status_code == 302
    after_otp = session_key(client)
    assert after_otp != after_password
    assert not SessionStore().exists(after_password)
    assert client.get("/workspace/").status_code == 200


def test_sign_in_records_the_session_clock(client, cast):
    before = int(time.time())
    sign_in_with_password(client, cast.purchaser)
    session = client.session
    assert before <= session["auth_at"] <= int(time.time())
    assert session["last_seen"] == session["auth_at"]


def test_logout_ends_the_session(client, cast):
    signed_in_purchaser(client, cast)
    key = session_key(client)
    response = csrf_post(client, "/accounts/logout/", form_url="/workspace/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not SessionStore().exists(key)
    assert not is_signed_in(client)
    assert client.get("/workspace/")["Location"] == "/accounts/login/?next=/workspace/"


def test_session_cookie_is_httponly_lax_and_dies_with_the_browser(client, cast):
    response = sign_in_with_password(client, cast.purchaser)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""


# --- Idle and absolute limits -------------------------------------------------------------


def test_idle_for_more_than_30_minutes_signs_out_with_a_message(client, cast):
    user = signed_in_purchaser(client, cast)
    key = session_key(client)
    set_session_times(client, seen_ago=30 * 60 + 1)

    response = client.get("/workspace/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/workspace/"
    assert not is_signed_in(client)
    assert not SessionStore().exists(key)
    login_page = client.get(response["Location"])
    assert login_page.status_code == 200
    assert IDLE_MESSAGE in login_page.content.decode()
    logout = AuditEntry.objects.filter(action="logout").first()
    assert (logout.object_type, logout.object_id) == ("accounts.user", str(user.pk))


def test_idle_sign_out_on_the_api_answers_401_json(client, cast):
    signed_in_purchaser(client, cast)
    set_session_times(client, seen_ago=30 * 60 + 1)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"code": "unauthenticated", "message": IDLE_MESSAGE}
    assert not is_signed_in(client)


def test_activity_within_the_idle_window_keeps_the_session(client, cast):
    signed_in_purchaser(client, cast)
    set_session_times(client, seen_ago=29 * 60)

    assert client.get("/workspace/").status_code == 200

    assert is_signed_in(client)
    assert client.session["last_seen"] >= int(time.time()) - 5  # the idle clock restarted
    # Another 29 minutes of quiet: still signed in, as the last request counted.
    set_session_times(client, seen_ago=29 * 60)
    assert client.get("/workspace/").status_code == 200


def test_keepalive_restarts_the_idle_clock(client, cast):
    signed_in_purchaser(client, cast)
    token = client.cookies["csrftoken"].value
    set_session_times(client, seen_ago=28 * 60)

    response = client.post("/accounts/keepalive/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 204
    assert client.session["last_seen"] >= int(time.time()) - 5


def test_idle_limit_follows_the_setting(client, cast, settings):
    settings.SESSION_IDLE_SECONDS = 600
    signed_in_purchaser(client, cast)
    set_session_times(client, seen_ago=601)
    assert client.get("/workspace/")["Location"] == "/accounts/login/?next=/workspace/"
    assert not is_signed_in(client)


def test_more_than_12_hours_after_sign_in_signs_out_even_when_active(client, cast):
    signed_in_purchaser(client, cast)
    key = session_key(client)
    set_session_times(client, auth_ago=12 * 3600 + 1, seen_ago=10)

    response = client.get("/workspace/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/workspace/"
    assert not is_signed_in(client)
    assert not SessionStore().exists(key)
    assert ABSOLUTE_MESSAGE in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("auth_ago", [3600, 12 * 3600 - 60])
def test_session_within_12_hours_and_active_is_kept(client, cast, auth_ago):
    signed_in_purchaser(client, cast)
    set_session_times(client, auth_ago=auth_ago, seen_ago=60)
    assert client.get("/workspace/").status_code == 200
    assert is_signed_in(client)


def test_staff_session_past_the_idle_limit_must_sign_in_again_with_both_factors(client, cast):
    sign_in_with_password(client, cast.operator)
    csrf_post(client, "/accounts/otp/", {"token": current_totp(cast.operator)})
    assert client.get("/workspace/").status_code == 200
    set_session_times(client, seen_ago=30 * 60 + 1)

    assert client.get("/workspace/")["Location"] == "/accounts/login/?next=/workspace/"
    assert not is_signed_in(client)
    response = sign_in_with_password(client, cast.operator)
    assert response["Location"].startswith("/accounts/otp/")
