"""Races at the close, with real threads on the database the suite runs on (SQLite by
default; PostgreSQL with DATABASE_URL): 8 suppliers keep quoting right through the deadline
while two closers race to close. Exactly one close happens; no quote is accepted at or after
the deadline; every accepted quote is the one evaluated; nothing accepted is lost."""

from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from govmall.accounts.services import actor_of
from govmall.audit.states import InvalidTransition
from govmall.bidding import services
from govmall.bidding.models import Bidding, BiddingStatus, Quote, QuoteStatus
from govmall.bidding.tests.helpers import make_buyer, make_mall, make_supplier, published
from govmall.core.context import Actor, acting_as
from govmall.core.errors import BusinessError
from govmall.suppliers.models import EnterpriseSize

pytestmark = pytest.mark.django_db(transaction=True)
QUOTERS = 8


def run_threads(workers):
    start = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def run(fn):
        try:
            start.wait(timeout=30)
            fn()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert not any(t.is_alive() for t in threads)
    return errors


def test_eight_suppliers_quoting_through_the_deadline_and_two_closers():
    make_mall()
    buyer, plan = make_buyer("race-buyer")
    suppliers = [make_supplier(f"竞速供应商{i}有限公司", size=EnterpriseSize.SMALL if i % 2 else EnterpriseSize.LARGE, username=f"race{i}") for i in range(QUOTERS)]
    bidding = published(buyer, plan)
    closes = timezone.now() + dt.timedelta(seconds=1.5)
    Bidding.objects.filter(pk=bidding.pk).update(quote_closes_at=closes)
    accepted: dict[int, list] = {i: [] for i in range(QUOTERS)}
    refused: dict[int, list[str]] = {i: [] for i in range(QUOTERS)}
    closer_results: list[str] = []
    stop_at = closes + dt.timedelta(seconds=1)

    def quoter(i):
        user = suppliers[i]
        k = 0
        with acting_as(actor_of(user), source="web"):
            while timezone.now() < stop_at:
                k += 1
                price = Decimal(590000 - i * 1000 - k)
                try:
                    q = services.quote_submit(bidding=Bidding(pk=bidding.pk), user=user, price=str(price))
                    accepted[i].append((price, q.submitted_at))
                except BusinessError as exc:
                    refused[i].append(exc.message)
                    break
                time.sleep(0.01)

    def closer(n):
        with acting_as(Actor(username=f"closer-{n}"), source="worker"):
            while timezone.now() < stop_at + dt.timedelta(seconds=5):
                try:
                    services.bidding_close(bidding=bidding.pk)
                    closer_results.append("closed")
                    return
                except InvalidTransition as exc:
                    closer_results.append(exc.message)
                    return
                except BusinessError as exc:
                    assert "未到" in exc.message, exc.message
                    time.sleep(0.005)

    errors = run_threads([lambda i=i: quoter(i) for i in range(QUOTERS)] + [lambda: closer(1), lambda: closer(2)])
    assert errors == []
    assert sorted(closer_results) == ["closed", "竞价当前状态为「已成交待确认」，不能重复截止"]
    b = Bidding.objects.get(pk=bidding.pk)
    assert b.status == BiddingStatus.AWARDED and b.closed_at >= closes
    for i in range(QUOTERS):
        assert accepted[i], f"supplier {i} never got a quote in"
        assert all(at < closes for _p, at in accepted[i])
        assert refused[i] and ("截止" in refused[i][0]), refused[i]
    quotes = {q.supplier_id: q for q in Quote.objects.filter(bidding=b)}
    assert len(quotes) == QUOTERS
    for i, user in enumerate(suppliers):
        q = quotes[user.organization_id]
        last_price, last_at = accepted[i][-1]
        assert (q.price, q.submitted_at, q.status) == (last_price, last_at, QuoteStatus.VALID)  # the last accepted quote is the one evaluated
        assert q.submitted_at < closes
    assert sorted(q.rank for q in quotes.values()) == list(range(1, QUOTERS + 1))
