"""The products app's periodic job, run by the background worker (`manage.py run_huey`):
re-check prices (references go stale), delist mandatory energy-saving products whose
certificate expired, keep the search index and its statistics fresh. Idempotent."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from govmall.core.context import Actor, acting_as

log = logging.getLogger("govmall.tasks")


def daily_check() -> dict:
    from govmall.products.services import products_daily_check

    with acting_as(Actor(username="worker"), source="worker"):
        counts = products_daily_check()
    log.info("products daily check: %s", counts)
    return counts


@db_periodic_task(crontab(hour="1", minute="10"))
def products_daily():
    daily_check()


@db_task()
def reindex_listings(ids: list[int]):
    """Re-index listings whose ranking facts changed (a sale), after their transaction."""
    from django.db import transaction

    from govmall.products.search import index_listings

    with transaction.atomic():
        index_listings(ids)
