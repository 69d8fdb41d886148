"""The suppliers app's periodic job, run by the background worker (`manage.py run_huey`):
qualification reminders (30 days ahead) and expiry, suspensions lifted when due. Idempotent;
run once at worker start as well, so a day missed while the worker was down is caught up."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from govmall.core.context import Actor, acting_as

log = logging.getLogger("govmall.tasks")


def daily_check(today=None) -> dict:
    from govmall.suppliers.services import measures_lift_due, qualifications_daily

    with acting_as(Actor(username="worker"), source="worker"):
        counts = qualifications_daily(today)
        counts["lifted"] = measures_lift_due(today)
    log.info("suppliers daily check: %s", counts)
    return counts


@db_periodic_task(crontab(hour="0", minute="20"))
def suppliers_daily():
    daily_check()


@db_task()
def suppliers_catch_up():
    daily_check()


@HUEY.on_startup()
def _enqueue_catch_up():
    # Runs in each worker thread at start; the job is idempotent, so repeats are harmless.
    if not getattr(_enqueue_catch_up, "done", False):
        _enqueue_catch_up.done = True
        suppliers_catch_up()
