"""Background jobs of the ordering app: unconfirmed orders lapse at their deadline.

Idempotent; the worker also runs it once at start, so orders whose deadline passed while the
worker was down lapse then."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from govmall.core.context import Actor, acting_as

log = logging.getLogger("govmall.tasks")


def lapse_orders() -> int:
    from govmall.ordering.services import lapse_overdue

    with acting_as(Actor(username="worker"), source="worker"):
        n = lapse_overdue()
    if n:
        log.info("ordering: %d unconfirmed orders lapsed", n)
    return n


@db_periodic_task(crontab(minute="*/5"))
def periodic_lapse_orders():
    lapse_orders()


@db_task()
def ordering_catch_up():
    lapse_orders()


@HUEY.on_startup()
def _ordering_on_startup():
    if not getattr(_ordering_on_startup, "done", False):
        _ordering_on_startup.done = True
        ordering_catch_up()
