"""The audit log's hash chain: how record() links entries, and how `verify_audit` names the
first entry that was altered, removed or reordered behind the application's back."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from govmall.audit.models import Action, AuditChain, AuditEntry
from govmall.audit.services import GENESIS, HASHED_FIELDS, entry_digest, record, seal_pending, verify_chain
from govmall.core.context import Actor, acting_as

TABLE = AuditEntry._meta.db_table


@pytest.fixture
def five(db):
    """Five entries on an empty chain (seq 1..5)."""
    assert AuditEntry.objects.count() == 0
    with acting_as(Actor(username="chain-test"), source="command"):
        entries = [record(Action.SYSTEM, object_type="test", object_id=str(i), object_repr=f"第{i}条", message=f"消息{i}") for i in range(1, 6)]
    seal_pending()  # what the commit does on PostgreSQL (the test's transaction never commits)
    return entries


def run_verify():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_record_numbers_entries_from_one_and_links_each_to_its_predecessor(five):
    rows = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == GENESIS
    for before, after in zip(rows, rows[1:]):
        assert after.prev_hash == before.hash
    for e in rows:
        assert e.hash == entry_digest({name: getattr(e, name) for name in HASHED_FIELDS})
    assert len({e.hash for e in rows}) == 5
    head = AuditChain.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (5, rows[-1].hash)


def test_record_keeps_who_did_what(five):
    e = AuditEntry.objects.get(seq=3)
    assert (e.action, e.actor_name, e.source, e.object_type, e.object_id, e.object_repr, e.message) == (
        "system", "chain-test", "command", "test", "3", "第3条", "消息3",
    )  # fmt: skip


def test_verify_audit_passes_on_an_intact_chain(five):
    code, out, err = run_verify()
    assert (code, out.strip(), err) == (0, "audit chain intact: 5 entries", "")
    assert verify_chain().ok is True


def test_verify_audit_passes_on_an_empty_log(db):
    assert run_verify() == (0, "audit chain intact: 0 entries\n", "")


def test_verify_audit_names_an_altered_entry(five):
    raw(f"UPDATE {TABLE} SET message = %s WHERE seq = 3", ["悄悄改过"])
    code, out, err = run_verify()
    assert code == 1
    assert f"audit chain BROKEN at entry seq=3 (id={five[2].pk})" in err
    assert "第 3 条记录的内容与其哈希不符：记录被修改" in err
    report = verify_chain()
    assert (report.ok, report.checked, report.broken_seq) == (False, 2, 3)


def test_verify_audit_names_an_entry_whose_hash_was_recomputed_after_altering_it(five):
    """Rewriting a row *and* its own hash still breaks the link to the next entry."""
    row = AuditEntry.objects.values(*HASHED_FIELDS).get(seq=2)
    row["message"] = "伪造"
    raw(f"UPDATE {TABLE} SET message = %s, hash = %s WHERE seq = 2", ["伪造", entry_digest(row)])
    code, _, err = run_verify()
    assert code == 1
    assert f"entry seq=3 (id={five[2].pk})" in err
    assert "第 3 条记录的前序哈希不符" in err


def test_verify_audit_names_the_gap_when_an_entry_in_the_middle_is_removed(five):
    raw(f"DELETE FROM {TABLE} WHERE seq = 3")
    code, _, err = run_verify()
    assert code == 1
    assert f"audit chain BROKEN at entry seq=4 (id={five[3].pk})" in err
    assert "序号 3 的记录缺失（下一条为 4）" in err


def test_verify_audit_names_the_tail_when_the_last_entry_is_removed(five):
    raw(f"DELETE FROM {TABLE} WHERE seq = 5")
    code, _, err = run_verify()
    assert code == 1
    assert "audit chain BROKEN at entry seq=5:" in err
    assert "链头记录为第 5 条，实际只有 4 条" in err


def test_verify_audit_names_reordered_entries(five):
    # Swap seq 2 and 4 (through a free number: seq is unique).
    raw(f"UPDATE {TABLE} SET seq = 999999 WHERE seq = 2")
    raw(f"UPDATE {TABLE} SET seq = 2 WHERE seq = 4")
    raw(f"UPDATE {TABLE} SET seq = 4 WHERE seq = 999999")
    assert list(AuditEntry.objects.order_by("seq").values_list("object_id", flat=True)) == ["1", "4", "3", "2", "5"]
    code, _, err = run_verify()
    assert code == 1
    assert f"audit chain BROKEN at entry seq=2 (id={five[3].pk})" in err
    assert "第 2 条记录的前序哈希不符" in err


def test_appending_after_verification_continues_the_chain(five):
    with acting_as(Actor(username="chain-test")):
        sixth = record(Action.SYSTEM, message="第六条")
    seal_pending()
    sixth.refresh_from_db()
    assert (sixth.seq, sixth.prev_hash) == (6, AuditEntry.objects.get(pk=five[-1].pk).hash)
    assert run_verify()[0] == 0


def test_an_entry_committed_unlinked_is_sealed_into_the_chain_in_id_order(five):
    """What a PostgreSQL writer leaves when it dies between its commit and its seal: entries
    without a place in the chain. The next seal (any writer's, the worker's, a verification)
    links them after the last sealed entry, in the order they were written."""
    cols = "created_at, action, actor_name, actor_id, org_id, org_name, object_type, {object_id}, object_repr, owner_org_id, scope_path, changes, message, request_id, client_ip, source"
    for object_id in ("unsealed-1", "unsealed-2"):
        raw(f"INSERT INTO {TABLE} ({cols.format(object_id='object_id')}) SELECT {cols.format(object_id='%s')} FROM {TABLE} WHERE seq = 5", [object_id])
    assert list(AuditEntry.objects.filter(seq__isnull=True).values_list("object_id", flat=True).order_by("id")) == ["unsealed-1", "unsealed-2"]
    assert seal_pending() == 2
    assert seal_pending() == 0
    rows = list(AuditEntry.objects.order_by("seq").values_list("seq", "object_id"))
    assert rows[-2:] == [(6, "unsealed-1"), (7, "unsealed-2")]
    assert verify_chain().ok is True
