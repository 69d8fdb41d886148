"""The direct-purchase journey after the supplier confirms, in headless Chromium: both sides
sign, the supplier delivers, the purchaser accepts, downloads the acceptance report and pays.
(The cart part of the journey is ordering's; the order is made through its services here.)"""

import pytest
from playwright.sync_api import expect

from govmall.contracts.models import Contract, ContractStatus
from govmall.ordering.models import OrderStatus
from govmall.plans.models import Plan
from govmall.testing import browser_sign_in as sign_in

from .helpers import confirmed_order, contract_of
from .journey import sign_deliver_accept_and_pay

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_both_sign_supplier_delivers_purchaser_accepts_downloads_the_report_and_pays(page, live_server, tmp_path):
    world, order = confirmed_order(quantity=2)
    c = contract_of(order)
    base = live_server.url

    sign_in(page, base, world.clerk)
    page.goto(f"{base}/contracts/{c.contract_no}/")
    expect(page.get_by_text("人民币（大写）玖仟玖佰玖拾捌元整")).to_be_visible()
    sign_deliver_accept_and_pay(page, base, contract=c, clerk=world.clerk, supplier_staff=world.staff_a, tmp_path=tmp_path, try_mistakes=True)

    c.refresh_from_db()
    assert c.status == ContractStatus.COMPLETED and c.paid_total == c.amount and c.published_at
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    plan = Plan.objects.get(pk=world.plan.pk)
    assert plan.used == c.amount and plan.reserved == 0
    assert Contract.objects.get(pk=c.pk).acceptances.get().pdf_sha256
