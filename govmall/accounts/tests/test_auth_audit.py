"""Sign-in events in the audit log: who, their organization, from where, in which request."""

import pytest

from govmall.audit.models import AuditEntry
from govmall.audit.services import verify_chain
from govmall.testing import PASSWORD, csrf_post, current_totp

LOGIN = "/accounts/login/"


def sign_in_from(client, user, *, ip="203.0.113.7", request_id="req-signin-0001", **extra):
    return csrf_post(
        client,
        LOGIN,
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR=ip,
        HTTP_X_REQUEST_ID=request_id,
        **extra,
    )


def test_successful_sign_in_is_audited_with_actor_organization_address_and_request_id(client, cast):
    user = cast.purchaser
    org = user.organization

    response = sign_in_from(client, user)

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="login")
    assert (entry.actor_id, entry.actor_name) == (user.pk, "c_purchaser")
    assert (entry.org_id, entry.org_name) == (org.pk, org.name)
    assert entry.client_ip == "203.0.113.7"
    assert entry.request_id == "req-signin-0001"
    assert entry.source == "web"
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(user.pk))
    assert (entry.owner_org_id, entry.scope_path) == (org.pk, org.region.path)
    assert entry.message == "登录成功（密码）"
    assert response["X-Request-ID"] == "req-signin-0001"


def test_second_factor_is_audited_as_a_second_login_entry(client, cast):
    user = cast.supervisor_city
    sign_in_from(client, user, request_id="req-password-01")

    csrf_post(client, "/accounts/otp/", {"token": current_totp(user)}, REMOTE_ADDR="203.0.113.7", HTTP_X_REQUEST_ID="req-totp-00001")

    password, totp = AuditEntry.objects.filter(action="login").order_by("id")
    assert (password.request_id, password.message) == ("req-password-01", "登录成功（密码）")
    assert (totp.request_id, totp.message) == ("req-totp-00001", "完成双因素认证（动态口令）")
    assert (totp.actor_id, totp.org_id, totp.org_name) == (user.pk, user.organization_id, user.organization.name)
    assert totp.client_ip == "203.0.113.7"


def test_failed_sign_in_records_address_and_request_id_but_no_actor(client, cast):
    csrf_post(client, LOGIN, {"username": "c_purchaser", "password": "Wrong#Pass1"}, REMOTE_ADDR="198.51.100.20", HTTP_X_REQUEST_ID="req-failed-0001")
    entry = AuditEntry.objects.get(action="login_failed")
    assert (entry.actor_id, entry.actor_name, entry.org_id) == (None, "", None)
    assert (entry.client_ip, entry.request_id) == ("198.51.100.20", "req-failed-0001")
    assert entry.object_repr == "c_purchaser"


def test_client_address_ignores_x_forwarded_for_when_not_behind_the_proxy(client, cast):
    sign_in_from(client, cast.purchaser, ip="203.0.113.7", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert AuditEntry.objects.get(action="login").client_ip == "203.0.113.7"


def test_behind_the_proxy_the_last_forwarded_hop_is_the_client(client, cast, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The client wrote 10.9.9.9 itself; nginx appended the address it saw.
    sign_in_from(client, cast.purchaser, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.99")
    assert AuditEntry.objects.get(action="login").client_ip == "203.0.113.99"


def test_logout_is_audited(client, cast):
    user = cast.purchaser
    sign_in_from(client, user)
    csrf_post(client, "/accounts/logout/", form_url="/workspace/", HTTP_X_REQUEST_ID="req-logout-0001")
    entry = AuditEntry.objects.get(action="logout")
    assert (entry.actor_id, entry.object_id, entry.request_id) == (user.pk, str(user.pk), "req-logout-0001")


@pytest.mark.parametrize("who", ["purchaser", "operator"])
def test_sign_in_events_keep_the_audit_chain_intact(client, cast, who):
    user = getattr(cast, who)
    csrf_post(client, LOGIN, {"username": user.username, "password": "Wrong#Pass1"})
    sign_in_from(client, user)
    if user.needs_two_factor:
        csrf_post(client, "/accounts/otp/", {"token": current_totp(user)})
    assert AuditEntry.objects.count() >= 2
    report = verify_chain()
    assert report.ok, report.problem
    assert report.checked == AuditEntry.objects.count()
