"""Test data of the contracts tests: a confirmed direct-purchase order (through the ordering
services) and its contract, moved on through the contracts services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from govmall.contracts import services
from govmall.contracts.models import Contract
from govmall.ordering import services as ordering
from govmall.ordering.tests.helpers import as_user, make_world, submit


def confirmed_order(world=None, quantity=2, listing=None):
    world = world or make_world()
    order = submit(world, listing=listing, quantity=quantity)
    with as_user(world.staff_a if (listing or world.desktop).supplier_id == world.supplier_a.pk else world.staff_b):
        ordering.order_confirm(order=order, user=world.staff_a if (listing or world.desktop).supplier_id == world.supplier_a.pk else world.staff_b)
    return world, order


def contract_of(order) -> Contract:
    return Contract.objects.get(order=order)


def sign_both(world, contract) -> Contract:
    with as_user(world.clerk):
        services.contract_sign(contract=contract, user=world.clerk)
    with as_user(world.staff_a):
        services.contract_sign(contract=contract, user=world.staff_a)
    return Contract.objects.get(pk=contract.pk)


def signed_contract(world=None, quantity=2):
    world, order = confirmed_order(world, quantity=quantity)
    return world, sign_both(world, contract_of(order))


def delivered_contract(world=None, quantity=2):
    world, c = signed_contract(world, quantity=quantity)
    with as_user(world.staff_a):
        services.contract_deliver(contract=c, user=world.staff_a, note="已送达并安装")
    return world, Contract.objects.get(pk=c.pk)


def full_acceptance(c):
    return [services.AcceptanceInput(line_id=ln.pk, accepted_quantity=ln.quantity) for ln in c.lines.all()]


def accepted_contract(world=None, quantity=2, accepted_on: dt.date | None = None):
    world, c = delivered_contract(world, quantity=quantity)
    with as_user(world.clerk):
        services.acceptance_sign(contract=c, user=world.clerk, lines=full_acceptance(c), conclusion="passed", accepted_on=accepted_on)
    return world, Contract.objects.get(pk=c.pk)


def today():
    return timezone.localdate()
