"""Response headers and markup that Content-Security-Policy relies on: no inline script or
style anywhere, framing refused, a request id on every answer."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from govmall.accounts.models import Role
from govmall.audit.models import AuditEntry
from govmall.testing import PASSWORD, csrf_post, make_user, sign_in
from govmall.workdays.models import HolidayYear


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


class InlineCodeFinder(HTMLParser):
    """Collects what CSP without 'unsafe-inline' would block (or what needs it)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts: list[dict] = []
        self._in: str | None = None
        self._body: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>")
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=...> (inline event handler)")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self.scripts.append(attributes)
            self._in, self._body = "script", []
            # A JSON data block is not executed and CSP does not apply to it.
            if not attributes.get("src") and attributes.get("type") != "application/json":
                self.problems.append(f"<script> without src: {attributes}")
        elif tag == "style":
            self.problems.append("<style> element")

    def handle_data(self, data):
        if self._in == "script":
            self._body.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in == "script":
            body = "".join(self._body).strip()
            if body and self.scripts[-1].get("type") != "application/json":
                self.problems.append(f"inline script body: {body[:60]!r}")
            self._in = None


def inline_code(response) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(response.content.decode())
    finder.close()
    return finder.problems


def assert_hardened(response, label: str) -> None:
    directives = csp_directives(response)
    header = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header, label
    assert "'unsafe-eval'" not in header, label
    assert directives["script-src"] == ["'self'"], label
    assert directives["style-src"] == ["'self'"], label
    assert directives["default-src"] == ["'self'"], label
    assert directives["frame-ancestors"] == ["'none'"], label
    assert directives["object-src"] == ["'none'"], label
    assert directives["form-action"] == ["'self'"], label
    assert response["X-Frame-Options"] == "DENY", label
    assert response["X-Content-Type-Options"] == "nosniff", label
    assert response["Referrer-Policy"] == "same-origin", label
    if response["Content-Type"].startswith("text/html"):
        assert inline_code(response) == [], label


PUBLIC_PAGES = ["/", "/accounts/login/", "/suppliers/", "/calendar/", "/s/weihai/", "/no-such-page/", "/api/v1/docs"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_a_strict_policy_and_no_inline_code(client, db, path):
    response = client.get(path)
    assert response.status_code == (404 if path == "/no-such-page/" else 200)
    assert_hardened(response, path)


def test_csp_header_is_exactly_the_configured_policy(client, db):
    directives = csp_directives(client.get("/"))
    assert directives == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }


def _back_office_pages(user) -> list[str]:
    from govmall.accounts.navigation import menu_for

    pages = ["/workspace/", "/workspace/profile/", "/workspace/notifications/", "/accounts/password/"]
    pages += [item["url"] for item in menu_for(user)]
    return list(dict.fromkeys(pages))


@pytest.mark.parametrize("who", ["purchaser", "approver", "supplier", "operator", "supervisor_city", "admin"])
def test_every_back_office_page_of_every_role_is_free_of_inline_code(client, cast, who):
    user = getattr(cast, who)
    sign_in(client, user)
    pages = _back_office_pages(user)
    assert len(pages) >= 4
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_hardened(response, path)
        title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
        assert "<" not in title and "\n" not in title, f"{path}: the page title holds markup: {title[:80]}"


def test_detail_and_edit_pages_are_free_of_inline_code(client, cast):
    sign_in(client, cast.admin)
    year = HolidayYear.objects.order_by("year").first().year
    entry = AuditEntry.objects.order_by("id").first()
    for path in [
        f"/workspace/orgs/{cast.purchaser.organization_id}/",
        f"/workspace/users/{cast.purchaser.pk}/",
        f"/workspace/audit/{entry.pk}/",
        f"/workspace/holidays/{year}/",
        "/workspace/site-style/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_hardened(response, path)


def test_sign_in_steps_and_refusals_are_free_of_inline_code(client, cast):
    # Wrong password, form errors shown.
    response = csrf_post(client, "/accounts/login/", {"username": "c_operator", "password": "Wrong#Pass1"})
    assert response.status_code == 200
    assert_hardened(response, "login with error")
    # The second-factor page.
    csrf_post(client, "/accounts/login/", {"username": "c_operator", "password": PASSWORD})
    response = client.get("/accounts/otp/")
    assert response.status_code == 200
    assert_hardened(response, "otp")
    # Enrolment, with its QR code as a data: image.
    newcomer = make_user(Role.FINANCE_SUPERVISOR, totp_device=False, username="sec_newcomer")
    other = Client(enforce_csrf_checks=True)
    csrf_post(other, "/accounts/login/", {"username": newcomer.username, "password": PASSWORD})
    response = other.get("/accounts/otp/enroll/")
    assert response.status_code == 200
    assert 'src="data:image/svg+xml' in response.content.decode()
    assert_hardened(response, "enrol")
    # Lockout answer (429).
    locked = Client(enforce_csrf_checks=True)
    for _ in range(5):
        response = csrf_post(locked, "/accounts/login/", {"username": "c_supplier", "password": "Wrong#Pass1"})
    assert response.status_code == 429
    assert_hardened(response, "locked")


def test_forbidden_page_is_free_of_inline_code(client, cast):
    sign_in(client, cast.purchaser)
    response = client.get("/workspace/audit/")
    assert response.status_code == 403
    assert_hardened(response, "403")


def test_early_answers_carry_the_headers_too(client, db):
    # Answered before the view layer: an unknown host (400) and an unknown sub-site (404).
    bad_host = client.get("/", HTTP_HOST="evil.example")
    assert bad_host.status_code == 400
    assert_hardened(bad_host, "400 bad host")
    no_site = client.get("/s/nowhere/")
    assert no_site.status_code == 404
    assert_hardened(no_site, "404 unknown sub-site")


def test_request_id_is_echoed(client, db):
    response = client.get("/", HTTP_X_REQUEST_ID="req-2026-abcdef")
    assert response["X-Request-ID"] == "req-2026-abcdef"


@pytest.mark.parametrize("incoming", ["", "short", "has spaces in it", "x" * 65, "bad\u00e9value123", "<script>alert(1)</script>"])
def test_malformed_or_missing_request_id_is_replaced_by_a_fresh_one(client, db, incoming):
    extra = {"HTTP_X_REQUEST_ID": incoming} if incoming else {}
    response = client.get("/", **extra)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_request_id_is_on_redirects_refusals_and_errors_too(client, cast):
    assert client.get("/workspace/", HTTP_X_REQUEST_ID="req-redirect-1")["X-Request-ID"] == "req-redirect-1"
    assert client.get("/no-such/", HTTP_X_REQUEST_ID="req-notfound-1")["X-Request-ID"] == "req-notfound-1"
    assert client.get("/", HTTP_HOST="evil.example", HTTP_X_REQUEST_ID="req-badhost-1")["X-Request-ID"] == "req-badhost-1"
    assert client.post("/accounts/login/", {}, HTTP_X_REQUEST_ID="req-csrf-0001")["X-Request-ID"] == "req-csrf-0001"


def test_each_request_gets_its_own_id(client, db):
    ids = {client.get("/")["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3
