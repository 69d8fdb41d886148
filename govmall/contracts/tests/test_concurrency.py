"""Payments raced from 8 threads on one contract: the total paid never exceeds the contract
amount, the same idempotency key never pays twice, every refusal says why. Runs on the
database the suite runs on (SQLite by default; PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from govmall.contracts import services
from govmall.contracts.models import Contract, ContractStatus, Payment
from govmall.core.errors import BusinessError
from govmall.ordering.models import OrderStatus
from govmall.testing import race as shared_race

from .helpers import accepted_contract, today

THREADS = 8
pytestmark = pytest.mark.django_db(transaction=True)


def race(worker, n_threads=THREADS):
    return shared_race(worker, n_threads, source="web")


def test_eight_threads_never_pay_more_than_the_contract():
    world, c = accepted_contract(quantity=2)  # 9,998.00
    clerk = world.clerk

    def worker(i):
        out = []
        for k in range(3):
            contract = Contract.objects.get(pk=c.pk)
            try:
                p, created = services.payment_record(contract=contract, user=clerk, amount="700.00", paid_on=today(), voucher_no=f"V{i}-{k}", idempotency_key=f"K{i}-{k}")
                out.append(("ok", p.pk))
            except BusinessError as exc:
                out.append(("refused", exc.message))
        return out

    results, errors = race(worker)
    assert not errors, errors
    ok = [r for r in results if r[0] == "ok"]
    refused = [r for r in results if r[0] == "refused"]
    assert len(ok) == 14  # 14 × 700 = 9,800 ≤ 9,998 < 15 × 700
    assert len(refused) == 10 and all("超过未付金额" in m for _, m in refused)
    c.refresh_from_db()
    total = Payment.objects.filter(contract=c).aggregate(s=Sum("amount"))["s"]
    assert total == c.paid_total == Decimal("9800.00")


def test_eight_threads_with_one_idempotency_key_pay_once_and_complete_the_order():
    world, c = accepted_contract(quantity=2)
    clerk = world.clerk

    def worker(i):
        contract = Contract.objects.get(pk=c.pk)
        p, created = services.payment_record(contract=contract, user=clerk, amount="9998.00", paid_on=today(), voucher_no="PZ-ONE", idempotency_key="double-click")
        return [(p.pk, created)]

    results, errors = race(worker)
    assert not errors, errors
    assert len({pk for pk, _ in results}) == 1 and sum(1 for _, created in results if created) == 1
    c.refresh_from_db()
    assert c.paid_total == c.amount and c.status == ContractStatus.COMPLETED
    c.order.refresh_from_db()
    assert c.order.status == OrderStatus.COMPLETED
