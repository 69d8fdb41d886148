"""The reservation's locked section in plain SQL: the one module of the limits engine that
writes SQL by hand (portable between SQLite and PostgreSQL; the only difference is the
`FOR UPDATE` suffix, which SQLite does not need: its write transaction already holds the
database from BEGIN IMMEDIATE).

Why by hand: these few statements run while the plan row (PostgreSQL) or the whole database
(SQLite) is locked, so their cost bounds the throughput of every purchase in the sub-site.
Composed once, they cost a fraction of the ORM's per-query compilation (docs/PERFORMANCE.md).

Amounts are read under the lock, computed in Decimal and written back as exact values (never
`x = x + delta` in SQL: SQLite's NUMERIC arithmetic is binary floating point)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

CENT = Decimal("0.01")


def _money(value) -> Decimal:
    if value is None:
        return Decimal("0.00")
    if isinstance(value, Decimal):
        return value.quantize(CENT)
    return Decimal(str(value)).quantize(CENT)


def _for_update(of: str = "") -> str:
    if not connection.features.has_select_for_update:
        return ""
    return f" FOR UPDATE OF {of}" if of and connection.features.has_select_for_update_of else " FOR UPDATE"


@dataclass
class PlanRow:
    id: int
    purchaser_id: int
    purchaser_status: str
    purchaser_effective_to: object
    status: str
    amount: Decimal
    used: Decimal
    reserved: Decimal


@dataclass
class UsageRow:
    id: int
    used: Decimal
    reserved: Decimal
    window_total: Decimal = Decimal("0.00")
    window_direct: Decimal = Decimal("0.00")


def lock_plan(plan_id: int) -> PlanRow | None:
    sql = (
        'SELECT p.id, p.purchaser_id, u.status, u.effective_to, p.status, p.amount, p.used, p.reserved '
        'FROM plans_plan p JOIN purchasers_purchaser u ON u.id = p.purchaser_id WHERE p.id = %s' + _for_update("p")
    )
    with connection.cursor() as cur:
        cur.execute(sql, [plan_id])
        row = cur.fetchone()
    if row is None:
        return None
    effective_to = row[3]
    if effective_to is not None and not hasattr(effective_to, "isoformat"):
        import datetime as dt

        effective_to = dt.date.fromisoformat(str(effective_to))
    return PlanRow(row[0], row[1], row[2], effective_to, row[4], _money(row[5]), _money(row[6]), _money(row[7]))


_WINDOW_VALUE = "CASE WHEN r.status = 'consumed' THEN r.consumed_amount ELSE r.amount END"
_WINDOW_WHERE = "r.purchaser_id = u.purchaser_id AND r.cap_category_id = u.category_id AND r.created_at >= %s AND r.status IN ('reserved', 'consumed')"


def lock_usage(*, purchaser_id: int, year: int, category_id: int, form: str, window_since=None) -> UsageRow:
    """The cap usage row, locked; created first when missing (racing inserts settle on one).
    With `window_since`, the same statement also sums the purchaser's purchases in the
    category since then (all, and direct) for split detection — one round trip less."""
    if window_since is not None:
        since = connection.ops.adapt_datetimefield_value(window_since)
        extra = (
            f", (SELECT SUM({_WINDOW_VALUE}) FROM limits_reservation r WHERE {_WINDOW_WHERE}), "
            f"(SELECT SUM({_WINDOW_VALUE}) FROM limits_reservation r WHERE {_WINDOW_WHERE} AND r.mode = 'direct')"
        )
        head = [since, since]
    else:
        extra, head = "", []
    sql = (
        f"SELECT u.id, u.used, u.reserved{extra} FROM limits_capusage u "
        "WHERE u.purchaser_id = %s AND u.year = %s AND u.category_id = %s AND u.form = %s" + _for_update()
    )
    params = [*head, purchaser_id, year, category_id, form]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
        if row is None:
            from govmall.limits.models import CapUsage

            CapUsage.objects.bulk_create(
                [CapUsage(purchaser_id=purchaser_id, year=year, category_id=category_id, form=form)], ignore_conflicts=True
            )
            cur.execute(sql, params)
            row = cur.fetchone()
    usage = UsageRow(row[0], _money(row[1]), _money(row[2]))
    if window_since is not None:
        # SQLite sums NUMERIC in binary floating point: back to cents (PostgreSQL is exact).
        usage.window_total, usage.window_direct = _money(row[3]), _money(row[4])
    return usage


def lock_usage_by_id(usage_id: int) -> UsageRow:
    with connection.cursor() as cur:
        cur.execute("SELECT id, used, reserved FROM limits_capusage WHERE id = %s" + _for_update(), [usage_id])
        row = cur.fetchone()
    return UsageRow(row[0], _money(row[1]), _money(row[2]))


INSERT_COLUMNS = [
    "purchaser_id", "plan_id", "usage_id", "category_id", "cap_category_id", "form", "year", "amount", "mode", "status",
    "reference", "standard_id", "split_flag", "warnings", "release_reason", "created_at", "updated_at",
]  # fmt: skip


def insert_reservation(values: dict) -> int:
    import json

    params = []
    for name in INSERT_COLUMNS:
        v = values[name]
        if name in ("created_at", "updated_at"):
            v = connection.ops.adapt_datetimefield_value(v)
        elif name == "warnings":
            v = json.dumps(v, ensure_ascii=False)
        params.append(v)
    marks = ", ".join(["%s"] * len(params))
    sql = f"INSERT INTO limits_reservation ({', '.join(INSERT_COLUMNS)}) VALUES ({marks}) RETURNING id"
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


def reserve_writes(values: dict, *, plan_id: int, plan_used: Decimal, plan_reserved: Decimal, usage_id: int, usage_used: Decimal, usage_reserved: Decimal) -> int:
    """Insert the reservation and write the plan's and the cap's new figures; returns the id.
    PostgreSQL does it in one round trip (data-modifying CTEs), SQLite in three statements
    (it has no round trips to save: the database is in-process)."""
    if connection.vendor != "postgresql":
        rid = insert_reservation(values)
        write_plan(plan_id, used=plan_used, reserved=plan_reserved, now=values["updated_at"])
        write_usage(usage_id, used=usage_used, reserved=usage_reserved, now=values["updated_at"])
        return rid
    import json

    now = values["updated_at"]
    params = [plan_used, plan_reserved, now, plan_id, usage_used, usage_reserved, now, usage_id]
    for name in INSERT_COLUMNS:
        v = values[name]
        params.append(json.dumps(v, ensure_ascii=False) if name == "warnings" else v)
    sql = (
        "WITH p AS (UPDATE plans_plan SET used = %s, reserved = %s, updated_at = %s WHERE id = %s RETURNING 1), "
        "u AS (UPDATE limits_capusage SET used = %s, reserved = %s, updated_at = %s WHERE id = %s RETURNING 1) "
        f"INSERT INTO limits_reservation ({', '.join(INSERT_COLUMNS)}) VALUES ({', '.join(['%s'] * len(INSERT_COLUMNS))}) RETURNING id"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


def write_plan(plan_id: int, *, used: Decimal, reserved: Decimal, now) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE plans_plan SET used = %s, reserved = %s, updated_at = %s WHERE id = %s",
            [used, reserved, connection.ops.adapt_datetimefield_value(now), plan_id],
        )


def write_usage(usage_id: int, *, used: Decimal, reserved: Decimal, now) -> None:
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE limits_capusage SET used = %s, reserved = %s, updated_at = %s WHERE id = %s",
            [used, reserved, connection.ops.adapt_datetimefield_value(now), usage_id],
        )


# --- Reference reads on the hot path (before the lock) ----------------------------------------

_CATEGORY_COLUMNS = ["id", "edition_id", "code", "short_code", "name", "level", "kind", "parent_id", "is_leaf", "path"]


def categories(codes: set[str], also_id: int | None = None, *, year: int) -> tuple[list, bool | None]:
    """Categories of the current catalog edition with these codes, and one more by id; and,
    in the same round trip, the explicit open/closed mark of budget `year` (None: no mark)."""
    from govmall.catalog.models import Category

    cols = ", ".join(f"c.{c}" for c in _CATEGORY_COLUMNS)
    codes = sorted(codes)
    mark = "(SELECT b.closed FROM purchasers_budgetyear b WHERE b.year = %s)"
    select = f"SELECT {cols}, e.is_current, {mark} FROM catalog_category c JOIN catalog_catalogedition e ON e.id = c.edition_id"
    sql = f"{select} WHERE e.is_current = %s AND c.code IN ({', '.join(['%s'] * len(codes))})"
    params: list = [year, True, *codes]
    if also_id is not None:  # a UNION, not an OR: each part uses its index
        sql += f" UNION ALL {select} WHERE c.id = %s"
        params += [year, also_id]
    out = []
    closed = None
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for row in cur.fetchall():
            c = Category(**dict(zip(_CATEGORY_COLUMNS, row[:-2])))
            c._state.adding, c._state.db = False, "default"
            c.is_current_edition = bool(row[-2])
            closed = None if row[-1] is None else bool(row[-1])
            out.append(c)
    return out, closed


_STANDARD_COLUMNS = ["id", "region_id", "version", "title", "notice_no", "effective_from", "status", "split_window_days", "split_action"]
_RULE_COLUMNS = ["id", "standard_id", "level", "tender_threshold", "mall_limit", "direct_max", "bidding_min", "cap_centralized", "cap_department", "cap_decentralized"]
_MONEY_RULE = {"tender_threshold", "mall_limit", "direct_max", "bidding_min", "cap_centralized", "cap_department", "cap_decentralized"}


def rules_in_force(*, region_codes: list[str], level: str, on) -> list[tuple]:
    """(region code, LimitStandard, LimitRule) for every published standard of these regions in
    force on `on` that has a rule for `level`, latest first."""
    import datetime as dt

    from govmall.limits.models import LimitRule, LimitStandard
    from govmall.regions.models import Region

    scols = ", ".join(f"s.{c}" for c in _STANDARD_COLUMNS)
    rcols = ", ".join(f"r.{c}" for c in _RULE_COLUMNS)
    sql = (
        f"SELECT g.code, g.name, g.path, {scols}, {rcols} FROM limits_limitrule r JOIN limits_limitstandard s ON s.id = r.standard_id "
        "JOIN regions_region g ON g.id = s.region_id "
        f"WHERE r.level = %s AND s.status = 'published' AND s.effective_from <= %s AND g.code IN ({', '.join(['%s'] * len(region_codes))}) "
        "ORDER BY s.effective_from DESC, s.version DESC"
    )
    out = []
    with connection.cursor() as cur:
        cur.execute(sql, [level, connection.ops.adapt_datefield_value(on), *region_codes])
        for row in cur.fetchall():
            code, name, path = row[0], row[1], row[2]
            s_vals = dict(zip(_STANDARD_COLUMNS, row[3 : 3 + len(_STANDARD_COLUMNS)]))
            r_vals = dict(zip(_RULE_COLUMNS, row[3 + len(_STANDARD_COLUMNS) :]))
            if not isinstance(s_vals["effective_from"], dt.date):
                s_vals["effective_from"] = dt.date.fromisoformat(str(s_vals["effective_from"]))
            for k in _MONEY_RULE:
                r_vals[k] = _money(r_vals[k])
            standard = LimitStandard(**s_vals)
            standard.region = Region(id=s_vals["region_id"], code=code, name=name, path=path)
            rule = LimitRule(**r_vals)
            rule.standard = standard
            for obj in (standard, standard.region, rule):
                obj._state.adding, obj._state.db = False, "default"
            out.append((code, standard, rule))
    return out
