"""Password rules (MLPS 2.0 level 3): at least 8 characters of at least 3 character classes,
the password change page, and the periodic / first-sign-in forced change."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from govmall.accounts.passwords import CharacterClassValidator
from govmall.audit.models import AuditEntry
from govmall.testing import PASSWORD, csrf_post, current_totp, sign_in

CHANGE = "/accounts/password/"
NEW = "New#Pass2027"
CLASS_MESSAGE = "密码须包含大写字母、小写字母、数字、特殊字符中的至少 3 类。"
LENGTH_MESSAGE = "密码长度太短。密码必须包含至少 8 个字符。"
FORCED_MESSAGE = "您的密码已到期或须首次修改，请先设置新密码"


def field_errors(response) -> list[str]:
    return re.findall(r'<(?:p|div) class="(?:field-error|alert alert-error)" role="alert">(.*?)</(?:p|div)>', response.content.decode())


def change_password(client, old, new1, new2=None):
    return csrf_post(client, CHANGE, {"old_password": old, "new_password1": new1, "new_password2": new2 if new2 is not None else new1})


def age_password(user, days: int) -> None:
    user.password_changed_at = timezone.now() - timedelta(days=days)
    user.save(update_fields=["password_changed_at"])


# --- The rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["abcdefgh", "ABCDEFGH", "12345678", "!@#$%^&*", "abcdEFGH", "abcd1234", "ABCD1234", "abcd!@#$", "1234!@#$", "采购采购12345"],
)
def test_fewer_than_three_character_classes_are_refused_in_chinese(password):
    with pytest.raises(ValidationError) as caught:
        CharacterClassValidator(min_classes=3).validate(password)
    assert caught.value.messages == [CLASS_MESSAGE]
    assert caught.value.error_list[0].code == "password_too_simple"


@pytest.mark.parametrize("password", ["abcdEF12", "abcdEF!!", "abcd12!!", "ABCD12!!", "Ab1!Ab1!", "采购Abc123"])
def test_three_or_four_character_classes_are_accepted(password):
    assert CharacterClassValidator(min_classes=3).validate(password) is None


def test_validator_help_text_is_chinese():
    assert CharacterClassValidator(min_classes=3).get_help_text() == CLASS_MESSAGE


@pytest.mark.parametrize(
    "password, messages",
    [
        ("Ab1!xyz", [LENGTH_MESSAGE]),  # 7 characters, 4 classes
        ("Ab1!", [LENGTH_MESSAGE]),
        ("Zq8#Lm2@", []),  # exactly 8, 4 classes
        ("Zq8Lm2kp", []),  # 8, 3 classes
        ("zq8lm2kp", [CLASS_MESSAGE]),  # 8, 2 classes
        ("zq8l", [LENGTH_MESSAGE, CLASS_MESSAGE]),
    ],
)
def test_configured_rules_need_8_characters_and_3_classes(db, password, messages):
    try:
        password_validation.validate_password(password)
        got = []
    except ValidationError as exc:
        got = exc.messages
    assert got == messages


def test_password_like_the_user_name_or_a_common_one_is_refused_in_chinese(client, cast):
    sign_in(client, cast.purchaser)
    assert field_errors(change_password(client, PASSWORD, "C_purchaser1")) == ["密码跟 用户名 太相似了。"]
    assert field_errors(change_password(client, PASSWORD, "Password1!")) == ["这个密码太常见了。"]
    cast.purchaser.refresh_from_db()
    assert cast.purchaser.check_password(PASSWORD)


# --- The change page ------------------------------------------------------------------------


def test_password_change_page_is_shown_to_a_signed_in_user(client, cast):
    sign_in(client, cast.purchaser)
    response = client.get(CHANGE)
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/password_change.html"
    assert "每 90 天须更换一次" in response.content.decode()


def test_password_change_page_needs_sign_in(client, db):
    response = client.get(CHANGE)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/password/"


def test_password_change_needs_the_current_password(client, cast):
    user = cast.purchaser
    sign_in(client, user)
    response = change_password(client, "Not#MyPass1", NEW)
    assert response.status_code == 200
    assert field_errors(response) == ["当前密码不正确"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="password_changed").exists()


@pytest.mark.parametrize(
    "new1, new2, errors",
    [
        ("Ab1!xyz", "Ab1!xyz", [LENGTH_MESSAGE]),
        ("zq8lm2kpw", "zq8lm2kpw", [CLASS_MESSAGE]),
        (NEW, "New#Pass2028", ["两次输入的新密码不一致"]),
    ],
)
def test_weak_or_mismatched_new_password_is_refused(client, cast, new1, new2, errors):
    user = cast.purchaser
    changed_at = user.password_changed_at
    sign_in(client, user)
    response = change_password(client, PASSWORD, new1, new2)
    assert response.status_code == 200
    assert field_errors(response) == errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user.password_changed_at == changed_at
    assert not AuditEntry.objects.filter(action="password_changed").exists()


def test_password_change_is_saved_audited_and_keeps_the_session(client, cast):
    user = cast.purchaser
    sign_in(client, user)
    before = timezone.now()

    response = change_password(client, PASSWORD, NEW)

    assert response.status_code == 302
    assert response["Location"] == "/workspace/"
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert not user.check_password(PASSWORD)
    assert user.password_changed_at >= before
    assert user.must_change_password is False
    # Still signed in on this browser.
    page = client.get("/workspace/")
    assert page.status_code == 200
    assert "密码已修改" in page.content.decode()
    entry = AuditEntry.objects.get(action="password_changed")
    assert (entry.actor_id, entry.actor_name, entry.org_id) == (user.pk, user.username, user.organization_id)
    assert (entry.object_type, entry.object_id, entry.message) == ("accounts.user", str(user.pk), "修改登录密码")
    assert PASSWORD not in repr(AuditEntry.objects.values().get(pk=entry.pk))
    assert NEW not in repr(AuditEntry.objects.values().get(pk=entry.pk))


def test_password_change_signs_out_other_sessions_of_that_user(client, cast):
    user = cast.purchaser
    other = sign_in(Client(enforce_csrf_checks=True), user)
    assert other.get("/workspace/").status_code == 200
    sign_in(client, user)

    change_password(client, PASSWORD, NEW)

    assert other.get("/workspace/")["Location"] == "/accounts/login/?next=/workspace/"
    assert client.get("/workspace/").status_code == 200


def test_new_password_signs_in_and_the_old_one_no_longer_does(client, cast):
    sign_in(client, cast.purchaser)
    change_password(client, PASSWORD, NEW)
    csrf_post(client, "/accounts/logout/", form_url="/workspace/")

    fresh = Client(enforce_csrf_checks=True)
    old = csrf_post(fresh, "/accounts/login/", {"username": "c_purchaser", "password": PASSWORD})
    assert old.status_code == 200
    assert "_auth_user_id" not in fresh.session
    new = csrf_post(fresh, "/accounts/login/", {"username": "c_purchaser", "password": NEW})
    assert new.status_code == 302
    assert fresh.session["_auth_user_id"] == str(cast.purchaser.pk)


# --- Forced change ---------------------------------------------------------------------------


def test_password_older_than_the_maximum_age_forces_the_change_page(client, cast):
    user = cast.purchaser
    age_password(user, 90)
    sign_in(client, user)

    response = client.get("/workspace/")

    assert response.status_code == 302
    assert response["Location"] == CHANGE
    page = client.get(CHANGE)
    assert page.status_code == 200
    assert FORCED_MESSAGE in page.content.decode()
    api = client.get("/api/v1/me")
    assert api.status_code == 403
    assert api.json() == {"code": "forbidden", "message": "密码已过期，请先修改密码"}


def test_password_younger_than_the_maximum_age_is_not_forced(client, cast):
    age_password(cast.purchaser, 89)
    sign_in(client, cast.purchaser)
    assert client.get("/workspace/").status_code == 200


def test_maximum_age_follows_the_setting(client, cast, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 30
    age_password(cast.purchaser, 30)
    sign_in(client, cast.purchaser)
    assert client.get("/workspace/")["Location"] == CHANGE


def test_maximum_age_zero_disables_expiry(client, cast, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 0
    age_password(cast.purchaser, 3650)
    sign_in(client, cast.purchaser)
    assert client.get("/workspace/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    assert "须更换一次" not in client.get(CHANGE).content.decode()


@pytest.mark.parametrize("max_age", [90, 0])
def test_must_change_password_forces_the_change_page(client, cast, settings, max_age):
    settings.PASSWORD_MAX_AGE_DAYS = max_age
    user = cast.purchaser
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    sign_in(client, user)
    assert client.get("/workspace/")["Location"] == CHANGE
    assert client.get("/workspace/profile/")["Location"] == CHANGE


def test_after_the_forced_change_the_workspace_opens(client, cast):
    user = cast.purchaser
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    age_password(user, 400)
    sign_in(client, user)

    response = change_password(client, PASSWORD, NEW)

    assert response["Location"] == "/workspace/"
    user.refresh_from_db()
    assert user.must_change_password is False
    assert client.get("/workspace/").status_code == 200


def test_staff_with_an_expired_password_give_the_code_first_then_change_it(client, cast):
    user = cast.operator
    age_password(user, 120)
    csrf_post(client, "/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert client.get("/workspace/")["Location"] == "/accounts/otp/?next=/workspace/"
    csrf_post(client, "/accounts/otp/", {"token": current_totp(user)})
    assert client.get("/workspace/")["Location"] == CHANGE
    assert change_password(client, PASSWORD, NEW)["Location"] == "/workspace/"
    assert client.get("/workspace/").status_code == 200
