"""The demo data behind `make run`: loading it twice creates nothing the second time, and
every demo login works (with its TOTP code where the role needs one).

These tests cover the foundation's demo (organizations, people, TOTP devices). The loaders
that apps above accounts add through `app_demo_loaders` are switched off here: each app tests
its own, and the catalog's takes minutes, which would make every test below slow."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from govmall.accounts.models import Organization, User
from govmall.audit.models import AuditEntry
from govmall.audit.services import verify_chain
from govmall.portal.demo import DEMO_PASSWORD, PURCHASERS, SUPPLIERS, USERS, load_demo
from govmall.testing import csrf_post, current_totp


@pytest.fixture(autouse=True)
def foundation_only(monkeypatch):
    monkeypatch.setattr("govmall.portal.demo.app_demo_loaders", lambda: [])


def counts():
    return Organization.objects.count(), User.objects.count(), AuditEntry.objects.count()


def test_load_demo_twice_creates_nothing_the_second_time(db):
    first = load_demo()
    after_first = counts()
    assert first["users"] == len(USERS) == 8
    # platform group, procurement centre, 8 finance bureaus, purchasers, suppliers, 2 agencies
    assert first["organizations"] == after_first[0] == 1 + 1 + 8 + len(PURCHASERS) + len(SUPPLIERS) + 2
    assert Organization.objects.filter(code__in=[p[0] for p in PURCHASERS]).count() == len(PURCHASERS)
    assert Organization.objects.filter(name__in=[s[0] for s in SUPPLIERS], kind="supplier").count() == len(SUPPLIERS)
    assert load_demo() == {"organizations": 0, "users": 0}
    assert counts() == after_first
    assert verify_chain().ok


def test_load_demo_command_reports_nothing_created_the_second_time(db):
    call_command("load_demo", "--quiet-logins", stdout=io.StringIO())
    before = counts()
    out = io.StringIO()
    call_command("load_demo", "--quiet-logins", stdout=out)
    assert out.getvalue() == "demo data: 0 organizations and 0 users created\n"
    assert counts() == before


@pytest.fixture
def demo(db):
    load_demo()


@pytest.mark.parametrize("username, display, needs_totp", [(u, d, bool(set(roles) & {"centre_operator", "finance_supervisor", "platform_admin"})) for u, d, _, roles in USERS])
def test_demo_user_signs_in_with_the_published_password(client, demo, username, display, needs_totp):
    response = csrf_post(client, "/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    if needs_totp:
        otp_url = response["Location"]
        assert otp_url.startswith("/accounts/otp/?next=")
        assert client.get("/workspace/")["Location"].startswith("/accounts/otp/")  # not in yet
        user = User.objects.get(username=username)
        response = csrf_post(client, otp_url, {"token": current_totp(user)})
        assert response.status_code == 302
    assert response["Location"] == "/workspace/"
    page = client.get("/workspace/")
    assert page.status_code == 200
    assert page.context["user"].username == username
    assert display in page.content.decode()


def test_demo_password_is_refused_with_a_wrong_letter(client, demo):
    response = csrf_post(client, "/accounts/login/", {"username": "purchaser", "password": DEMO_PASSWORD.lower()})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert client.get("/workspace/").status_code == 302
