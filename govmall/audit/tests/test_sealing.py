"""When an entry joins the chain: in place on SQLite; after the commit on PostgreSQL, by a
seal that a process runs at most once per GOVMALL_AUDIT_SEAL_INTERVAL_MS."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from govmall.audit import services
from govmall.audit.models import Action, AuditEntry
from govmall.audit.services import record, seal_pending, verify_chain
from govmall.core.context import Actor, acting_as


def test_on_sqlite_an_entry_is_linked_in_its_own_transaction(db):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL seals after the commit")
    with acting_as(Actor(username="seal-test")), transaction.atomic():
        entry = record(Action.SYSTEM, message="一")
        assert AuditEntry.objects.get(pk=entry.pk).seq == entry.seq == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=False, available_apps=["govmall.audit"])
def test_on_postgresql_the_first_commit_after_a_pause_seals_and_later_ones_wait_for_the_next_seal(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite links entries in place")
    settings.GOVMALL_AUDIT_SEAL_INTERVAL_MS = 60_000
    services._last_seal[0] = 0.0
    with acting_as(Actor(username="seal-test")):
        with transaction.atomic():
            first = record(Action.SYSTEM, message="一")
            assert AuditEntry.objects.get(pk=first.pk).seq is None  # unlinked until the commit
        assert AuditEntry.objects.get(pk=first.pk).seq == 1
        second = record(Action.SYSTEM, message="二")
    assert AuditEntry.objects.get(pk=second.pk).seq is None  # within the interval: left for the next seal
    assert seal_pending() == 1
    assert AuditEntry.objects.get(pk=second.pk).seq == 2
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True, serialized_rollback=False, available_apps=["govmall.audit"])
def test_on_postgresql_a_writer_does_not_wait_while_another_process_seals(settings):
    """A seal after a commit skips when the head is held by another seal: that seal or the
    next links the entry, and the writer's request does not queue behind it."""
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("SQLite links entries in place")
    settings.GOVMALL_AUDIT_SEAL_INTERVAL_MS = 0
    with acting_as(Actor(username="seal-test")):
        record(Action.SYSTEM, message="建链")  # the head exists
    held, release = threading.Event(), threading.Event()

    def other_seal():
        from django.db import connections

        try:
            with transaction.atomic():
                services._locked_head(for_seal=True)
                held.set()
                release.wait(10)
        finally:
            connections.close_all()

    t = threading.Thread(target=other_seal)
    t.start()
    try:
        assert held.wait(10)
        with acting_as(Actor(username="seal-test")):
            entry = record(Action.SYSTEM, message="未等待")  # autocommit: its seal runs now, and skips
        assert AuditEntry.objects.get(pk=entry.pk).seq is None
    finally:
        release.set()
        t.join(10)
    assert seal_pending() == 1
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True, serialized_rollback=False, available_apps=["govmall.audit"])
def test_a_seal_inside_a_request_links_one_batch_and_leaves_the_rest_for_the_next(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite links entries in place")
    settings.GOVMALL_AUDIT_SEAL_INTERVAL_MS = 60_000
    services._last_seal[0] = 0.0
    with acting_as(Actor(username="seal-test")), transaction.atomic():
        for n in range(5):
            record(Action.SYSTEM, message=f"第 {n} 条")
    # the commit's own seal linked them all (five are fewer than a request's batch)
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 0
    with acting_as(Actor(username="seal-test")), transaction.atomic():
        for n in range(5):
            record(Action.SYSTEM, message=f"第 {n + 5} 条")
    assert seal_pending(2, batches=1) == 2
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 3
    assert seal_pending(2) == 3
    assert verify_chain().ok
