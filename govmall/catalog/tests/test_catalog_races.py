"""Two operators acting on the same sub-site at the same moment, in real threads."""

import threading

import pytest
from django.db import connection

from govmall.audit.models import Action, AuditEntry
from govmall.catalog.models import MallCatalogVersion
from govmall.catalog.services import ItemData, mall_catalog_create_draft, mall_catalog_publish, mall_item_add
from govmall.catalog.tests.helpers import actor, draft, published, weihai
from govmall.core.errors import BusinessError

pytestmark = pytest.mark.django_db(transaction=True)


def race(fn, n=2):
    barrier = threading.Barrier(n)
    outcomes = []

    def run():
        try:
            barrier.wait()
            with actor():
                fn()
            outcomes.append("ok")
        except BusinessError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def test_two_drafts_started_at_once_make_one_draft():
    published()
    site = weihai()
    outcomes = race(lambda: mall_catalog_create_draft(subsite=site, copy_published=True))
    assert outcomes == ["ok", "已有草稿第 2 版，请继续编辑它，或删除后再新建"]
    assert MallCatalogVersion.objects.filter(status="draft").count() == 1


def test_a_draft_published_twice_at_once_is_published_once():
    published()
    v2 = draft(copy=True)
    outcomes = race(lambda: mall_catalog_publish(version=v2))
    assert outcomes == ["ok", "第 2 版已发布，已冻结，不能修改。请新建草稿后在草稿中修改"]
    assert list(MallCatalogVersion.objects.order_by("number").values_list("status", flat=True)) == ["superseded", "published"]
    assert AuditEntry.objects.filter(action=Action.TRANSITION).count() == 3  # v1 published, then superseded; v2 published


def test_an_item_added_while_publishing_lands_before_or_is_refused():
    published()
    v2 = draft(copy=True)

    def add():
        mall_item_add(version=v2, data=ItemData("WH-A02021003", "A4黑白打印机", category_code="A02021003"))

    def publish():
        mall_catalog_publish(version=v2)

    barrier = threading.Barrier(2)
    errors = []

    def run(fn):
        try:
            barrier.wait()
            with actor():
                fn()
        except BusinessError as exc:
            errors.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in (add, publish)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    v2.refresh_from_db()
    assert v2.status == "published"
    count = v2.items.count()
    # Either the item went in before publication (and is in the published version), or the
    # draft was already frozen and the addition was refused: never an item added after.
    assert (count, errors) in [(4, []), (3, ["第 2 版已发布，已冻结，不能修改。请新建草稿后在草稿中修改"])]
