"""The ordering demo: the demo purchaser's orders in several states and the town clerk's two
purchases flagged as possible splitting, made through the services, loaded twice without
creating anything the second time."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.accounts.models import Organization
from govmall.audit.models import AuditEntry
from govmall.core.context import Actor, acting_as
from govmall.limits import demo as limits_demo
from govmall.ordering import demo
from govmall.ordering.models import Order, OrderFunding, OrderStatus
from govmall.portal.demo import load_demo
from govmall.products import services as product_services
from govmall.products.tests.conftest import LAPTOP_SPECS, admit, cat, make_listing, make_mall

pytestmark = pytest.mark.django_db
PRINTER = {"print_tech": "激光", "paper_size": "A4", "color": "黑白", "speed": "30"}


def test_demo_orders_load_once_in_several_states_and_the_towns_second_purchase_is_flagged(monkeypatch):
    monkeypatch.setattr("govmall.portal.demo.app_demo_loaders", lambda: [])
    load_demo()
    make_mall()
    lines = []
    with acting_as(Actor(username="demo-loader"), source="command"):
        limits_demo.load(lines.append)
        for name in (demo.HUAXIN, demo.LANHAI):
            org = Organization.objects.get(name=name, kind="supplier")
            for code in ("A02010100", "A02021000"):
                product_services.scope_grant(supplier=org, category=cat(code))
            admit(org)
            make_listing(org, code="A02010105", price="4899.00", stock=100)
            make_listing(org, code="A02010108", price="5699.00", specs=LAPTOP_SPECS, title=f"{name[:4]} 便携式计算机", stock=100)
            make_listing(org, code="A02021003", price="1299.00", specs=PRINTER, title=f"{name[:4]} 黑白激光打印机")
        demo.load(lines.append)
        demo.load(lines.append)
    states = {o.submit_token: o.status for o in Order.objects.all()}
    assert states == {
        "DEMO-ORDER-1": OrderStatus.CONFIRMED,
        "DEMO-ORDER-2": OrderStatus.AWAITING_SUPPLIER,
        "DEMO-ORDER-3": OrderStatus.AWAITING_SUPPLIER,
        "DEMO-ORDER-4": OrderStatus.REFUSED,
        "DEMO-TOWN-1": OrderStatus.CONFIRMED,
        "DEMO-TOWN-2": OrderStatus.AWAITING_SUPPLIER,
    }  # DEMO-ORDER-5 needs a colour printer, which these listings do not include
    buyers = {o.submit_token: (o.purchaser.code, o.created_by.username) for o in Order.objects.select_related("purchaser", "created_by")}
    assert {b for t, b in buyers.items() if t.startswith("DEMO-ORDER")} == {("371000001", "purchaser")}
    assert {b for t, b in buyers.items() if t.startswith("DEMO-TOWN")} == {("371003101", "purchaser_town")}
    # 40 desktops, then 33 notebooks: each under the town's 30 万 direct band, together over it
    town = {o.submit_token: o for o in Order.objects.filter(submit_token__startswith="DEMO-TOWN")}
    assert town["DEMO-TOWN-1"].total == Decimal("195960.00") and town["DEMO-TOWN-2"].total == Decimal("188067.00")
    flags = {f.order.submit_token: f.reservation.split_flag for f in OrderFunding.objects.filter(order__in=town.values()).select_related("order", "reservation")}
    assert flags == {"DEMO-TOWN-1": False, "DEMO-TOWN-2": True}
    # each step is in the audit log under the person who took it, not the loader
    entries = AuditEntry.objects.filter(object_type="ordering.order", object_id=str(town["DEMO-TOWN-1"].pk))
    assert set(entries.values_list("actor_name", flat=True)) == {"purchaser_town", "supplier"}
    assert not [line for line in lines if "not placed" in line]
    assert lines[-2] == "ordering demo: 6 direct-purchase orders placed\n"
    assert lines[-1] == "ordering demo: 0 direct-purchase orders placed\n"
