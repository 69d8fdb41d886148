"""Account lockout after repeated failed sign-ins (django-axes, AXES_* settings).

Five failures for one user name lock it for 30 minutes; an unknown name is answered exactly
like a wrong password; every failure and the lockout are audited, never with the password."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from govmall.accounts.forms import GENERIC_LOGIN_ERROR
from govmall.audit.models import AuditEntry
from govmall.testing import PASSWORD, csrf_post, weihai

LOGIN = "/accounts/login/"
WRONG = "Wrong#Pass2026"
LOCKED_TEXT = "连续 5 次登录失败，该账户已被锁定，请 30 分钟后再试。"
_ALERT = re.compile(r'<(?:div|p) class="[^"]*" role="alert"[^>]*>(.*?)</(?:div|p)>', re.S)


def attempt(client, username, password):
    return csrf_post(client, LOGIN, {"username": username, "password": password})


def alerts(response) -> list[str]:
    """The error texts shown on a rendered page (role="alert" elements), in order."""
    return [re.sub(r"\s+", " ", text).strip() for text in _ALERT.findall(response.content.decode())]


def locked_message(response) -> str:
    match = re.search(r'id="locked-message">(.*?)</div>', response.content.decode(), re.S)
    return match.group(1) if match else ""


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def age_attempts(username: str, minutes: int) -> None:
    """Pretend the recorded failures for `username` happened `minutes` ago."""
    AccessAttempt.objects.filter(username=username).update(attempt_time=timezone.now() - timedelta(minutes=minutes))


def test_wrong_password_is_refused_with_the_generic_message(client, cast):
    response = attempt(client, "c_purchaser", WRONG)
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/login.html"
    assert alerts(response) == [GENERIC_LOGIN_ERROR]
    assert locked_message(response) == ""
    assert not is_signed_in(client)


def test_unknown_user_and_wrong_password_get_the_same_answer(client, cast):
    wrong_password = attempt(client, "c_purchaser", WRONG)
    unknown_user = attempt(client, "no_such_person", WRONG)
    assert unknown_user.status_code == wrong_password.status_code == 200
    assert alerts(unknown_user) == alerts(wrong_password) == [GENERIC_LOGIN_ERROR]


def test_disabled_account_gets_the_same_answer_as_a_wrong_password(client, cast):
    cast.purchaser.is_active = False
    cast.purchaser.save(update_fields=["is_active"])
    response = attempt(client, "c_purchaser", PASSWORD)
    assert response.status_code == 200
    assert alerts(response) == [GENERIC_LOGIN_ERROR]
    assert not is_signed_in(client)


def test_fifth_failure_locks_the_account_with_http_429(client, cast):
    for n in range(1, 5):
        response = attempt(client, "c_purchaser", WRONG)
        assert response.status_code == 200, f"attempt {n}"
        assert locked_message(response) == ""
    fifth = attempt(client, "c_purchaser", WRONG)
    assert fifth.status_code == 429
    assert fifth.templates[0].name == "accounts/login.html"
    assert LOCKED_TEXT in locked_message(fifth)
    assert AccessAttempt.objects.get(username="c_purchaser").failures_since_start == 5


def test_locked_account_refuses_even_the_right_password(client, cast):
    for _ in range(5):
        attempt(client, "c_purchaser", WRONG)
    logins_before = AuditEntry.objects.filter(action="login").count()

    response = attempt(client, "c_purchaser", PASSWORD)

    assert response.status_code == 429
    assert LOCKED_TEXT in locked_message(response)
    assert not is_signed_in(client)
    assert AuditEntry.objects.filter(action="login").count() == logins_before
    assert client.get("/workspace/").status_code == 302


def test_unknown_user_name_locks_after_five_failures_with_the_same_message(client, cast):
    for _ in range(5):
        attempt(client, "c_purchaser", WRONG)
    real_locked = attempt(client, "c_purchaser", WRONG)

    unknown = [attempt(client, "ghost_user", WRONG) for _ in range(5)]

    assert [r.status_code for r in unknown] == [200, 200, 200, 200, 429]
    assert [alerts(r) for r in unknown[:4]] == [[GENERIC_LOGIN_ERROR]] * 4
    assert locked_message(unknown[4]) == locked_message(real_locked)
    assert alerts(unknown[4]) == alerts(real_locked)
    assert AccessAttempt.objects.get(username="ghost_user").failures_since_start == 5


def test_lockout_is_per_user_name_not_per_address(client, cast):
    for _ in range(5):
        attempt(client, "c_purchaser", WRONG)
    response = attempt(client, "c_approver", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/workspace/"
    assert client.session["_auth_user_id"] == str(cast.approver.pk)


def test_padding_or_widening_the_user_name_does_not_dodge_the_lock(client, cast):
    for name in ["c_purchaser", " c_purchaser", "c_purchaser ", "  c_purchaser", "ｃ_purchaser"]:
        attempt(client, name, WRONG)
    assert list(AccessAttempt.objects.values_list("username", flat=True).distinct()) == ["c_purchaser"]
    response = attempt(client, "c_purchaser", PASSWORD)
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_success_before_the_limit_resets_the_count(client, cast):
    for _ in range(4):
        attempt(client, "c_purchaser", WRONG)
    assert attempt(client, "c_purchaser", PASSWORD).status_code == 302
    client.logout()
    assert not AccessAttempt.objects.filter(username="c_purchaser").exists()
    for _ in range(4):
        assert attempt(client, "c_purchaser", WRONG).status_code == 200
    assert attempt(client, "c_purchaser", PASSWORD).status_code == 302


def test_account_stays_locked_within_the_30_minute_cool_off(client, cast):
    for _ in range(5):
        attempt(client, "c_purchaser", WRONG)
    age_attempts("c_purchaser", 29)
    response = attempt(client, "c_purchaser", PASSWORD)
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_right_password_works_again_after_the_cool_off(client, cast):
    for _ in range(5):
        attempt(client, "c_purchaser", WRONG)
    age_attempts("c_purchaser", 31)
    response = attempt(client, "c_purchaser", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/workspace/"
    assert client.session["_auth_user_id"] == str(cast.purchaser.pk)
    assert client.get("/workspace/").status_code == 200


def test_each_failure_and_the_lockout_are_audited(client, cast):
    for _ in range(5):
        attempt(client, "c_purchaser", WRONG)
    failed = AuditEntry.objects.filter(action="login_failed").order_by("id")
    locked = AuditEntry.objects.filter(action="locked_out")
    assert failed.count() == 5
    assert locked.count() == 1
    for entry in [*failed, *locked]:
        assert entry.object_type == "accounts.user"
        assert entry.object_repr == "c_purchaser"
        # Not tied to an account: the entry must not reveal whether the name exists.
        assert entry.object_id == ""
        assert entry.actor_id is None
        assert entry.client_ip == "127.0.0.1"
        assert entry.scope_path == weihai().region.path  # the sub-site it was tried on
    assert failed[0].message == "用户名或密码错误"
    assert locked.get().message == "连续 5 次登录失败，账户锁定 30 分钟"
    # The lockout is recorded right after the fifth failure.
    assert locked.get().id > failed[3].id


def test_failures_of_unknown_user_names_are_audited_alike(client, cast):
    for _ in range(5):
        attempt(client, "ghost_user", WRONG)
    assert list(AuditEntry.objects.filter(action="login_failed").values_list("object_repr", "object_id")) == [("ghost_user", "")] * 5
    assert list(AuditEntry.objects.filter(action="locked_out").values_list("object_repr", flat=True)) == ["ghost_user"]


@pytest.mark.parametrize("secret", [WRONG, PASSWORD])
def test_password_never_appears_in_the_audit_log_or_attempt_records(client, cast, secret):
    for _ in range(6):
        attempt(client, "c_purchaser", WRONG)
    attempt(client, "c_purchaser", PASSWORD)
    age_attempts("c_purchaser", 31)
    attempt(client, "c_purchaser", PASSWORD)  # succeeds: writes a login entry too

    entries = list(AuditEntry.objects.values())
    assert {e["action"] for e in entries} >= {"login_failed", "locked_out", "login"}
    for entry in entries:
        assert secret not in repr(entry)
    for record in AccessAttempt.objects.values():
        assert secret not in repr(record)
