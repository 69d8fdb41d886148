"""Who sees and changes which mall catalog version: every endpoint (HTML and API) against every
role of the cast and an anonymous visitor, the expected answers written down as data.

The world: Weihai's published version W1 and its draft W2; the province sub-site's published
version S1 and its draft S2. Outcomes: a set of labels (the exact list), LOGIN (redirect to
the sign-in page), or an HTTP status. Details answer 200 in scope and 404 out of it.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from govmall.catalog.mapping import COLUMNS
from govmall.catalog.models import MallCatalogVersion, MallItem
from govmall.catalog.tests.helpers import BASIC, draft, edition_2013, published, weihai
from govmall.subsites.models import Subsite
from govmall.testing import sign_in

LOGIN = "login"
ANON = "anonymous"
ROLES = [ANON, "purchaser", "approver", "purchaser_town", "supplier", "operator", "supervisor_city", "supervisor_district", "admin"]
ALL = {"W1", "W2", "S1", "S2"}
NON_STAFF = ("purchaser", "approver", "purchaser_town", "supplier")

VIEW_HTML = {  # /workspace/catalog/ and each version's pages, reports, diffs and exports
    ANON: LOGIN,
    **{r: 403 for r in NON_STAFF},
    "operator": {"W1", "W2"},  # the centre runs the Weihai sub-site
    "supervisor_city": {"W1", "W2"},  # the city's region
    # A district bureau's region lies below the city: it reads the catalog in force publicly.
    "supervisor_district": set(),
    "admin": ALL,
}
VIEW_API = {**VIEW_HTML, ANON: 401}  # refused to the same roles as the pages
CHANGE = {  # drafts: items, import, publish, discard, edition; creating a draft
    ANON: LOGIN,
    **{r: 403 for r in NON_STAFF},
    "operator": {"W2"},
    "supervisor_city": 403,
    "supervisor_district": 403,
    "admin": {"W2", "S2"},
}
SEARCH = {ANON: LOGIN, **{r: 403 for r in NON_STAFF}, "operator": 200, "supervisor_city": 403, "supervisor_district": 403, "admin": 200}
PUBLIC = {role: 200 for role in ROLES}  # /catalog/ and /api/v1/catalog/published: the version in force


def test_every_table_covers_every_role_of_the_cast(cast):
    assert ROLES[1:] == list(cast.all())
    for table in (VIEW_HTML, VIEW_API, CHANGE, SEARCH, PUBLIC):
        assert set(table) == set(ROLES)


@pytest.fixture
def world(cast):
    shandong = Subsite.objects.get(code="shandong")
    versions = {"W1": published(weihai()), "S1": published(shandong, BASIC[:2])}
    versions["W2"] = draft(weihai(), copy=True)
    versions["S2"] = draft(shandong, copy=True)
    return cast, versions


def client_for(client, cast, role):
    if role != ANON:
        sign_in(client, getattr(cast, role))
    return client


def outcome(response):
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    return response.status_code


def expected_for(table, role, label):
    rule = table[role]
    return 200 if isinstance(rule, set) and label in rule else (404 if isinstance(rule, set) else rule)


@pytest.mark.parametrize("role", ROLES)
def test_version_list_shows_exactly_the_versions_in_reach(client, world, role):
    cast, versions = world
    labels = {v.pk: k for k, v in versions.items()}
    response = client_for(client, cast, role).get(reverse("catalog:version_list"))
    if isinstance(VIEW_HTML[role], set):
        assert response.status_code == 200
        assert {labels[v.pk] for v in response.context["page"].object_list} == VIEW_HTML[role]
    else:
        assert outcome(response) == VIEW_HTML[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["version_detail", "report", "diff", "xlsx", "csv", "list_xlsx"])
def test_each_version_page_answers_in_scope_only(client, world, role, page):
    cast, versions = world
    c = client_for(client, cast, role)
    for label, version in versions.items():
        if page in ("xlsx", "csv"):
            url = reverse("catalog:mapping_export", args=[version.pk, page])
        elif page == "list_xlsx":
            url = reverse("catalog:version_detail", args=[version.pk]) + "?export=xlsx"
        else:
            url = reverse(f"catalog:{page}", args=[version.pk])
        response = c.get(url)
        assert (label, outcome(response)) == (label, expected_for(VIEW_HTML, role, label))
        if response.status_code == 200 and page in ("xlsx", "csv", "list_xlsx"):
            assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["item_add", "import", "publish", "discard", "item_edit", "item_remove"])
def test_each_draft_form_answers_to_those_who_may_change_it(client, world, role, page):
    cast, versions = world
    c = client_for(client, cast, role)
    for label in ("W2", "S2"):
        version = versions[label]
        item = version.items.order_by("pk").first()
        args = [version.pk, item.pk] if page.startswith("item_") and page != "item_add" else [version.pk]
        response = c.get(reverse(f"catalog:{page}", args=args))
        assert (label, outcome(response)) == (label, expected_for(CHANGE, role, label))


def _post(c, name, version, data=None, **extra):
    item = version.items.order_by("pk").first()
    args = [version.pk, item.pk] if name == "item_remove" else [version.pk]
    url = reverse(f"catalog:{name}", args=args)
    token = c.get(reverse("catalog:public")) and (c.cookies["csrftoken"].value if "csrftoken" in c.cookies else "")
    return c.post(url, {**(data or {}), "csrfmiddlewaretoken": token}, **extra)


def _state():
    return list(MallCatalogVersion.objects.order_by("pk").values_list("pk", "status", "edition_id")), list(
        MallItem.objects.order_by("pk").values_list("pk", "version_id", "local_code", "local_name", "category_id")
    )


WRITES = {
    "item_add": lambda: {"local_code": "WH-A02021003", "local_name": "A4黑白打印机", "category_code": "A02021003"},
    "item_remove": lambda: {},
    "publish": lambda: {},
    "discard": lambda: {},
    "change_edition": lambda: {"edition": edition_2013().pk},
    "import": lambda: {"mode": "merge", "file": _csv_upload()},
}


def _csv_upload():
    f = io.BytesIO((",".join(COLUMNS) + "\nWH-A02021003,A4黑白打印机,A02021003,,\n").encode("utf-8"))
    f.name = "对照表.csv"
    return f


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(WRITES))
def test_each_write_is_done_for_those_who_may_and_changes_nothing_for_others(client, world, role, action):
    cast, versions = world
    c = client_for(client, cast, role)
    for label in ("W2", "S2"):
        before = _state()
        response = _post(c, action, versions[label], WRITES[action]())
        allowed = expected_for(CHANGE, role, label) == 200
        if allowed:
            assert response.status_code == 302 and "/accounts/login/" not in response["Location"], label
            assert _state() != before, f"{action} on {label} by {role} changed nothing"
        else:
            assert (label, outcome(response)) == (label, expected_for(CHANGE, role, label))
            assert _state() == before


@pytest.mark.parametrize("role", ROLES)
def test_creating_a_draft_is_for_the_subsites_operators_and_admins(client, cast, role):
    published(weihai())
    c = client_for(client, cast, role)
    token = c.get(reverse("catalog:public")) and (c.cookies["csrftoken"].value if "csrftoken" in c.cookies else "")
    response = c.post(reverse("catalog:version_create"), {"source": "copy", "note": "", "csrfmiddlewaretoken": token})
    drafts = MallCatalogVersion.objects.filter(status="draft").count()
    if role in ("operator", "admin"):
        assert response.status_code == 302 and drafts == 1
    else:
        assert outcome(response) == CHANGE[role] and drafts == 0


@pytest.mark.parametrize("role", ROLES)
def test_category_search_is_for_those_who_edit_drafts(client, cast, role):
    response = client_for(client, cast, role).get(reverse("catalog:category_search") + "?category_code=笔记本")
    assert outcome(response) == SEARCH[role]


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_the_catalog_in_force(client, world, role):
    cast, versions = world
    c = client_for(client, cast, role)
    response = c.get(reverse("catalog:public"))
    assert response.status_code == PUBLIC[role]
    assert response.context["version"] == versions["W1"] and response.context["count"] == 3
    api = c.get("/api/v1/catalog/published")
    assert api.status_code == PUBLIC[role]
    assert api.json()["version"]["number"] == 1 and [i["local_code"] for i in api.json()["items"]] == [c[0] for c in BASIC]
    assert c.get("/api/v1/catalog/published?subsite=shandong").json()["version"]["id"] == versions["S1"].pk


@pytest.mark.parametrize("role", ROLES)
def test_api_lists_and_reads_versions_in_scope_only(client, world, role):
    cast, versions = world
    labels = {v.pk: k for k, v in versions.items()}
    c = client_for(client, cast, role)
    response = c.get("/api/v1/catalog/versions")
    if isinstance(VIEW_API[role], set):
        assert response.status_code == 200
        assert {labels[v["id"]] for v in response.json()["items"]} == VIEW_API[role]
    else:
        assert response.status_code == VIEW_API[role]
    for label, version in versions.items():
        for suffix in ("", "/items", "/report"):
            answer = c.get(f"/api/v1/catalog/versions/{version.pk}{suffix}")
            assert (label, suffix, answer.status_code) == (label, suffix, expected_for(VIEW_API, role, label))
            if answer.status_code == 403:
                assert answer.json() == {"detail": "您的角色不能使用此功能"}


def test_a_published_version_refuses_edits_politely_and_changes_nothing(client, world):
    cast, versions = world
    c = sign_in(client, cast.operator)
    before = _state()
    for action in ("item_add", "publish", "discard", "import", "item_remove"):
        response = _post(c, action, versions["W1"], WRITES[action]() if action in ("item_add", "import") else {})
        assert response.status_code == 302 and response["Location"] == reverse("catalog:version_detail", args=[versions["W1"].pk])
    assert _state() == before
    page = c.get(reverse("catalog:version_detail", args=[versions["W1"].pk]))
    assert "已冻结" in page.content.decode()
