"""Every page, action and API endpoint of the contracts app against every role (and an
anonymous visitor), with the expected answer written down as data.

The world: the cast's city purchaser P (clerk = cast.purchaser, approver = cast.approver)
buying from supplier A (its staff play the role "supplier"), with four contracts in four
states — pending, signed, delivered, accepted — and one accepted contract of a 环翠区 unit (H).
"cast.supplier" is a supplier with no contract here ("stranger")."""

from __future__ import annotations

import json
import re

import pytest

from govmall.contracts.models import Contract, ContractStatus, Payment
from govmall.ordering.tests.helpers import make_world
from govmall.testing import sign_in

from .helpers import accepted_contract, confirmed_order, contract_of, delivered_contract, signed_contract

LOGIN = "login"
ROLES = ["anonymous", "purchaser", "approver", "purchaser_town", "supplier", "stranger", "operator", "supervisor_city", "supervisor_district", "admin"]
P = {"PENDING", "SIGNED", "DELIVERED", "ACCEPTED"}
ALL = P | {"H"}


def by_role(*values):
    return dict(zip(ROLES, values))


LIST = by_role(LOGIN, P, P, set(), P, set(), ALL, ALL, {"H"}, ALL)
DETAIL = LIST
STAFF_PAGE = by_role(LOGIN, 403, 403, 403, 403, 403, 200, 200, 200, 200)
RECON_PAGE = by_role(LOGIN, 200, 200, 200, 403, 403, 200, 200, 200, 200)
RULES_PAGE = by_role(LOGIN, 403, 403, 403, 403, 403, 200, 403, 403, 200)
TRACE_P = by_role(LOGIN, 200, 200, 404, 403, 403, 200, 200, 404, 200)
API_LIST = by_role(401, P, P, set(), P, set(), ALL, ALL, {"H"}, ALL)
PURCHASER_SIDE = {"purchaser", "approver"}


@pytest.fixture
def world(cast):
    w = make_world(clerk=cast.purchaser, approver=cast.approver)
    contracts = {}
    _, order = confirmed_order(w)
    contracts["PENDING"] = contract_of(order)
    _, contracts["SIGNED"] = signed_contract(w)
    _, contracts["DELIVERED"] = delivered_contract(w)
    _, contracts["ACCEPTED"] = accepted_contract(w)
    h_world, contracts["H"] = accepted_contract(make_world(region_code="371002"))
    users = {**cast.all(), "supplier": w.staff_a, "stranger": cast.supplier}
    return {"w": w, "contracts": contracts, "users": users, "h": h_world}


def client_for(client, world, role):
    if role != "anonymous":
        sign_in(client, world["users"][role])
    return client


def outcome(r):
    if r.status_code == 302 and "/accounts/login/" in r["Location"]:
        return LOGIN
    return r.status_code


def post(c, url, data=None):
    c.get("/announcements/")
    tok = c.cookies["csrftoken"].value if "csrftoken" in c.cookies else ""
    return c.post(url, {**(data or {}), "csrfmiddlewaretoken": tok})


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_pages_by_role(client, world, role):
    c = client_for(client, world, role)
    contracts = world["contracts"]
    r = c.get("/contracts/")
    want = LIST[role]
    if isinstance(want, set):
        assert r.status_code == 200
        html = r.content.decode()
        assert {k for k, ct in contracts.items() if re.search(re.escape(f">{ct.contract_no}<"), html)} == want
        assert c.get("/contracts/?export=xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")
    else:
        assert outcome(r) == want
    for label, ct in contracts.items():
        expected = DETAIL[role] if not isinstance(DETAIL[role], set) else (200 if label in DETAIL[role] else 404)
        assert outcome(c.get(f"/contracts/{ct.contract_no}/")) == expected, label
        pdf = outcome(c.get(f"/contracts/{ct.contract_no}/pdf/"))
        assert pdf == (expected if expected != 200 else 202), label  # rendered after commit: 生成中 until then
    accepted = contracts["ACCEPTED"]
    a = accepted.acceptances.get()
    want_a = DETAIL[role] if not isinstance(DETAIL[role], set) else (200 if "ACCEPTED" in DETAIL[role] else 404)
    assert outcome(c.get(f"/contracts/{accepted.contract_no}/acceptances/{a.pk}/pdf/")) == (want_a if want_a != 200 else 202)
    for url in ("/contracts/overdue/publications/", "/contracts/overdue/payments/"):
        assert outcome(c.get(url)) == STAFF_PAGE[role], url
    assert outcome(c.get("/contracts/reconciliation/")) == RECON_PAGE[role]
    assert outcome(c.get("/contracts/rules/")) == RULES_PAGE[role]
    assert outcome(c.get(f"/contracts/trace/{world['w'].plan.pk}/")) == TRACE_P[role]
    assert c.get(f"/contracts/public/{contracts['SIGNED'].contract_no}.pdf").status_code == 404  # not published


ACTIONS = [
    # (label, url suffix, data, contract, who may, status after success)
    ("terms", "terms/", {"payment_term_days": "20", "delivery_place": "威海市统一路 1 号"}, "PENDING", PURCHASER_SIDE, None),
    ("sign", "sign/", {}, "PENDING", {"purchaser", "approver", "supplier"}, None),
    ("publish", "publish/", {}, "SIGNED", PURCHASER_SIDE, None),
    ("deliver", "deliver/", {"note": "已送达"}, "SIGNED", {"supplier"}, ContractStatus.DELIVERED),
    ("pay", "pay/", {"amount": "100.00", "paid_on": "", "voucher_no": "PZ-1", "idempotency_key": "k"}, "ACCEPTED", PURCHASER_SIDE, None),
    ("terminate", "terminate/", {"kind": "mutual", "reason": "双方协商一致解除"}, "SIGNED", PURCHASER_SIDE, ContractStatus.TERMINATED),
    ("cancel", "cancel/", {"reason": "预算取消"}, "PENDING", PURCHASER_SIDE, ContractStatus.CANCELLED),
]


def changed(label, before: Contract, after: Contract) -> bool:
    if label == "sign":
        return (after.signed_by_purchaser_at, after.signed_by_supplier_at) != (before.signed_by_purchaser_at, before.signed_by_supplier_at)
    if label == "terms":
        return after.payment_term_days != before.payment_term_days
    if label == "publish":
        return after.published_at is not None
    if label == "pay":
        return Payment.objects.filter(contract=after).exists()
    return after.status != before.status


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_actions_by_role(client, world, role):
    from django.utils import timezone

    c = client_for(client, world, role)
    for label, suffix, data, which, allowed, _ in ACTIONS:
        ct = Contract.objects.get(pk=world["contracts"][which].pk)
        if label == "pay":
            data = {**data, "paid_on": timezone.localdate().isoformat()}
        r = post(c, f"/contracts/{ct.contract_no}/{suffix}", data)
        after = Contract.objects.get(pk=ct.pk)
        if role in allowed:
            assert changed(label, ct, after), (label, r.status_code, r.content[:300])
            assert r.status_code == 302
        else:
            assert not changed(label, ct, after), label
            visible = isinstance(DETAIL[role], set) and which in DETAIL[role]
            expected = {LOGIN} if role == "anonymous" else ({302, 400, 403} if visible else {404})
            assert outcome(r) in expected, (label, r.status_code)
    # acceptance of the delivered contract
    ct = world["contracts"]["DELIVERED"]
    line = ct.lines.get()
    r = post(c, f"/contracts/{ct.contract_no}/accept/", {"conclusion": "passed", "accepted_on": timezone.localdate().isoformat(), f"accepted-{line.pk}": str(line.quantity), f"rejected-{line.pk}": "0"})
    accepted = Contract.objects.get(pk=ct.pk).status == ContractStatus.ACCEPTED
    assert accepted == (role in PURCHASER_SIDE), r.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_api_by_role(client, world, role):
    from django.utils import timezone

    c = client_for(client, world, role)
    contracts = world["contracts"]
    r = c.get("/api/v1/contracts/")
    want = API_LIST[role]
    if isinstance(want, set):
        assert r.status_code == 200
        nos = {i["contract_no"] for i in r.json()}
        assert {k for k, ct in contracts.items() if ct.contract_no in nos} == want
    else:
        assert r.status_code == want
    for label, ct in contracts.items():
        expected = want if not isinstance(want, set) else (200 if label in want else 404)
        assert c.get(f"/api/v1/contracts/{ct.contract_no}").status_code == expected
    ct = contracts["ACCEPTED"]
    body = {"amount": "500.00", "paid_on": timezone.localdate().isoformat(), "voucher_no": "API-1", "idempotency_key": "api-key-1"}
    c.get("/announcements/")
    tok = c.cookies["csrftoken"].value if "csrftoken" in c.cookies else ""
    r = c.post(f"/api/v1/contracts/{ct.contract_no}/payments", json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=tok)
    if role in PURCHASER_SIDE:
        assert r.status_code == 201 and r.json()["amount"] == "500.00"
        again = c.post(f"/api/v1/contracts/{ct.contract_no}/payments", json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=tok)
        assert again.status_code == 200 and again.json()["id"] == r.json()["id"]
        too_much = c.post(
            f"/api/v1/contracts/{ct.contract_no}/payments", json.dumps({**body, "amount": "99999.00", "voucher_no": "API-2", "idempotency_key": "k2"}),
            content_type="application/json", HTTP_X_CSRFTOKEN=tok,
        )  # fmt: skip
        assert too_much.status_code == 400 and "超过未付金额" in too_much.json()["detail"] and too_much.json()["field"] == "amount"
        assert Payment.objects.filter(contract=ct).count() == 1
    else:
        expected = 401 if role == "anonymous" else (403 if isinstance(want, set) and "ACCEPTED" in want else 404)
        assert r.status_code == expected, r.content
        assert not Payment.objects.filter(contract=ct).exists()


@pytest.mark.django_db
def test_the_payment_form_keeps_the_input_and_names_the_field(client, world):
    from django.utils import timezone

    c = client_for(client, world, "purchaser")
    ct = world["contracts"]["ACCEPTED"]
    r = post(c, f"/contracts/{ct.contract_no}/pay/", {"amount": "99999", "paid_on": timezone.localdate().isoformat(), "voucher_no": "PZ-77", "idempotency_key": "x"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "超过未付金额" in html and 'value="PZ-77"' in html and 'value="99999"' in html


@pytest.mark.django_db
def test_a_double_click_on_pay_records_one_payment(client, world):
    from django.utils import timezone

    c = client_for(client, world, "purchaser")
    ct = world["contracts"]["ACCEPTED"]
    data = {"amount": "100.00", "paid_on": timezone.localdate().isoformat(), "voucher_no": "PZ-DC", "idempotency_key": "form-key-1"}
    post(c, f"/contracts/{ct.contract_no}/pay/", data)
    r = post(c, f"/contracts/{ct.contract_no}/pay/", data)
    assert r.status_code == 302 and Payment.objects.filter(contract=ct).count() == 1


@pytest.mark.django_db
def test_acceptance_above_the_ordered_quantity_is_refused_on_the_form(client, world):
    c = client_for(client, world, "purchaser")
    ct = world["contracts"]["DELIVERED"]
    line = ct.lines.get()
    r = post(c, f"/contracts/{ct.contract_no}/accept/", {"conclusion": "passed", f"accepted-{line.pk}": str(line.quantity + 5), f"rejected-{line.pk}": "0"})
    assert r.status_code == 400 and "超过合同数量" in r.content.decode()
    assert Contract.objects.get(pk=ct.pk).status == ContractStatus.DELIVERED


@pytest.mark.django_db
def test_supervisors_see_the_mismatches_of_their_region(client, world):
    import datetime as dt

    from django.utils import timezone

    ct = world["contracts"]["SIGNED"]
    Contract.objects.filter(pk=ct.pk).update(publish_deadline=timezone.localdate() - dt.timedelta(days=3))
    h = world["contracts"]["H"]
    Contract.objects.filter(pk=h.pk).update(payment_due_on=timezone.localdate() - dt.timedelta(days=4))
    c = client_for(client, world, "supervisor_city")
    html = c.get("/contracts/reconciliation/").content.decode()
    assert ct.contract_no in html and "已逾期 3 天未公告" in html
    assert h.contract_no in html and "逾期 4 天" in html
    assert c.get("/contracts/reconciliation/?export=xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")
    page = c.get("/contracts/overdue/publications/").content.decode()
    assert ct.contract_no in page
    page = c.get("/contracts/overdue/payments/").content.decode()
    assert h.contract_no in page and "3.99 元" not in page
    client.logout()
    c = client_for(client, world, "supervisor_district")
    html = c.get("/contracts/reconciliation/").content.decode()
    assert h.contract_no in html and ct.contract_no not in html


@pytest.mark.django_db
def test_reconciliation_lists_plan_money_used_without_a_contract_and_a_plan_ledger_off_its_reservations(client, world):
    from decimal import Decimal

    from govmall.core.context import Actor, acting_as
    from govmall.limits.services import consume, reserve
    from govmall.plans.models import Plan

    c = client_for(client, world, "supervisor_city")
    html = c.get("/contracts/reconciliation/").content.decode()
    # the world's own purchases (pending, signed, delivered, accepted) balance: nothing listed
    assert "计划已用无合同</a> <strong>0</strong>" in html and "计划金额与预留明细不符</a> <strong>0</strong>" in html
    plan = world["w"].plan
    with acting_as(Actor(username="t"), source="command"):
        r = reserve(purchaser=plan.purchaser, plan=plan, category="A02010105", amount="3000", mode="direct", reference="OUTSIDE-1")
        consume(reservation=r, amount="2800")
    Plan.objects.filter(pk=world["h"].plan.pk).update(used=world["h"].plan.used + Decimal("100"))
    html = c.get("/contracts/reconciliation/").content.decode()
    assert "OUTSIDE-1" in html and f"计划 {plan.plan_no} 记为已用 2,800.00 元（直购），但没有对应的已签订合同" in html
    assert world["h"].plan.plan_no in html and "额度预留明细合计已用" in html
    assert "计划已用无合同</a> <strong>1</strong>" in html and "计划金额与预留明细不符</a> <strong>1</strong>" in html
    client.logout()
    c = client_for(client, world, "supervisor_district")  # 环翠区: sees its unit's plan, not the city unit's reservation
    html = c.get("/contracts/reconciliation/?kind=ledger").content.decode()
    assert world["h"].plan.plan_no in html and "OUTSIDE-1" not in html
    client.logout()
    c = client_for(client, world, "purchaser")
    html = c.get("/contracts/reconciliation/").content.decode()
    assert "OUTSIDE-1" in html and world["h"].plan.plan_no not in html


@pytest.mark.django_db
def test_the_trace_shows_each_step_with_amounts(client, world):
    from govmall.ordering import services as ordering
    from govmall.ordering.tests.helpers import as_user, submit

    refused = submit(world["w"])  # a fifth order the supplier refuses: listed, not counted
    with as_user(world["w"].staff_a):
        ordering.order_refuse(order=refused, user=world["w"].staff_a, reason="缺货")
    c = client_for(client, world, "purchaser")
    html = c.get(f"/contracts/trace/{world['w'].plan.pk}/").content.decode()
    for ct in ("PENDING", "SIGNED", "DELIVERED", "ACCEPTED"):
        assert world["contracts"][ct].contract_no in html
    assert "<span>下单</span><strong>39,992.00 元</strong>" in html  # four orders of 2 × 4,999, not the refused fifth
    assert refused.order_no in html
    assert "<span>签约（本计划承担）</span><strong>29,994.00 元</strong>" in html  # three signed
    assert "<span>验收合格</span><strong>9,998.00 元</strong>" in html
    assert f"/contracts/trace/{world['w'].plan.pk}/" in c.get("/contracts/reconciliation/").content.decode()


@pytest.mark.django_db
def test_the_centre_sets_contract_rules_and_bad_values_are_named(client, cast):
    from govmall.contracts.models import ContractRules

    c = client_for(client, {"users": cast.all()}, "operator")
    r = post(c, "/contracts/rules/", {"payment_term_days": "20", "acceptance_days": "5", "unsigned_alert_days": "3", "late_interest_rate": "0.02"})
    assert r.status_code == 400 and "不超过每日 1%" in r.content.decode() and 'value="0.02"' in r.content.decode()
    assert not ContractRules.objects.exists()
    r = post(c, "/contracts/rules/", {"payment_term_days": "20", "acceptance_days": "5", "unsigned_alert_days": "3", "late_interest_rate": "0.0005"})
    assert r.status_code == 302
    rules = ContractRules.objects.get()
    assert (rules.payment_term_days, rules.acceptance_days, rules.unsigned_alert_days) == (20, 5, 3)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["purchaser", "supplier", "operator"])
def test_the_order_page_links_to_its_contract_for_whoever_may_see_both(client, world, role):
    c = world["contracts"]["SIGNED"]
    page = client_for(client, world, role).get(f"/orders/{c.order_id}/").content.decode()
    assert f'href="/contracts/{c.contract_no}/"' in page and f"{c.contract_no}（已签订）" in page
