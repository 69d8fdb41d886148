"""Requests for a host not in ALLOWED_HOSTS are refused with a 400 that names the setting."""

import pytest


def test_unknown_host_gets_400_naming_the_setting(client, db):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    body = response.content.decode()
    assert "GOVMALL_ALLOWED_HOSTS" in body
    assert "“evil.example”" in body
    assert "Traceback" not in body
    assert response["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/me", "/workspace/"])
def test_unknown_host_is_refused_on_every_path(client, db, path):
    response = client.get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "GOVMALL_ALLOWED_HOSTS" in response.content.decode()


def test_unknown_host_cannot_post_a_sign_in(client, cast):
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/accounts/login/", {"username": "c_purchaser", "password": "Test#Pass2026", "csrfmiddlewaretoken": token}, HTTP_HOST="evil.example"
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_host_header_is_escaped_in_the_400_page(client, db):
    response = client.get("/", HTTP_HOST="evil<b>.example")
    assert response.status_code == 400
    assert "<b>" not in response.content.decode()


def test_configured_hosts_are_served_and_others_refused(client, db, settings):
    settings.ALLOWED_HOSTS = ["weihai.gpmall.example.cn"]
    assert client.get("/", HTTP_HOST="weihai.gpmall.example.cn").status_code == 200
    assert client.get("/", HTTP_HOST="testserver").status_code == 400
    assert client.get("/", HTTP_HOST="weihai.gpmall.example.cn.evil.example").status_code == 400
