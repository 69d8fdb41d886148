"""Every training endpoint (HTML and API) against every role of the cast and an anonymous
visitor, with the expected answer written down as data.

The world: the active course C (purchaser-duty) and an inactive course D; the city purchaser
(P) and the 文登 town clerk (T) passed C; a session S with P and the supplier signed up."""

from __future__ import annotations

import pytest
from django.test import Client

from govmall.core.context import Actor, acting_as
from govmall.testing import csrf_post, sign_in
from govmall.training import services
from govmall.training.models import Certificate, CourseRequirement, Signup, SignupStatus, TrainingSession
from govmall.training.testing import make_course, pass_course

from .conftest import make_session

pytestmark = pytest.mark.django_db

ANON = "anonymous"
LOGIN = "login"
ROLES = [ANON, "purchaser", "approver", "purchaser_town", "supplier", "operator", "supervisor_city", "supervisor_district", "admin"]
SIGNED_IN = ROLES[1:]
CENTRE = {"operator", "admin"}


def expect(default, **special):
    return {ANON: LOGIN, **{r: default for r in SIGNED_IN}, **special}


PAGES = {
    "mine": expect(200),
    "courses": expect(200),
    "course_c": expect(200),
    "course_d": expect(404, operator=200, admin=200),
    "attempt_p": expect(404, purchaser=200),
    "cert_p": expect(404, purchaser=200, approver=200, operator=200, supervisor_city=200, admin=200),
    "cert_t": expect(404, purchaser_town=200, operator=200, supervisor_city=200, admin=200),
    "course_create": expect(403, operator=200, admin=200),
    "course_edit": expect(404, operator=200, admin=200),
    "requirements": expect(403, operator=200, admin=200),
    "sessions": expect(200),
    "session": expect(200),
    "session_create": expect(403, operator=200, admin=200),
    "stats": expect(403, operator=200, supervisor_city=200, supervisor_district=200, admin=200),
}  # fmt: skip


@pytest.fixture
def world(cast):
    c = make_course("purchaser-duty", role="purchaser_clerk", title="采购人主体责任", audience="purchaser_clerk")
    d = make_course("old-course", role=None, title="旧课程", audience="purchaser_clerk")
    d.is_active = False
    d.save()
    pass_course(cast.purchaser, c)
    pass_course(cast.purchaser_town, c)
    s = make_session(capacity=10, course=c)
    with acting_as(Actor(username="t")):
        sp = services.signup_create(session=s, user=cast.purchaser)
        ss = services.signup_create(session=s, user=cast.supplier)
    return {
        "c": c, "d": d, "s": s, "signup_p": sp, "signup_s": ss,
        "cert_p": Certificate.objects.get(user=cast.purchaser), "cert_t": Certificate.objects.get(user=cast.purchaser_town),
        "attempt_p": cast.purchaser.training_attempts.first(), "req": CourseRequirement.objects.get(course=c),
    }  # fmt: skip


def url_of(name, w):
    return {
        "mine": "/training/", "courses": "/training/courses/", "course_c": f"/training/courses/{w['c'].code}/",
        "course_d": f"/training/courses/{w['d'].code}/", "attempt_p": f"/training/attempts/{w['attempt_p'].pk}/",
        "cert_p": f"/training/certificates/{w['cert_p'].pk}.pdf", "cert_t": f"/training/certificates/{w['cert_t'].pk}.pdf",
        "course_create": "/workspace/training/courses/new/", "course_edit": f"/workspace/training/courses/{w['c'].code}/edit/",
        "requirements": "/workspace/training/requirements/", "sessions": "/training/sessions/", "session": f"/training/sessions/{w['s'].pk}/",
        "session_create": "/workspace/training/sessions/new/", "stats": "/workspace/training/stats/",
    }[name]  # fmt: skip


def client_for(cast, role) -> Client:
    c = Client()
    if role != ANON:
        sign_in(c, getattr(cast, role))
    return c


def outcome(response):
    if response.status_code == 302 and "/accounts/login" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_every_page_against_every_role(cast, world, role):
    client = client_for(cast, role)
    got = {name: outcome(client.get(url_of(name, world))) for name in PAGES}
    assert got == {name: table[role] for name, table in PAGES.items()}


@pytest.mark.parametrize("role", ROLES)
def test_course_list_shows_inactive_courses_to_the_centre_only(cast, world, role):
    response = client_for(cast, role).get("/training/courses/")
    if role == ANON:
        return
    assert ("旧课程" in response.content.decode()) == (role in CENTRE)


SESSION_SIGNUPS = {
    "purchaser": {"purchaser"}, "approver": set(), "purchaser_town": set(), "supplier": {"supplier"},
    "operator": {"purchaser", "supplier"}, "supervisor_city": {"purchaser", "supplier"}, "supervisor_district": {"supplier"}, "admin": {"purchaser", "supplier"},
}  # fmt: skip


@pytest.mark.parametrize("role", SIGNED_IN)
def test_session_page_lists_only_the_signups_in_reach(cast, world, role):
    html = client_for(cast, role).get(f"/training/sessions/{world['s'].pk}/").content.decode()
    shown = {who for who in ("purchaser", "supplier") if str(getattr(cast, who)) in html}
    assert shown == SESSION_SIGNUPS[role]


@pytest.mark.parametrize("role", SIGNED_IN)
def test_stats_count_only_units_in_reach(cast, world, role):
    response = client_for(cast, role).get("/workspace/training/stats/")
    if response.status_code == 403:
        assert role not in {"operator", "admin", "supervisor_city", "supervisor_district"}
        return
    html = response.content.decode()
    districts = {name for name in ("威海市（市本级）", "文登区", "环翠区") if name in html}
    assert districts == {"operator": {"威海市（市本级）", "文登区"}, "admin": {"威海市（市本级）", "文登区"}, "supervisor_city": {"威海市（市本级）", "文登区"}, "supervisor_district": set()}[role]


WRITES = {
    "requirement_remove": expect(404, operator=302, admin=302),
    "session_cancel": expect(404, operator=302, admin=302),
    "attendance": expect(404, operator=302, admin=302),
    "session_finish": expect(404, operator=302, admin=302),
    "signup": expect(302),
    "signup_cancel_p": expect(404, purchaser=302, approver=302, operator=302, supervisor_city=302, admin=302),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(WRITES))
def test_every_write_against_every_role(cast, world, role, action):
    client = Client(enforce_csrf_checks=True)
    if role != ANON:
        sign_in(client, getattr(cast, role))
    s, sp = world["s"], world["signup_p"]
    if action in ("attendance", "session_finish"):
        TrainingSession.objects.filter(pk=s.pk).update(starts_at=s.starts_at.replace(year=s.starts_at.year - 1))
    url, data = {
        "requirement_remove": (f"/workspace/training/requirements/{world['req'].pk}/remove/", {}),
        "session_cancel": (f"/workspace/training/sessions/{s.pk}/cancel/", {"reason": "改期"}),
        "attendance": (f"/workspace/training/signups/{sp.pk}/attendance/", {"attended": "1"}),
        "session_finish": (f"/workspace/training/sessions/{s.pk}/finish/", {}),
        "signup": (f"/training/sessions/{s.pk}/signup/", {}),
        "signup_cancel_p": (f"/training/signups/{sp.pk}/cancel/", {}),
    }[action]
    response = csrf_post(client, url, data, form_url="/training/" if role != ANON else "/accounts/login/")
    assert outcome(response) == WRITES[action][role]
    sp.refresh_from_db()
    s.refresh_from_db()
    changed = {
        "requirement_remove": not CourseRequirement.objects.filter(pk=world["req"].pk).exists(),
        "session_cancel": s.status == "cancelled",
        "attendance": sp.status == SignupStatus.ATTENDED,
        "session_finish": s.status == "finished",
        "signup": role != ANON and Signup.objects.filter(session=s, user=getattr(cast, role), status="registered").exists(),
        "signup_cancel_p": sp.status == SignupStatus.CANCELLED,
    }[action]
    allowed = {
        "requirement_remove": CENTRE, "session_cancel": CENTRE, "attendance": CENTRE, "session_finish": CENTRE, "signup": set(SIGNED_IN),
        "signup_cancel_p": {"purchaser"},  # only the person; colleagues and staff see it but cannot cancel it
    }[action]  # fmt: skip
    assert changed == (role in allowed)


API = {
    "/api/v1/training/courses": {ANON: 401, **{r: 200 for r in SIGNED_IN}},
    "/api/v1/training/courses/purchaser-duty": {ANON: 401, **{r: 200 for r in SIGNED_IN}},
    "/api/v1/training/courses/old-course": {ANON: 401, **{r: 404 for r in SIGNED_IN}, "operator": 200, "admin": 200},
    "/api/v1/training/certificates": {ANON: 401, **{r: 200 for r in SIGNED_IN}},
    "/api/v1/training/sessions": {ANON: 401, **{r: 200 for r in SIGNED_IN}},
    "/api/v1/training/signups": {ANON: 401, **{r: 200 for r in SIGNED_IN}},
    "/api/v1/training/missing": {ANON: 401, **{r: 200 for r in SIGNED_IN}},
}


@pytest.mark.parametrize("role", ROLES)
def test_every_api_endpoint_against_every_role(cast, world, role):
    client = client_for(cast, role)
    got = {url: client.get(url).status_code for url in API}
    assert got == {url: t[role] for url, t in API.items()}
    if role == ANON:
        return
    certs = client.get("/api/v1/training/certificates").json()
    assert [c["course_code"] for c in certs] == (["purchaser-duty"] if role in ("purchaser", "purchaser_town") else [])
    missing = [m["code"] for m in client.get("/api/v1/training/missing").json()]
    assert missing == []  # the city unit and the town unit completed; approvers have nothing required
