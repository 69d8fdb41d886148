"""The contracts demo: the demo order's contract goes through signing, publication,
delivery, acceptance and a first payment, the town's contract is signed by both sides;
loading twice changes nothing more, and the reconciliation finds no plan money without a
contract."""

from __future__ import annotations

import pytest

from govmall.accounts.models import Organization, User
from govmall.contracts import demo
from govmall.contracts.models import Contract, ContractStatus
from govmall.contracts.selectors import reconciliation
from govmall.core.context import Actor, acting_as
from govmall.limits import demo as limits_demo
from govmall.ordering import demo as ordering_demo
from govmall.portal.demo import load_demo
from govmall.products import services as product_services
from govmall.products.tests.conftest import admit, cat, make_listing, make_mall

pytestmark = pytest.mark.django_db


def test_the_demo_contract_is_signed_accepted_and_half_paid_once(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr("govmall.portal.demo.app_demo_loaders", lambda: [])
    load_demo()
    make_mall()
    lines = []
    with acting_as(Actor(username="demo-loader"), source="command"):
        limits_demo.load(lines.append)
        org = Organization.objects.get(name=ordering_demo.HUAXIN, kind="supplier")
        for code in ("A02010100", "A02021000"):
            product_services.scope_grant(supplier=org, category=cat(code))
        admit(org)
        make_listing(org, code="A02010105", price="4899.00", stock=100)
        ordering_demo.load(lines.append)
        with django_capture_on_commit_callbacks(execute=True):
            demo.load(lines.append)
        demo.load(lines.append)
    c = Contract.objects.get(order__submit_token="DEMO-ORDER-1")
    assert c.status == ContractStatus.ACCEPTED and c.published_at and c.acceptances.count() == 1
    assert c.payments.count() == 1 and c.paid_total == (c.amount / 2).quantize(c.amount)
    assert c.pdf and c.acceptances.get().pdf
    town = Contract.objects.get(order__submit_token="DEMO-TOWN-1")
    assert town.status == ContractStatus.SIGNED and town.signed_by_purchaser.username == "purchaser_town"
    assert lines[-2] == f"contracts demo: 2 contracts moved on ({c.contract_no}, {town.contract_no})\n"
    # every plan figure of the demo stands on its orders and contracts
    assert [m.kind for m in reconciliation(User.objects.get(username="supervisor")) if m.kind in ("used_no_contract", "ledger")] == []
    assert c.payments.count() == 1
