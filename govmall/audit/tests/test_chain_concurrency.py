"""Many writers at once still make one unbroken chain: consecutive sequence numbers, each
entry linked to its true predecessor (SQLite: BEGIN IMMEDIATE; PostgreSQL: row lock)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from govmall.audit.models import Action, AuditChain, AuditEntry
from govmall.audit.services import record, seal_pending, verify_chain
from govmall.core.context import Actor, acting_as

THREADS = 8
PER_THREAD = 10


# available_apps: the flush after this test empties only the audit tables, so what the
# migrations loaded (regions, sub-sites, holidays) stays for the transactional tests that
# follow; serialized_rollback is then not needed (and would reload all of it for nothing).
@pytest.mark.django_db(transaction=True, serialized_rollback=False, available_apps=["govmall.audit"])
def test_eight_threads_appending_at_once_make_one_gapless_verified_chain():
    assert AuditEntry.objects.count() == 0
    assert not AuditChain.objects.exists()  # the first appends also race to create the head
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(n: int):
        try:
            start.wait(timeout=10)
            with acting_as(Actor(username=f"writer-{n}"), source="worker"):
                for i in range(PER_THREAD):
                    record(Action.SYSTEM, object_type="test", object_id=f"{n}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []

    total = THREADS * PER_THREAD
    seal_pending()  # what the worker's job (or the next writer) does with the last writes
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, total + 1))
    assert AuditEntry.objects.values("object_id").distinct().count() == total
    for n in range(THREADS):  # each writer's entries kept their order
        mine = list(AuditEntry.objects.filter(actor_name=f"writer-{n}").order_by("seq").values_list("object_id", flat=True))
        assert mine == [f"{n}-{i}" for i in range(PER_THREAD)]
    report = verify_chain()
    assert (report.ok, report.checked, report.problem) == (True, total, "")
    head = AuditChain.objects.get(pk=1)
    assert head.last_seq == total
