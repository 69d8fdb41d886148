"""The audit chain's hot statements in plain SQL (the one database-specific module of the
audit app). They run on every audited write in the system, so they are kept to the fewest
round trips.

How an entry joins the chain depends on the database, for one reason: on SQLite a write
transaction already holds the whole database from BEGIN IMMEDIATE, so linking the entry in
place (lock the head, insert the linked entry, move the head) adds no waiting; on PostgreSQL
the head row would stay locked until the writer commits and every writer in the system would
queue on it. There the entry is inserted unlinked (`seq`, `prev_hash`, `hash` empty, no lock)
and linked — sealed — right after the writer commits, in a short transaction of its own that
seals every unlinked entry in one go (`audit.services.seal_pending`)."""

from __future__ import annotations

from django.db import connection

from govmall.audit.models import AuditEntry

ENTRY_COLUMNS = (
    "seq", "created_at", "action", "actor_id", "actor_name", "org_id", "org_name", "object_type", "object_id",
    "object_repr", "owner_org_id", "scope_path", "changes", "message", "request_id", "client_ip", "source", "prev_hash", "hash",
)  # fmt: skip
_FIELDS = {name: AuditEntry._meta.get_field(name) for name in ENTRY_COLUMNS}
_COLS = ", ".join(f'"{c}"' for c in ENTRY_COLUMNS)
_MARKS = ", ".join(["%s"] * len(ENTRY_COLUMNS))


def links_in_place() -> bool:
    """True where an entry is linked in the writer's own transaction (SQLite), False where it
    is sealed after the commit (PostgreSQL)."""
    return connection.vendor == "sqlite"


def lock_head() -> tuple[int, str] | None:
    """(last_seq, last_hash) of the chain head, locked until the transaction ends; None when
    the head row does not exist yet."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cur:
        cur.execute(f"SELECT last_seq, last_hash FROM audit_auditchain WHERE id = 1{lock}")
        row = cur.fetchone()
    return (row[0], row[1]) if row else None


def insert_sql(values: dict) -> tuple[str, list]:
    """The INSERT of an entry, linked or not yet (seq, prev_hash and hash NULL), and its
    parameters."""
    params = [_FIELDS[c].get_db_prep_save(values[c], connection) for c in ENTRY_COLUMNS]
    return f"INSERT INTO audit_auditentry ({_COLS}) VALUES ({_MARKS})", params


def insert_select_sql(values: dict, *, source: str, expressions: dict[str, tuple[str, list]]) -> tuple[str, list]:
    """PostgreSQL: insert_sql as INSERT … SELECT … FROM `source` (a row source of the
    caller's statement: no row, no entry), with some columns given as SQL `expressions`
    (sql, params) over it. The other values travel as one JSON parameter
    (jsonb_populate_record), which keeps a caller's statement short and preparable."""
    from govmall.core.sqljson import row_json

    row = {c: values[c] for c in ENTRY_COLUMNS if c not in expressions}
    parts, params = [], []
    for c in ENTRY_COLUMNS:
        if c in expressions:
            sql, extra = expressions[c]
            parts.append(sql)
            params += extra
        else:
            parts.append(f'e."{c}"')
    params.append(row_json(row))  # after the expressions' parameters: jsonb_populate_record's %s ends the text
    select = f"SELECT {', '.join(parts)} FROM {source}, jsonb_populate_record(NULL::audit_auditentry, %s::jsonb) e"
    return f"INSERT INTO audit_auditentry ({_COLS}) {select}", params


def insert(values: dict) -> int:
    """Insert an entry, linked or not yet; returns its id."""
    sql, params = insert_sql(values)
    with connection.cursor() as cur:
        cur.execute(sql + " RETURNING id", params)
        return cur.fetchone()[0]


def append(values: dict) -> int:
    """Insert a linked entry and move the head to it (the head is locked); returns its id."""
    entry_id = insert(values)
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditchain SET last_seq = %s, last_hash = %s WHERE id = 1", [values["seq"], values["hash"]])
    return entry_id


def has_unsealed() -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM audit_auditentry WHERE seq IS NULL LIMIT 1")
        return cur.fetchone() is not None


class HeadBusy(Exception):
    """lock_head_for_seal(wait=False): another transaction holds the head (it is sealing)."""


def lock_head_for_seal(*, wait: bool = True) -> tuple[int, str] | None:
    """lock_head() for a seal. A seal can always be redone from the entries, so on PostgreSQL
    its commit need not wait for the disk (a seal lost in a crash is made again by the next
    one): the same statement turns synchronous commit off for this transaction. With
    `wait=False` (PostgreSQL), raises HeadBusy at once instead of waiting for another seal."""
    if connection.vendor != "postgresql":
        return lock_head()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT last_seq, last_hash, set_config('synchronous_commit', 'off', true) FROM audit_auditchain WHERE id = 1 FOR UPDATE"
            + ("" if wait else " SKIP LOCKED")
        )
        row = cur.fetchone()
        if row is None and not wait:
            cur.execute("SELECT 1 FROM audit_auditchain WHERE id = 1")
            if cur.fetchone() is not None:
                raise HeadBusy
    return (row[0], row[1]) if row else None


def seal(links: list[tuple[int, str, str, int]], last_seq: int, last_hash: str) -> None:
    """Write the links [(seq, prev_hash, hash, id)] of unsealed entries and move the head.
    The only update the audit log ever receives: NULL to the entry's place in the chain."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            rows = ", ".join(["(%s::bigint, %s::bigint, %s, %s)"] * len(links))
            cur.execute(
                f"WITH v(id, seq, prev_hash, hash) AS (VALUES {rows}), "
                "e AS (UPDATE audit_auditentry SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash FROM v "
                "WHERE audit_auditentry.id = v.id AND audit_auditentry.seq IS NULL RETURNING 1) "
                "UPDATE audit_auditchain SET last_seq = %s, last_hash = %s WHERE id = 1 RETURNING (SELECT count(*) FROM e)",
                [x for seq, prev, digest, entry_id in links for x in (entry_id, seq, prev, digest)] + [last_seq, last_hash],
            )
            written = cur.fetchone()[0]
        else:
            cur.executemany("UPDATE audit_auditentry SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s AND seq IS NULL", links)
            written = cur.rowcount
            cur.execute("UPDATE audit_auditchain SET last_seq = %s, last_hash = %s WHERE id = 1", [last_seq, last_hash])
    if written != len(links):  # only possible if something else sealed without the head lock
        raise RuntimeError(f"audit seal wrote {written} of {len(links)} links")
