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
    year_mark: bool | None = None  # the budget year's explicit open/closed mark (None: no mark)
    tokens: tuple = ()  # (EDITION_TOKEN, STANDARDS_TOKEN) as they are now, read with the lock


@dataclass
class UsageRow:
    id: int
    used: Decimal
    reserved: Decimal
    window_total: Decimal = Decimal("0.00")
    window_direct: Decimal = Decimal("0.00")


def _plan_row(row) -> PlanRow:
    """A PlanRow from the first eight columns every plan-locking statement here selects."""
    effective_to = row[3]
    if effective_to is not None and not hasattr(effective_to, "isoformat"):  # SQLite: text
        import datetime as dt

        effective_to = dt.date.fromisoformat(str(effective_to))
    return PlanRow(row[0], row[1], row[2], effective_to, row[4], _money(row[5]), _money(row[6]), _money(row[7]))


_PLAN_COLUMNS = "p.id, p.purchaser_id, x.status, x.effective_to, p.status, p.amount, p.used, p.reserved"
_PLAN_FROM = "plans_plan p JOIN purchasers_purchaser x ON x.id = p.purchaser_id"


# What the reference data reserve() may take from its per-process cache (policy.ReferenceCache)
# came from: the current catalog edition, and the published limit standards (published ones
# never change; a new publication moves the count and the latest time). The cache stores
# them with its entries; lock_plan reads them again under the lock.
EDITION_TOKEN = "(SELECT CAST(e2.id AS TEXT) || '/' || CAST(e2.loaded_at AS TEXT) FROM catalog_catalogedition e2 WHERE e2.is_current = %s)"
STANDARDS_TOKEN = (
    "(SELECT CAST(COUNT(*) AS TEXT) || '/' || COALESCE(CAST(MAX(s2.published_at) AS TEXT), '') "
    "FROM limits_limitstandard s2 WHERE s2.status = 'published')"
)


def lock_plan(plan_id: int, *, year: int | None = None) -> PlanRow | None:
    """The plan row, locked, with its purchaser's status; with `year`, in the same statement the
    budget year's mark and the reference tokens (see EDITION_TOKEN)."""
    extra, head = "", []
    if year is not None:
        extra = f", {_MARKS}"
        head = [year, True]
    sql = f"SELECT {_PLAN_COLUMNS}{extra} FROM {_PLAN_FROM} WHERE p.id = %s" + _for_update("p")
    with connection.cursor() as cur:
        cur.execute(sql, [*head, plan_id])
        row = cur.fetchone()
    if row is None:
        return None
    out = _plan_row(row)
    if year is not None:
        _read_marks(out, row, 8)
    return out


# The budget year's mark and the reference tokens, read with the plan (params: year, True).
_MARKS = f"(SELECT b.closed FROM purchasers_budgetyear b WHERE b.year = %s), {EDITION_TOKEN}, {STANDARDS_TOKEN}"


def _read_marks(plan: PlanRow, row, at: int) -> None:
    plan.year_mark = None if row[at] is None else bool(row[at])
    plan.tokens = (row[at + 1], row[at + 2])


# Split detection's window: the sums of the purchaser's days in the category (WindowDay), from
# the window's first day on. `u` is the cap usage row (its purchaser and category).
_WINDOW_SUMS = (
    ", (SELECT SUM(w.total_cents) FROM limits_windowday w WHERE w.purchaser_id = u.purchaser_id AND w.cap_category_id = u.category_id AND w.day >= %s)"
    ", (SELECT SUM(w.direct_cents) FROM limits_windowday w WHERE w.purchaser_id = u.purchaser_id AND w.cap_category_id = u.category_id AND w.day >= %s)"
)
_WINDOW_INTO = "INSERT INTO limits_windowday (purchaser_id, cap_category_id, day, total_cents, direct_cents)"
_WINDOW_ADD = (
    "ON CONFLICT (purchaser_id, cap_category_id, day) DO UPDATE SET "
    "total_cents = limits_windowday.total_cents + excluded.total_cents, direct_cents = limits_windowday.direct_cents + excluded.direct_cents"
)
WINDOW_BUMP = f"{_WINDOW_INTO} VALUES (%s, %s, %s, %s, %s) {_WINDOW_ADD}"  # params: window_bump_params
# The plan's and the cap's new figures (params: used, reserved, now, id for each).
_PLAN_USAGE_WRITES = (
    "p AS (UPDATE plans_plan SET used = %s, reserved = %s, updated_at = %s WHERE id = %s RETURNING 1), "
    "u AS (UPDATE limits_capusage SET used = %s, reserved = %s, updated_at = %s WHERE id = %s RETURNING 1)"
)


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def yuan(cents_value) -> Decimal:
    """Whole cents (a WindowDay sum, None for none) as yuan."""
    return (Decimal(int(cents_value or 0)) / 100).quantize(CENT)


def window_bump_params(*, purchaser_id: int, cap_category_id: int, day, total: Decimal, direct: Decimal) -> list:
    return [purchaser_id, cap_category_id, connection.ops.adapt_datefield_value(day), cents(total), cents(direct)]


def lock_usage(*, purchaser_id: int, year: int, category_id: int, form: str, window_from=None) -> UsageRow:
    """The cap usage row, locked; created first when missing (racing inserts settle on one).
    With `window_from` (a date), the same statement also sums the purchaser's purchases in
    the category from that day on (all, and direct) for split detection."""
    if window_from is not None:
        first = connection.ops.adapt_datefield_value(window_from)
        extra, head = _WINDOW_SUMS, [first, first]
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
    if window_from is not None:
        usage.window_total, usage.window_direct = yuan(row[3]), yuan(row[4])
    return usage


def lock_plan_and_usage(plan_id: int, *, year: int, purchaser_id: int, category_id: int, window_from=None, lock: bool = True):
    """lock_plan(plan_id, year=year) and lock_usage(…) in one statement, the plan row locked
    first (the engine's order: PostgreSQL locks in the order of FOR UPDATE OF), and on
    PostgreSQL the id the new reservation will take. Returns (PlanRow, UsageRow, id or
    None), or None when the plan or its usage row does not exist yet (then lock one by one,
    which creates the usage row). `lock=False`: the same read without locks."""
    pg = connection.vendor == "postgresql"
    window = ""
    params: list = [year, True]
    if window_from is not None:
        first = connection.ops.adapt_datefield_value(window_from)
        window = _WINDOW_SUMS
        params += [first, first]
    next_id = ", nextval(pg_get_serial_sequence('limits_reservation', 'id'))" if pg else ""
    sql = (
        f"SELECT {_PLAN_COLUMNS}, {_MARKS}, u.id, u.used, u.reserved{window}{next_id} FROM {_PLAN_FROM} "
        "JOIN limits_capusage u ON u.purchaser_id = %s AND u.year = p.year AND u.category_id = %s AND u.form = p.procurement_form "
        "WHERE p.id = %s" + (_for_update("p, u") if lock else "")
    )
    params += [purchaser_id, category_id, plan_id]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    if row is None:
        return None
    plan = _plan_row(row)
    _read_marks(plan, row, 8)
    usage = UsageRow(row[11], _money(row[12]), _money(row[13]))
    at = 14
    if window_from is not None:
        usage.window_total, usage.window_direct = yuan(row[14]), yuan(row[15])
        at = 16
    return plan, usage, (row[at] if pg else None)


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


def reserve_writes(
    values: dict, *, plan_id: int, plan_used: Decimal, plan_reserved: Decimal, usage_id: int, usage_used: Decimal, usage_reserved: Decimal,
    audit: tuple[str, list] | None = None, window: list | None = None,
) -> int:
    """Insert the reservation and write the plan's and the cap's new figures; returns the id.
    PostgreSQL does it in one round trip (data-modifying CTEs; with `audit`, the
    audit entry's INSERT from audit.services.entry_insert_sql joins the same statement, and
    `values` carries the reservation's id), SQLite in three statements (it has no round
    trips to save: the database is in-process). `window`: window_bump_params for the day."""
    if connection.vendor != "postgresql":
        if window is not None:
            with connection.cursor() as cur:
                cur.execute(WINDOW_BUMP, window)
        rid = insert_reservation(values)
        write_plan(plan_id, used=plan_used, reserved=plan_reserved, now=values["updated_at"])
        write_usage(usage_id, used=usage_used, reserved=usage_reserved, now=values["updated_at"])
        return rid
    import json

    now = values["updated_at"]
    params = [plan_used, plan_reserved, now, plan_id, usage_used, usage_reserved, now, usage_id]
    columns = INSERT_COLUMNS if "id" not in values else ["id", *INSERT_COLUMNS]
    entry = ""
    if audit is not None:
        entry = f"a AS ({audit[0]} RETURNING 1), "
        params += audit[1]
    if window is not None:
        entry += f"w AS ({WINDOW_BUMP} RETURNING 1), "
        params += window
    for name in columns:
        v = values[name]
        params.append(json.dumps(v, ensure_ascii=False) if name == "warnings" else v)
    sql = (
        f"WITH {_PLAN_USAGE_WRITES}, {entry}"
        f"r AS (INSERT INTO limits_reservation ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) RETURNING id) "
        "SELECT id FROM r"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


def lock_plan_and_usage_by_id(plan_id: int, usage_id: int) -> tuple[PlanRow, UsageRow]:
    """The plan row and a cap usage row by id, locked in the engine's order (plan first), in
    one statement: what release, consume and give_back start with."""
    sql = f"SELECT {_PLAN_COLUMNS}, u.id, u.used, u.reserved FROM {_PLAN_FROM} JOIN limits_capusage u ON u.id = %s WHERE p.id = %s" + _for_update("p, u")
    with connection.cursor() as cur:
        cur.execute(sql, [usage_id, plan_id])
        row = cur.fetchone()
    return _plan_row(row), UsageRow(row[8], _money(row[9]), _money(row[10]))


def finish_writes(*, plan_id: int, plan_used: Decimal, plan_reserved: Decimal, usage_id: int, usage_used: Decimal, usage_reserved: Decimal, now, window: list) -> None:
    """The plan's and the cap's new figures and the split-window day's change (window_bump_params)
    of a release, consumption or give-back: one statement on PostgreSQL, three on SQLite."""
    if connection.vendor != "postgresql":
        write_plan(plan_id, used=plan_used, reserved=plan_reserved, now=now)
        write_usage(usage_id, used=usage_used, reserved=usage_reserved, now=now)
        with connection.cursor() as cur:
            cur.execute(WINDOW_BUMP, window)
        return
    sql = f"WITH {_PLAN_USAGE_WRITES} {WINDOW_BUMP}"
    with connection.cursor() as cur:
        cur.execute(sql, [plan_used, plan_reserved, now, plan_id, usage_used, usage_reserved, now, usage_id, *window])


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


def categories(codes: set[str], also_id: int | None = None, *, year: int) -> tuple[list, bool | None, str | None]:
    """Categories of the current catalog edition with these codes, and one more by id; and,
    in the same round trip, the explicit open/closed mark of budget `year` (None: no mark)
    and the current edition's token (EDITION_TOKEN)."""
    from govmall.catalog.models import Category

    cols = ", ".join(f"c.{c}" for c in _CATEGORY_COLUMNS)
    codes = sorted(codes)
    mark = "(SELECT b.closed FROM purchasers_budgetyear b WHERE b.year = %s)"
    select = f"SELECT {cols}, e.is_current, {mark}, {EDITION_TOKEN} FROM catalog_category c JOIN catalog_catalogedition e ON e.id = c.edition_id"
    sql = f"{select} WHERE e.is_current = %s AND c.code IN ({', '.join(['%s'] * len(codes))})"
    params: list = [year, True, True, *codes]
    if also_id is not None:  # a UNION, not an OR: each part uses its index
        sql += f" UNION ALL {select} WHERE c.id = %s"
        params += [year, True, also_id]
    out = []
    closed = token = None
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for row in cur.fetchall():
            c = Category(**dict(zip(_CATEGORY_COLUMNS, row[:-3])))
            c._state.adding, c._state.db = False, "default"
            c.is_current_edition = bool(row[-3])
            closed = None if row[-2] is None else bool(row[-2])
            token = row[-1]
            out.append(c)
    return out, closed, token


_STANDARD_COLUMNS = ["id", "region_id", "version", "title", "notice_no", "effective_from", "status", "split_window_days", "split_action"]
_RULE_COLUMNS = ["id", "standard_id", "level", "tender_threshold", "mall_limit", "direct_max", "bidding_min", "cap_centralized", "cap_department", "cap_decentralized"]
_MONEY_RULE = {"tender_threshold", "mall_limit", "direct_max", "bidding_min", "cap_centralized", "cap_department", "cap_decentralized"}


def rules_in_force(*, region_codes: list[str], level: str, on) -> tuple[list[tuple], str | None]:
    """(region code, LimitStandard, LimitRule) for every published standard of these regions in
    force on `on` that has a rule for `level`, latest first; and the standards' token
    (STANDARDS_TOKEN, None when nothing was found)."""
    import datetime as dt

    from govmall.limits.models import LimitRule, LimitStandard
    from govmall.regions.models import Region

    scols = ", ".join(f"s.{c}" for c in _STANDARD_COLUMNS)
    rcols = ", ".join(f"r.{c}" for c in _RULE_COLUMNS)
    sql = (
        f"SELECT g.code, g.name, g.path, {scols}, {rcols}, {STANDARDS_TOKEN} FROM limits_limitrule r JOIN limits_limitstandard s ON s.id = r.standard_id "
        "JOIN regions_region g ON g.id = s.region_id "
        f"WHERE r.level = %s AND s.status = 'published' AND s.effective_from <= %s AND g.code IN ({', '.join(['%s'] * len(region_codes))}) "
        "ORDER BY s.effective_from DESC, s.version DESC"
    )
    out = []
    token = None
    with connection.cursor() as cur:
        cur.execute(sql, [level, connection.ops.adapt_datefield_value(on), *region_codes])
        for row in cur.fetchall():
            code, name, path = row[0], row[1], row[2]
            token = row[-1]
            s_vals = dict(zip(_STANDARD_COLUMNS, row[3 : 3 + len(_STANDARD_COLUMNS)]))
            r_vals = dict(zip(_RULE_COLUMNS, row[3 + len(_STANDARD_COLUMNS) : -1]))
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
    return out, token


def reserve_at_once(
    values: dict, *, plan_status: str, purchaser_status: str, ceiling: Decimal, window: list, entry: dict, message: tuple[str, str, str]
) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal] | None:
    """PostgreSQL: a whole reservation in one statement, for a request already evaluated on
    an unlocked read (services.reserve). It locks the plan and cap usage rows (FOR UPDATE
    OF p, u: a row changed since the read is taken as it is now) on condition that the plan
    is still in the state read, the purchaser too, and that plan and cap still have the
    amount left; then, only if so, moves the money, adds the split-window day, inserts the
    reservation (values carry its id) and its audit entry, whose message states what is
    left as locked: message = (text before the plan's remainder, text between it and the
    cap's remainder, text after), the figures by govmall_wan (migration limits 0005).
    Autocommitted, the locks are held for this one statement and its commit only.
    Returns (plan amount, used, reserved, cap used, reserved) as locked, before this
    reservation, or None when a condition no longer holds (then nothing was written)."""
    from govmall.audit.services import entry_insert_sql

    amount, now = values["amount"], values["updated_at"]
    sql = [
        "WITH ok AS (SELECT p.amount AS p_amount, p.used AS p_used, p.reserved AS p_reserved, u.used AS u_used, u.reserved AS u_reserved "
        "FROM plans_plan p JOIN purchasers_purchaser x ON x.id = p.purchaser_id JOIN limits_capusage u ON u.id = %s "
        "WHERE p.id = %s AND p.status = %s AND x.status = %s AND p.amount - p.used - p.reserved >= %s AND %s - u.used - u.reserved >= %s "
        "FOR UPDATE OF p, u)",
        "p AS (UPDATE plans_plan SET reserved = reserved + %s, updated_at = %s WHERE id = %s AND EXISTS (SELECT 1 FROM ok) RETURNING 1)",
        "u AS (UPDATE limits_capusage SET reserved = reserved + %s, updated_at = %s WHERE id = %s AND EXISTS (SELECT 1 FROM ok) RETURNING 1)",
        f"w AS ({_WINDOW_INTO} SELECT %s::bigint, %s::bigint, %s::date, %s::bigint, %s::bigint FROM ok {_WINDOW_ADD} RETURNING 1)",
    ]
    params: list = [values["usage_id"], values["plan_id"], plan_status, purchaser_status, amount, ceiling, amount]
    params += [amount, now, values["plan_id"], amount, now, values["usage_id"], *window]
    from govmall.core.sqljson import row_json

    columns = ", ".join(["id", *INSERT_COLUMNS])
    row = {name: values[name] for name in ["id", *INSERT_COLUMNS]}
    sql.append(
        f"r AS (INSERT INTO limits_reservation ({columns}) SELECT {', '.join('v.' + c for c in ['id', *INSERT_COLUMNS])} "
        "FROM ok, jsonb_populate_record(NULL::limits_reservation, %s::jsonb) v RETURNING 1)"
    )
    params.append(row_json(row))
    before, between, after = message
    text = (
        "%s || govmall_wan(ok.p_amount - ok.p_used - ok.p_reserved - %s) || %s || govmall_wan(%s - ok.u_used - ok.u_reserved - %s) || %s",
        [before, amount, between, ceiling, amount, after],
    )
    audit_sql, audit_params = entry_insert_sql(entry, source="ok", expressions={"message": text})
    sql.append(f"a AS ({audit_sql} RETURNING 1)")
    params += audit_params
    statement = ", ".join(sql) + " SELECT p_amount, p_used, p_reserved, u_used, u_reserved FROM ok"
    with connection.cursor() as cur:
        cur.execute(statement, params)
        row = cur.fetchone()
    return None if row is None else tuple(_money(v) for v in row)
