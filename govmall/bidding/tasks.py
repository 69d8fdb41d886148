"""Bidding background jobs (huey): the close at the deadline, overdue awards, and the
notices to eligible suppliers. Idempotent; the worker catches up on start."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from govmall.accounts.services import notify
from govmall.bidding.models import Bidding
from govmall.core.context import Actor, acting_as


def run_close_overdue() -> dict:
    from govmall.bidding.services import close_overdue

    with acting_as(Actor(username="worker"), source="worker"):
        return close_overdue()


@db_periodic_task(crontab(minute="*"))
def close_overdue_biddings():
    run_close_overdue()


@db_task()
def catch_up_biddings():
    run_close_overdue()


@HUEY.on_startup()
def _catch_up_on_start():
    # Biddings whose deadline passed while the worker was down are closed now.
    if not getattr(_catch_up_on_start, "done", False):
        _catch_up_on_start.done = True
        catch_up_biddings()


@db_task()
def notify_eligible_suppliers(bidding_id: int) -> int:
    from govmall.bidding.services import eligible_supplier_users

    bidding = Bidding.objects.select_related("category", "subsite").get(pk=bidding_id)
    return notify(
        users=eligible_supplier_users(bidding),
        title=f"新竞价：{bidding.title}",
        body=f"{bidding.category}，数量 {bidding.quantity} {bidding.unit}，最高限价 {bidding.ceiling_price:,.2f} 元，报价截止 {timezone.localtime(bidding.quote_closes_at):%Y-%m-%d %H:%M}。",
        link=reverse("bidding:detail", args=[bidding.pk]),
        dedupe_key=f"bidding:{bidding.pk}:opened",
    )
