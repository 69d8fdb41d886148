"""Every page and API endpoint of purchasers, plans and limits against every role of the
cast (and an anonymous visitor), with the expected answer written down as data.

The world: the cast's two purchaser units (P: 威海市, T: 文登区张家产镇) plus WD (文登区) and
HCT (环翠区张村镇), each with one plan and one reservation; one applied rename in 环翠区 (HX →
HY) and one in 文登区 (WX → WY); the city's shipped standard (C) and a 环翠区 draft (HD).
Outcomes: a set of labels (exactly those listed), LOGIN (sent to sign in), or an HTTP status.
"""

from __future__ import annotations

import json
import re

import pytest

from govmall.core.context import Actor, acting_as
from govmall.limits.models import LimitStandard
from govmall.limits.services import reserve, standard_draft
from govmall.purchasers.budget import today
from govmall.purchasers.restructuring import SuccessorInput, restructure_register
from govmall.purchasers.tests.helpers import make_plan, make_purchaser, purchaser_of
from govmall.regions.models import Region
from govmall.testing import csrf_post, sign_in, valid_uscc

LOGIN = "login"
ANON = "anonymous"
ROLES = [ANON, "purchaser", "approver", "purchaser_town", "supplier", "operator", "supervisor_city", "supervisor_district", "admin"]
STAFF = {"operator", "supervisor_city", "supervisor_district", "admin"}
CITY_UNITS = {"P", "T", "WD", "HCT", "HX", "HY", "WX", "WY"}
HC_UNITS = {"HCT", "HX", "HY"}


def by_role(anon, purchaser, approver, town, supplier, operator, city, district, admin):
    return dict(zip(ROLES, [anon, purchaser, approver, town, supplier, operator, city, district, admin]))


PURCHASER_LIST = by_role(LOGIN, 403, 403, 403, 403, CITY_UNITS, CITY_UNITS, HC_UNITS, CITY_UNITS)
PURCHASER_DETAIL = by_role(LOGIN, {"P"}, {"P"}, {"T"}, set(), CITY_UNITS, CITY_UNITS, HC_UNITS, CITY_UNITS)
PLAN_LIST = by_role(LOGIN, {"P"}, {"P"}, {"T"}, 403, {"P", "T", "WD", "HCT"}, {"P", "T", "WD", "HCT"}, {"HCT"}, {"P", "T", "WD", "HCT"})
PLAN_DETAIL = {**PLAN_LIST, "supplier": set()}
RESERVATION_LIST = PLAN_LIST
RESERVATION_DETAIL = PLAN_DETAIL
RESTRUCTURE_LIST = by_role(LOGIN, 403, 403, 403, 403, {"HX", "WX"}, {"HX", "WX"}, {"HX"}, {"HX", "WX"})
RESTRUCTURE_DETAIL = by_role(LOGIN, set(), set(), set(), set(), {"HX", "WX"}, {"HX", "WX"}, {"HX"}, {"HX", "WX"})
STANDARD_DETAIL = by_role(LOGIN, 403, 403, 403, 403, {"C", "HD"}, {"C", "HD"}, {"C", "HD"}, {"C", "HD"})
PAGE_STAFF = by_role(LOGIN, 403, 403, 403, 403, 200, 200, 200, 200)  # standards list
PAGE_MAINTAIN = by_role(LOGIN, 403, 403, 403, 403, 403, 200, 200, 200)  # create / import pages
PAGE_CHECK = by_role(LOGIN, 200, 200, 200, 403, 200, 200, 200, 200)
PAGE_MY_CAPS = by_role(LOGIN, 200, 200, 200, 403, 403, 403, 403, 403)
PUBLIC = by_role(200, 200, 200, 200, 200, 200, 200, 200, 200)
EDIT_P = by_role(LOGIN, 404, 404, 404, 404, 404, 200, 404, 200)  # purchasers:edit of the city unit P
EDIT_HCT = by_role(LOGIN, 404, 404, 404, 404, 404, 200, 200, 200)
ADJUST_PLAN_P = EDIT_P
EDIT_DRAFT_HD = by_role(LOGIN, 404, 404, 404, 404, 404, 403, 200, 200)  # the 环翠区 draft: its own bureau (and admins)
API_PURCHASERS = by_role(401, {"P"}, {"P"}, {"T"}, set(), CITY_UNITS, CITY_UNITS, HC_UNITS, CITY_UNITS)
API_PLANS = by_role(401, {"P"}, {"P"}, {"T"}, set(), {"P", "T", "WD", "HCT"}, {"P", "T", "WD", "HCT"}, {"HCT"}, {"P", "T", "WD", "HCT"})
API_RESERVATIONS = API_PLANS
API_CAPS_OWN = by_role(401, 200, 200, 200, 404, 404, 404, 404, 404)
API_CHECK = by_role(401, 200, 200, 200, 403, 200, 200, 404, 200)  # staff check for P by code; 环翠区 cannot reach P


@pytest.fixture
def world(cast):
    from govmall.accounts.models import Organization

    for user, code in ((cast.purchaser, "C-P"), (cast.purchaser_town, "C-T")):  # the cast's units have no budget code
        Organization.objects.filter(pk=user.organization_id).update(code=code)
        user.organization.code = code
    units = {"P": purchaser_of(cast.purchaser), "T": purchaser_of(cast.purchaser_town)}
    units["WD"] = make_purchaser("371003", code="W-WD", name="文登测试单位")
    units["HCT"] = make_purchaser("371002100", code="W-HCT", name="张村镇测试单位")
    units["HX"] = make_purchaser("371002", code="W-HX", name="环翠旧名单位")
    units["WX"] = make_purchaser("371003", code="W-WX", name="文登旧名单位")
    restructures = {}
    with acting_as(Actor(username="scope-test"), source="command"):
        for old, new, region in (("HX", "HY", "371002"), ("WX", "WY", "371003")):
            restructures[old] = restructure_register(
                number=f"更名-{old}", type="rename", effective_date=today(), predecessor_codes=[units[old].code],
                successors=[SuccessorInput(code=f"W-{new}", name=f"{new} 新名单位", uscc=valid_uscc(region))],
            )  # fmt: skip
            units[new] = restructures[old].successors().get()
        plans, reservations = {}, {}
        for label in ("P", "T", "WD", "HCT"):
            plans[label] = make_plan(units[label], "200000", plan_no=f"WP-{label}")
            reservations[label] = reserve(purchaser=units[label], plan=plans[label], category="A02010105", amount="1000", mode="direct")
        standards = {"C": LimitStandard.objects.get(region__code="371000", version=1), "HD": standard_draft(region=Region.objects.get(code="371002"))}
    return {"cast": cast, "units": units, "plans": plans, "reservations": reservations, "restructures": restructures, "standards": standards}


def client_for(client, world, role):
    if role != ANON:
        sign_in(client, world["cast"].all()[role])
    return client


def outcome_of(response):
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    return response.status_code


def labels_in(html, names: dict) -> set[str]:
    return {label for label, name in names.items() if re.search(re.escape(name), html)}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_purchaser_pages_by_role(client, world, role):
    c = client_for(client, world, role)
    units = world["units"]
    r = c.get("/workspace/purchasers/")
    expected = PURCHASER_LIST[role]
    if isinstance(expected, set):
        assert r.status_code == 200
        assert labels_in(r.content.decode(), {k: f">{u.name}<" for k, u in units.items()}) == expected
        assert c.get("/workspace/purchasers/?export=xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")
    else:
        assert outcome_of(r) == expected
    for label, unit in units.items():
        r = c.get(f"/workspace/purchasers/{unit.pk}/")
        want = PURCHASER_DETAIL[role]
        assert outcome_of(r) == (want if not isinstance(want, set) else 200 if label in want else 404), (label, r.status_code)
    assert outcome_of(c.get(f"/workspace/purchasers/{units['P'].pk}/edit/")) == EDIT_P[role]
    assert outcome_of(c.get(f"/workspace/purchasers/{units['HCT'].pk}/edit/")) == EDIT_HCT[role]
    for url in ("/workspace/purchasers/new/", "/workspace/purchasers/import/", "/workspace/restructures/new/", "/workspace/plans/new/"):
        assert outcome_of(c.get(url)) == PAGE_MAINTAIN[role], url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_restructure_pages_by_role(client, world, role):
    c = client_for(client, world, role)
    r = c.get("/workspace/restructures/")
    expected = RESTRUCTURE_LIST[role]
    if isinstance(expected, set):
        assert labels_in(r.content.decode(), {k: f"更名-{k}<" for k in world["restructures"]}) == expected
    else:
        assert outcome_of(r) == expected
    for label, rs in world["restructures"].items():
        want = RESTRUCTURE_DETAIL[role]
        got = outcome_of(c.get(f"/workspace/restructures/{rs.pk}/"))
        assert got == (want if not isinstance(want, set) else 200 if label in want else 404), label


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_plan_and_reservation_pages_by_role(client, world, role):
    c = client_for(client, world, role)
    for url, table, details, objs in (
        ("/workspace/plans/", PLAN_LIST, PLAN_DETAIL, world["plans"]),
        ("/workspace/limits/reservations/", RESERVATION_LIST, RESERVATION_DETAIL, world["reservations"]),
    ):
        r = c.get(url)
        expected = table[role]
        if isinstance(expected, set):
            html = r.content.decode()
            assert labels_in(html, {k: f">WP-{k}<" for k in objs}) == expected, url
            assert c.get(url + "?export=xlsx").status_code == 200
        else:
            assert outcome_of(r) == expected, url
        for label, obj in objs.items():
            base = "/workspace/plans/" if url.startswith("/workspace/plans") else "/workspace/limits/reservations/"
            want = details[role]
            got = outcome_of(c.get(f"{base}{obj.pk}/"))
            assert got == (want if not isinstance(want, set) else 200 if label in want else 404), (url, label)
    assert outcome_of(c.get(f"/workspace/plans/{world['plans']['P'].pk}/adjust/")) == ADJUST_PLAN_P[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_limits_pages_by_role(client, world, role):
    c = client_for(client, world, role)
    assert outcome_of(c.get("/workspace/limits/")) == PAGE_STAFF[role]
    assert outcome_of(c.get("/workspace/limits/?region=371002")) == PAGE_STAFF[role]
    assert outcome_of(c.get("/workspace/limits/check/")) == PAGE_CHECK[role]
    assert outcome_of(c.get("/workspace/my-caps/")) == PAGE_MY_CAPS[role]
    assert outcome_of(c.get("/limits/notices/")) == PUBLIC[role]
    notice = world["standards"]["C"].notice
    assert outcome_of(c.get(f"/limits/notices/{notice.pk}/")) == PUBLIC[role]
    for label, std in world["standards"].items():
        want = STANDARD_DETAIL[role]
        got = outcome_of(c.get(f"/workspace/limits/{std.pk}/"))
        assert got == (want if not isinstance(want, set) else 200 if label in want else 404), label
    assert outcome_of(c.get(f"/workspace/limits/{world['standards']['HD'].pk}/edit/")) == EDIT_DRAFT_HD[role]
    usage = outcome_of(c.get(f"/workspace/limits/usage/{world['units']['P'].pk}/"))
    want = PURCHASER_DETAIL[role]
    assert usage == (want if not isinstance(want, set) else 200 if "P" in want else 404)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_by_role(client, world, role):
    c = client_for(client, world, role)
    units = world["units"]
    for url, table, key in (
        ("/api/v1/purchasers/", API_PURCHASERS, lambda item: next(k for k, u in units.items() if u.pk == item["id"])),
        ("/api/v1/plans/", API_PLANS, lambda item: item["plan_no"][3:]),
        ("/api/v1/limits/reservations", API_RESERVATIONS, lambda item: next(k for k, p in world["plans"].items() if p.plan_no == item["plan_no"])),
    ):
        r = c.get(url)
        expected = table[role]
        if isinstance(expected, set):
            assert r.status_code == 200, url
            assert {key(i) for i in r.json()["items"]} == expected, url
        else:
            assert r.status_code == expected, url
    for label, unit in units.items():
        want = API_PURCHASERS[role]
        got = c.get(f"/api/v1/purchasers/{unit.code}").status_code
        assert got == (want if not isinstance(want, set) else 200 if label in want else 404)
    for label, plan in world["plans"].items():
        want = API_PLANS[role]
        assert c.get(f"/api/v1/plans/{plan.plan_no}").status_code == (want if not isinstance(want, set) else 200 if label in want else 404)
        rid = world["reservations"][label].pk
        assert c.get(f"/api/v1/limits/reservations/{rid}").status_code == (want if not isinstance(want, set) else 200 if label in want else 404)
    assert c.get("/api/v1/limits/caps").status_code == API_CAPS_OWN[role]
    assert c.get("/api/v1/limits/notices").status_code == 200
    assert c.get("/api/v1/limits/standards/effective?region=371002").status_code == (401 if role == ANON else 200)
    body = {"plan_no": "WP-P", "category_code": "A02010105", "amount": "5000.00", "mode": "direct", "purchaser_code": units["P"].code}
    if role in ("purchaser_town",):
        body["plan_no"] = "WP-T"
    c.get("/limits/notices/")  # sets the CSRF cookie, as any page does
    token = c.cookies["csrftoken"].value if "csrftoken" in c.cookies else ""
    r = c.post("/api/v1/limits/check", json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert r.status_code == API_CHECK[role], r.content
    if r.status_code == 200:
        assert r.json()["allowed"] is True


@pytest.mark.django_db
def test_the_effective_set_of_a_district_names_where_it_comes_from(client, world):
    c = client_for(client, world, "supervisor_district")
    data = c.get("/api/v1/limits/standards/effective?region=371002").json()
    assert (data["region_code"], data["source_region_code"], data["version"]) == ("371002", "371000", 1)
    assert [r["level"] for r in data["rules"]] == ["city", "county", "town"]
    html = c.get("/workspace/limits/?region=371002").content.decode()
    assert "执行威海市标准" in html


@pytest.mark.django_db
def test_a_purchaser_checks_a_purchase_and_sees_the_reason(client, world):
    c = client_for(client, world, "purchaser_town")
    r = csrf_post(c, "/workspace/limits/check/", {"plan": "WP-T", "category_code": "A02010105", "amount": "350000", "mode": "direct"})
    html = r.content.decode()
    assert "不能下单" in html
    assert "超出采购计划 WP-T 的可用余额：计划金额 20 万元，已使用 0 元，已预留 1,000 元，剩余 19.9 万元" in html
    assert "直购单笔上限为 30 万元（乡镇级采购人，威海市限额标准第 1 版），本次 35 万元 应采用网上竞价" in html


@pytest.mark.django_db
def test_my_plans_and_caps_show_ceiling_used_reserved_and_remaining(client, world):
    c = client_for(client, world, "purchaser")
    html = c.get("/workspace/my-caps/").content.decode()
    assert "WP-P" in html
    assert re.search(r"A0201 信息化设备</td><td data-label=\"采购形式\">集中采购</td>\s*<td data-label=\"年度上限\" class=\"num\">2,000,000.00 元</td>\s*<td data-label=\"已用\" class=\"num\">0.00 元</td><td data-label=\"已预留\" class=\"num\">1,000.00 元</td>\s*<td data-label=\"剩余额度\" class=\"num\"><div><strong>1,999,000.00 元</strong>", html)
