"""Reservation throughput and latency: limits.services.reserve against one plan and one annual
cap, with 1, 2 and 8 concurrent workers (processes), next to the same locked transaction in
plain SQL with no application code, measured in the same run.

    .venv/bin/python benchmarks/reserve.py [--seconds 4] [--workers 1,2,8]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govmall_bench_reserve .venv/bin/python benchmarks/reserve.py

Runs against a fresh database: SQLite in a temporary GOVMALL_VAR_DIR (the settings' WAL mode,
synchronous=NORMAL), or the PostgreSQL database DATABASE_URL names, which it DROPS and
creates anew. Each run uses its own purchaser, plan and cap; after every run the invariant is
checked (plan and cap reserved = the sum of the run's reservations, never above either
limit; every accepted call has its row) and every error a caller saw is counted — a
"database is locked" reaching a caller fails the run. Loopback only; every loop is bounded
in time and count. The figures in docs/PERFORMANCE.md come from this script.

WARM_UP: each worker makes one untimed call before the barrier (the invariant counts it), as
benchmarks/checkout.py does: a server's process is measured after its first request, when its
connection is set up, its reference cache filled and its modules imported. (Without it, each
worker's first call, 50-130 ms at 8 workers on PostgreSQL, is among the timed ones.)

The raw transaction (per call):
  PostgreSQL: BEGIN; SELECT plan FOR UPDATE; SELECT cap usage FOR UPDATE; INSERT reservation;
              UPDATE plan; UPDATE cap usage; COMMIT
  SQLite:     the same with BEGIN IMMEDIATE (SQLite has no row locks) and busy_timeout 20 s,
              under the application's pragmas and, for reference, with synchronous=FULL.
The application call does in addition what the raw one leaves out: resolving and checking the
request (category, standard in force, budget year, purchase mode, split window), the audit
entry in the same transaction, and on SQLite the write gate (limits.locks).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("GOVMALL_VAR_DIR", tempfile.mkdtemp(prefix="govmall-bench-reserve-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmall.settings")

import django  # noqa: E402

AMOUNT = Decimal("10.00")
PLAN_AMOUNT = Decimal("1000000.00")  # 100,000 reservations of 10 元: never the limit in a bounded run
MAX_OPS_PER_WORKER = 20000


from benchsetup import fresh_postgres_database  # noqa: E402


if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    fresh_postgres_database()
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402


# --- One run's fixtures ----------------------------------------------------------------------


def new_target(n: int):
    """A purchaser with one plan (and its cap usage row) for one run."""
    from govmall.core.context import Actor, acting_as
    from govmall.limits.services import lock_usage
    from govmall.plans.services import plan_create
    from govmall.purchasers.budget import today
    from govmall.purchasers.services import PurchaserData, purchaser_upsert
    from stdnum.cn import uscc as uscc_std
    from django.db import transaction

    body = f"11371000MB{n:07d}"
    uscc = body + uscc_std.calc_check_digit(body + "0")
    with acting_as(Actor(username="bench"), source="command"):
        p, _ = purchaser_upsert(data=PurchaserData(code=f"BENCH{n:04d}", name=f"压测单位{n}", uscc=uscc, region_code="371000"))
        plan = plan_create(plan_no=f"BENCH-{n:04d}", year=today().year, purchaser=p, category="A0201", amount=PLAN_AMOUNT, procurement_form="centralized")
        with transaction.atomic():
            usage = lock_usage(purchaser_id=p.pk, year=plan.year, category=plan.cap_category, form=plan.procurement_form)
    return p, plan, usage


def check_invariant(plan_id: int, usage_id: int, accepted: int, *, window: bool) -> str:
    """Plan, cap and reservation rows agree; with `window` (the application's runs: the raw
    transaction keeps no split-detection days) so do the purchaser's WindowDay rows."""
    from django.db.models import Sum

    from govmall.limits.models import CapUsage, Reservation, WindowDay
    from govmall.limits.selectors import rule_for_purchaser
    from govmall.plans.models import Plan

    plan = Plan.objects.get(pk=plan_id)
    usage = CapUsage.objects.get(pk=usage_id)
    rows = Reservation.objects.filter(plan_id=plan_id, status="reserved")
    total = rows.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    _std, rule = rule_for_purchaser(plan.purchaser)
    cap = rule.cap_for(plan.procurement_form)
    days = WindowDay.objects.filter(purchaser_id=plan.purchaser_id).aggregate(s=Sum("total_cents"))["s"] or 0
    ok = (
        plan.reserved == total == usage.reserved == AMOUNT * accepted
        and (not window or Decimal(days) / 100 == total)
        and rows.count() == accepted
        and plan.reserved + plan.used <= plan.amount
        and usage.reserved + usage.used <= cap
    )
    return "ok" if ok else f"BROKEN: plan.reserved={plan.reserved} rows={rows.count()} sum={total} usage.reserved={usage.reserved} window={days} cents accepted={accepted}"


# --- Workers ----------------------------------------------------------------------------------


def app_worker(idx, purchaser_id, plan_id, seconds, barrier, out):
    from govmall.core.context import Actor, acting_as
    from govmall.limits.policy import LimitRefused
    from govmall.limits.services import reserve
    from govmall.plans.models import Plan
    from govmall.purchasers.models import Purchaser

    purchaser = Purchaser.objects.select_related("organization__region", "district").get(pk=purchaser_id)
    plan = Plan.objects.get(pk=plan_id)
    lat, errors, accepted, refused = [], {}, 0, 0
    with acting_as(Actor(username=f"bench-{idx}"), source="command"):
        # One untimed call first (WARM_UP), as a server process has made before anyone
        # measures it; the invariant counts it.
        reserve(purchaser=purchaser, plan=plan, category="A02010105", amount=AMOUNT, mode="direct")
        accepted += 1
        barrier.wait()
        start = time.perf_counter()
        end = start + seconds
        while time.perf_counter() < end and len(lat) < MAX_OPS_PER_WORKER:
            t = time.perf_counter()
            try:
                reserve(purchaser=purchaser, plan=plan, category="A02010105", amount=AMOUNT, mode="direct")
                accepted += 1
            except LimitRefused:
                refused += 1
            except Exception as exc:  # noqa: BLE001 - counted and reported: none may reach a caller
                key = f"{type(exc).__name__}: {str(exc)[:80]}"
                errors[key] = errors.get(key, 0) + 1
            lat.append(time.perf_counter() - t)
        stop = time.perf_counter()
    connections.close_all()
    out.put((start, stop, lat, accepted, refused, errors))


def raw_worker(idx, plan_id, usage_id, purchaser_id, cap_category_id, category_id, cap, seconds, barrier, out, sync="NORMAL"):
    """The same locked transaction in plain SQL, straight on the driver."""
    from django.utils import timezone

    settings_dict = connection.settings_dict
    vendor = connection.vendor
    if vendor == "sqlite":
        import sqlite3

        db = sqlite3.connect(settings_dict["NAME"], timeout=20, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={sync}")
        lock = ""
        ph = "?"
    else:
        import psycopg

        db = psycopg.connect(
            host=settings_dict["HOST"], port=settings_dict["PORT"] or 5432, user=settings_dict["USER"], password=settings_dict["PASSWORD"],
            dbname=settings_dict["NAME"], autocommit=True,
        )  # fmt: skip
        lock = " FOR UPDATE"
        ph = "%s"
    sel_plan = f"SELECT amount, used, reserved, status FROM plans_plan WHERE id = {ph}{lock}"
    sel_usage = f"SELECT used, reserved FROM limits_capusage WHERE id = {ph}{lock}"
    ins = (
        "INSERT INTO limits_reservation (purchaser_id, plan_id, usage_id, category_id, cap_category_id, form, year, amount, mode, status, "
        "reference, split_flag, warnings, release_reason, created_at, updated_at) "
        f"VALUES ({', '.join([ph] * 16)})"
    )
    upd_plan = f"UPDATE plans_plan SET reserved = reserved + {ph} WHERE id = {ph}"
    upd_usage = f"UPDATE limits_capusage SET reserved = reserved + {ph} WHERE id = {ph}"
    amount = str(AMOUNT) if vendor == "sqlite" else AMOUNT
    lat, errors, accepted, refused = [], {}, 0, 0
    warm_up = True  # the first transaction is untimed, as the application's (WARM_UP)
    start = end = 0.0
    while warm_up or (time.perf_counter() < end and len(lat) < MAX_OPS_PER_WORKER):
        t = time.perf_counter()
        try:
            cur = db.cursor()
            cur.execute("BEGIN IMMEDIATE" if vendor == "sqlite" else "BEGIN")
            p_amount, p_used, p_reserved, status = cur.execute(sel_plan, (plan_id,)).fetchone()
            u_used, u_reserved = cur.execute(sel_usage, (usage_id,)).fetchone()
            if Decimal(str(p_amount)) - Decimal(str(p_used)) - Decimal(str(p_reserved)) >= AMOUNT and cap - Decimal(str(u_used)) - Decimal(str(u_reserved)) >= AMOUNT:
                now = timezone.now()
                nowv = now.isoformat() if vendor == "sqlite" else now
                cur.execute(ins, (purchaser_id, plan_id, usage_id, category_id, cap_category_id, "centralized", now.year, amount, "direct", "reserved", "", False, "[]", "", nowv, nowv))
                cur.execute(upd_plan, (amount, plan_id))
                cur.execute(upd_usage, (amount, usage_id))
                cur.execute("COMMIT")
                accepted += 1
            else:
                cur.execute("ROLLBACK")
                refused += 1
        except Exception as exc:  # noqa: BLE001
            key = f"{type(exc).__name__}: {str(exc)[:80]}"
            errors[key] = errors.get(key, 0) + 1
            try:
                db.execute("ROLLBACK")
            except Exception:  # noqa: BLE001
                pass
        if warm_up:
            warm_up = False
            barrier.wait()
            start = time.perf_counter()
            end = start + seconds
            continue
        lat.append(time.perf_counter() - t)
    stop = time.perf_counter()
    db.close()
    out.put((start, stop, lat, accepted, refused, errors))


def run(kind: str, workers: int, seconds: float, n: int, sync: str = "NORMAL") -> dict:
    purchaser, plan, usage = new_target(n)
    from govmall.limits.selectors import rule_for_purchaser

    _std, rule = rule_for_purchaser(purchaser)
    cap = rule.cap_for(plan.procurement_form)
    from govmall.plans.services import find_category

    category_id = find_category("A02010105").pk
    connections.close_all()  # children open their own connections
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(workers)
    out = ctx.Queue()
    procs = []
    for i in range(workers):
        if kind == "app":
            args = (i, purchaser.pk, plan.pk, seconds, barrier, out)
            target = app_worker
        else:
            args = (i, plan.pk, usage.pk, purchaser.pk, plan.cap_category_id, category_id, cap, seconds, barrier, out, sync)
            target = raw_worker
        procs.append(ctx.Process(target=target, args=args))
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    start = min(r[0] for r in results)
    stop = max(r[1] for r in results)
    lat = sorted(x for r in results for x in r[2])
    accepted = sum(r[3] for r in results)
    refused = sum(r[4] for r in results)
    errors: dict = {}
    for r in results:
        for k, v in r[5].items():
            errors[k] = errors.get(k, 0) + v
    invariant = check_invariant(plan.pk, usage.pk, accepted, window=kind == "app")
    return {
        "kind": kind, "workers": workers, "calls": len(lat), "accepted": accepted, "refused": refused, "errors": errors,
        "rate": len(lat) / (stop - start), "p50": statistics.median(lat) * 1000, "p99": lat[max(0, int(len(lat) * 0.99) - 1)] * 1000,
        "invariant": invariant,
    }  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--workers", default="1,2,8")
    parser.add_argument("--no-gate", action="store_true", help="SQLite: leave lock waits to the busy handler (for comparison)")
    parser.add_argument("--only", choices=["app", "raw"], help="run only the application or only the raw transaction")
    args = parser.parse_args()
    if args.no_gate:
        from django.conf import settings

        settings.GOVMALL_SQLITE_WRITE_GATE = False
    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    print(f"database: {vendor}{' (WAL, synchronous=NORMAL as in settings)' if vendor == 'sqlite' else ''}; {args.seconds:g} s per run; 10 元 per reservation")
    n = 0
    rows = []
    kinds = [("raw", "NORMAL"), ("app", "")]
    if vendor == "sqlite":
        kinds.insert(1, ("raw", "FULL"))
    if args.only:
        kinds = [k for k in kinds if k[0] == args.only]
    for workers in [int(w) for w in args.workers.split(",")]:
        for kind, sync in kinds:
            n += 1
            r = run(kind, workers, args.seconds, n, sync or "NORMAL")
            label = "application reserve()" if kind == "app" else f"raw SQL{(' synchronous=' + sync) if vendor == 'sqlite' else ''}"
            r["label"] = label
            rows.append(r)
            locked = sum(v for k, v in r["errors"].items() if "locked" in k.lower())
            print(
                f"{workers} worker(s)  {label:<32} {r['rate']:8,.0f}/s  p50 {r['p50']:6.2f} ms  p99 {r['p99']:6.2f} ms  "
                f"calls {r['calls']:6d}  errors {sum(r['errors'].values())} (database is locked: {locked})  invariant {r['invariant']}"
            )
            for k, v in r["errors"].items():
                print(f"      {v} × {k}")
    print()
    for workers in sorted({r["workers"] for r in rows}) if not args.only else []:
        app = next(r for r in rows if r["workers"] == workers and r["kind"] == "app")
        raw = next(r for r in rows if r["workers"] == workers and r["label"].startswith("raw SQL") and "FULL" not in r["label"])
        line = f"{workers} worker(s): application at {app['rate'] / raw['rate'] * 100:.0f} % of the raw rate ({app['rate']:,.0f} / {raw['rate']:,.0f} per s)"
        full = next((r for r in rows if r["workers"] == workers and "FULL" in r["label"]), None)
        if full:
            line += f"; {app['rate'] / full['rate'] * 100:.0f} % of raw with synchronous=FULL ({full['rate']:,.0f} per s)"
        print(line)
    failed = [r for r in rows if r["invariant"] != "ok" or any("locked" in k.lower() for k in r["errors"]) or (r["kind"] == "app" and r["errors"])]
    if failed:
        print("FAILED: invariant broken or errors reached a caller")
        sys.exit(1)


if __name__ == "__main__":
    main()
