"""Periodic job of the purchasers app (found by `manage.py run_huey`): restructures take
effect on their date. Idempotent; runs once when the worker starts, so a day missed while
it was down is caught up."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from govmall.core.context import Actor, acting_as
from govmall.purchasers.restructuring import restructure_apply_due

log = logging.getLogger("govmall.tasks")


def apply_due_restructures() -> list[str]:
    with acting_as(Actor(username="worker"), source="worker"):
        applied = restructure_apply_due()
    if applied:
        log.info("restructures applied: %s", ", ".join(applied))
    return applied


@db_periodic_task(crontab(hour="0", minute="5"))
def daily_restructures():
    apply_due_restructures()


@db_task()
def restructures_catch_up():
    apply_due_restructures()


@HUEY.on_startup()
def _enqueue_catch_up():
    if not getattr(_enqueue_catch_up, "done", False):
        _enqueue_catch_up.done = True
        restructures_catch_up()
