"""The audit chain's two hot statements in plain SQL (the one database-specific module of the
audit app). Every audited write in the system runs them while it holds the chain head, so
they are kept to the fewest round trips: lock and read the head; then insert the entry and
move the head — one statement on PostgreSQL (a data-modifying CTE), two on SQLite (whose
write transaction already holds the database from BEGIN IMMEDIATE)."""

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


def lock_head() -> tuple[int, str] | None:
    """(last_seq, last_hash) of the chain head, locked until the transaction ends; None when
    the head row does not exist yet."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cur:
        cur.execute(f"SELECT last_seq, last_hash FROM audit_auditchain WHERE id = 1{lock}")
        row = cur.fetchone()
    return (row[0], row[1]) if row else None


def append(values: dict) -> int:
    """Insert the entry and move the head to it; returns the entry's id."""
    params = [_FIELDS[c].get_db_prep_save(values[c], connection) for c in ENTRY_COLUMNS]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                f'WITH e AS (INSERT INTO audit_auditentry ({_COLS}) VALUES ({_MARKS}) RETURNING id) '
                "UPDATE audit_auditchain SET last_seq = %s, last_hash = %s WHERE id = 1 RETURNING (SELECT id FROM e)",
                [*params, values["seq"], values["hash"]],
            )
            return cur.fetchone()[0]
        cur.execute(f"INSERT INTO audit_auditentry ({_COLS}) VALUES ({_MARKS}) RETURNING id", params)
        entry_id = cur.fetchone()[0]
        cur.execute("UPDATE audit_auditchain SET last_seq = %s, last_hash = %s WHERE id = 1", [values["seq"], values["hash"]])
        return entry_id
