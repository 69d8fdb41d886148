"""Writing and checking the audit log (审计日志).

Every service that changes a business object calls `record` (or one of the helpers) inside
its own transaction, so the entry commits or rolls back with the change.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from govmall.audit import chain_sql
from govmall.audit.models import Action, AuditChain, AuditEntry
from govmall.core import context

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq", "created_at", "action", "actor_id", "actor_name", "org_id", "org_name",
    "object_type", "object_id", "object_repr", "owner_org_id", "scope_path", "changes",
    "message", "request_id", "client_ip", "source", "prev_hash",
)  # fmt: skip


def _jsonable(value):
    if isinstance(value, (dt.datetime,)):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (set, frozenset, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def entry_digest(values: dict) -> str:
    """SHA-256 over the canonical JSON of an entry's hashed fields."""
    payload = {}
    for name in HASHED_FIELDS:
        v = values[name]
        if name == "created_at":
            v = v.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        payload[name] = v
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _scope_of(obj) -> tuple[int | None, str]:
    """An object may say which organization owns it and where it sits (for scoped reading)."""
    fn = getattr(obj, "audit_scope", None)
    if callable(fn):
        return fn()
    return None, ""


def entry_values(
    action: str,
    obj: models.Model | None = None,
    *,
    changes: dict | None = None,
    message: str = "",
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    owner_org_id: int | None = None,
    scope_path: str = "",
) -> dict:
    """The values of the entry `record` appends (who, where, what), not yet in the chain."""
    ctx = context.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
        scoped_org, scoped_path = _scope_of(obj)
        owner_org_id = owner_org_id if owner_org_id is not None else scoped_org
        scope_path = scope_path or scoped_path
    return {
        "action": action,
        "actor_id": ctx.actor.user_id,
        "actor_name": ctx.actor.username,
        "org_id": ctx.actor.org_id,
        "org_name": ctx.actor.org_name,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr[:300],
        "owner_org_id": owner_org_id,
        "scope_path": scope_path,
        "changes": _jsonable(changes or {}),
        "message": message,
        "request_id": ctx.request_id,
        "client_ip": ctx.client_ip,
        "source": ctx.source,
        "created_at": timezone.now(),
        "seq": None,
        "prev_hash": None,
        "hash": None,
    }


def record(action: str, obj: models.Model | None = None, **kwargs) -> AuditEntry:
    """Append one entry to the chain, in (or joining) the caller's transaction. Keyword
    arguments as entry_values."""
    values = entry_values(action, obj, **kwargs)
    # savepoint=False: an entry belongs to the caller's transaction and fails with it; a
    # savepoint would cost two round trips on every audited write.
    with transaction.atomic(savepoint=False):
        if chain_sql.links_in_place():
            head = _locked_head()
            values["seq"] = head[0] + 1
            values["prev_hash"] = head[1]
            values["hash"] = entry_digest(values)
            entry_id = chain_sql.append(values)
        else:
            entry_id = chain_sql.insert(values)
            _seal_after_commit()
        entry = AuditEntry(id=entry_id, **values)
        entry._state.adding = False
        entry._state.db = "default"
    return entry


def entry_insert_sql(values: dict, *, source: str | None = None, expressions: dict[str, tuple[str, list]] | None = None) -> tuple[str, list]:
    """For a writer that wants its entry inside its own statement (one round trip less on
    its hottest path): the INSERT of an entry made by entry_values, to be run in the caller's
    transaction, after which the caller calls entry_inserted(). With `source`, an INSERT …
    SELECT … FROM that row source of the caller's statement (no row, no entry), some columns
    given as SQL `expressions` over it (chain_sql.insert_select_sql). Only where entries are
    inserted unlinked (PostgreSQL); elsewhere use record()."""
    if chain_sql.links_in_place():
        raise RuntimeError("entry_insert_sql: this database links entries in place; use record()")
    if source is None:
        return chain_sql.insert_sql(values)
    return chain_sql.insert_select_sql(values, source=source, expressions=expressions or {})


def entry_inserted() -> None:
    """An entry of entry_insert_sql was written: seal it after the commit (at once when the
    statement ran outside a transaction and so has committed)."""
    if connection.in_atomic_block:
        _seal_after_commit()
    else:
        _seal_committed()


def _locked_head(*, for_seal: bool = False, wait: bool = True) -> tuple[int, str]:
    def lock():
        return chain_sql.lock_head_for_seal(wait=wait) if for_seal else chain_sql.lock_head()

    head = lock()
    if head is None:
        # The first appends race to create the head: one insert wins, the others wait for
        # it and then lock the row it made (a plain create fails them on PostgreSQL).
        AuditChain.objects.bulk_create([AuditChain(pk=1)], ignore_conflicts=True)
        head = lock()
    return head


def _seal_after_commit() -> None:
    """Queue one seal for when the current transaction commits (once per transaction)."""
    if not any(func is _seal_committed for _sids, func, _robust in connection.run_on_commit):
        transaction.on_commit(_seal_committed, robust=True)


_last_seal = [0.0]  # when this process last sealed (time.monotonic): a throttle, nothing else


def _seal_committed() -> None:
    """Seal after a commit, at most once per `GOVMALL_AUDIT_SEAL_INTERVAL_MS` per process:
    one seal links every writer's pending entries, so under load a seal a second per process
    does the work of hundreds, and an interactive action (the first write after a pause) is
    sealed at once. Entries of the last writes of a burst wait for the next seal by any
    writer or for the worker's job (every minute)."""
    now = time.monotonic()
    if now - _last_seal[0] < settings.GOVMALL_AUDIT_SEAL_INTERVAL_MS / 1000:
        return
    _last_seal[0] = now
    try:
        seal_pending(REQUEST_SEAL_BATCH, wait=False, batches=1)
    except chain_sql.HeadBusy:
        pass  # another process is sealing right now: it links these entries too, or the next seal does


SEAL_BATCH = 1000
# A seal after a commit runs inside somebody's request: it links at most this many entries
# (about 20 ms of work on the 2-core machine), the rest waits for the next seal. Eight
# processes sealing once a second each keep up with 1,600 audited writes a second.
REQUEST_SEAL_BATCH = 200


def seal_pending(batch: int = SEAL_BATCH, *, wait: bool = True, batches: int | None = None) -> int:
    """Link every committed entry that is not yet in the chain (PostgreSQL writers insert
    their entries unlinked and call this after their commit; the worker calls it too, so an
    entry whose writer died between commit and seal is linked within minutes). Entries are
    sealed in id order under the head lock; each gets its sequence number, the previous
    entry's hash and its own hash. Returns how many were sealed. `wait=False` (PostgreSQL):
    raise chain_sql.HeadBusy instead of waiting while another transaction seals. `batches`:
    stop after that many batches (the rest is left for the next seal)."""
    if not chain_sql.has_unsealed():
        return 0
    fields = [*HASHED_FIELDS, "id"]
    total = 0
    while True:
        with transaction.atomic():
            last_seq, last_hash = _locked_head(for_seal=True, wait=wait)
            rows = list(AuditEntry.objects.filter(seq__isnull=True).order_by("id").values(*fields)[:batch])
            links = []
            for row in rows:
                last_seq += 1
                row["seq"], row["prev_hash"] = last_seq, last_hash
                last_hash = entry_digest(row)
                links.append((last_seq, row["prev_hash"], last_hash, row["id"]))
            if links:
                chain_sql.seal(links, last_seq, last_hash)
        total += len(rows)
        if len(rows) < batch:
            return total
        if batches is not None:
            batches -= 1
            if batches <= 0:
                return total


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """The audited values of an object: concrete fields (foreign keys as ids)."""
    names = fields or [f.attname for f in obj._meta.concrete_fields if f.name not in ("password",)]
    return {name: _jsonable(getattr(obj, name)) for name in names}


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields that changed."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def log_create(obj: models.Model, *, fields: list[str] | None = None, message: str = "") -> AuditEntry:
    after = snapshot(obj, fields)
    return record(Action.CREATE, obj, changes={k: [None, v] for k, v in after.items()}, message=message)


def log_update(obj: models.Model, before: dict, *, message: str = "") -> AuditEntry | None:
    """Record an update given the snapshot taken before it; nothing when nothing changed."""
    changes = diff(before, snapshot(obj, list(before)))
    if not changes:
        return None
    return record(Action.UPDATE, obj, changes=changes, message=message)


@dataclass
class ChainReport:
    ok: bool
    checked: int
    problem: str = ""
    broken_seq: int | None = None
    broken_id: int | None = None


def verify_chain(chunk_size: int = 5000) -> ChainReport:
    """Recompute the chain; name the first entry that was altered, removed or reordered.
    Committed entries not yet linked are sealed first (`seal_pending`), so the whole log is
    checked."""
    seal_pending()
    expected_seq = 1
    prev_hash = GENESIS
    checked = 0
    fields = [*HASHED_FIELDS, "hash", "id"]
    for row in AuditEntry.objects.filter(seq__isnull=False).order_by("seq").values(*fields).iterator(chunk_size=chunk_size):
        if row["seq"] != expected_seq:
            return ChainReport(False, checked, f"序号 {expected_seq} 的记录缺失（下一条为 {row['seq']}）：记录被删除或重排", row["seq"], row["id"])
        if row["prev_hash"] != prev_hash:
            return ChainReport(False, checked, f"第 {row['seq']} 条记录的前序哈希不符：之前的记录被删除、修改或重排", row["seq"], row["id"])
        if entry_digest(row) != row["hash"]:
            return ChainReport(False, checked, f"第 {row['seq']} 条记录的内容与其哈希不符：记录被修改", row["seq"], row["id"])
        prev_hash = row["hash"]
        expected_seq += 1
        checked += 1
    head = AuditChain.objects.filter(pk=1).first()
    last_seq = head.last_seq if head else 0
    last_hash = head.last_hash if head else GENESIS
    if last_seq != checked or last_hash != prev_hash:
        return ChainReport(False, checked, f"链头记录为第 {last_seq} 条，实际只有 {checked} 条：末尾记录被删除或修改", last_seq, None)
    return ChainReport(True, checked)


def verify_and_store() -> ChainReport:
    """Verify the chain and keep the result (shown to administrators)."""
    from govmall.audit.models import ChainCheck

    report = verify_chain()
    ChainCheck.objects.create(ok=report.ok, entries=report.checked, problem=report.problem)
    return report
