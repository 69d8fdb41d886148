"""Direct purchases per second from submit to signed contract, with N concurrent purchasers
(processes), on SQLite or PostgreSQL, with the p50 / p95 latency of each step:

  submit          ordering.services.order_submit (cart line → order, policy check, reservation)
  confirm         ordering.services.order_confirm by the supplier (runs the contract generation)
  sign purchaser  contracts.services.contract_sign by the purchaser's clerk
  sign supplier   contracts.services.contract_sign by the supplier (consumes the reservation,
                  marks the order contracted, sets the publication deadline)

    .venv/bin/python benchmarks/checkout.py [--seconds 10] [--workers 8]
    .venv/bin/python benchmarks/checkout.py --one-process 200 [--cprofile]   (CPU per purchase, one purchaser)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govmall_bench_checkout .venv/bin/python benchmarks/checkout.py

Runs against a fresh database: SQLite in a temporary GOVMALL_VAR_DIR, or the PostgreSQL
database DATABASE_URL names, which it DROPS and creates anew. Each worker is one purchaser
(its own clerk, plan and two suppliers' listings) buying one desktop computer per purchase;
the cart step (cart_add) is done before the timed submit. PDF rendering is off the request
path: the contract PDF is queued for the worker on commit (huey, not immediate here) and
the script reports how many renders are waiting in the queue rather than timing them.

It also prints the CPU spent per purchase during the timed window: the workers' Python and, on
PostgreSQL, their database back-ends' (from /proc; the server runs on this machine). On two
cores, N purchases per second leave 2,000 / N ms of CPU per purchase for both together.
benchmarks/checkout_floor.py replays the same statements without the application, for the
rate the database and the driver alone allow.

After the run the figures are reconciled: for every plan, used = the sum of its signed
contracts' fundings, reserved = the sum of its reservations still held (0 when every
purchase reached signature), and the same for the annual cap usage rows; every signed
contract has a consumed reservation; no error reached a caller. Any mismatch fails the run.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("GOVMALL_VAR_DIR", tempfile.mkdtemp(prefix="govmall-bench-checkout-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmall.settings")
os.environ["GOVMALL_TASKS_IMMEDIATE"] = "0"  # PDFs are queued for the worker, never rendered in the request

import django  # noqa: E402

from benchsetup import fresh_postgres_database  # noqa: E402

if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    fresh_postgres_database()
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

STEPS = ["submit", "confirm", "sign purchaser", "sign supplier"]
PLAN_AMOUNT = "2000000"  # the annual cap (200 万 per level-2 category) bounds a purchaser too: 400 desktops
MAX_PER_WORKER = 380


def setup(workers: int):
    """One purchaser world per worker, made through the real services (test helpers)."""
    from govmall.ordering.tests.helpers import make_world

    worlds = []
    for _ in range(workers):
        w = make_world(plan_amount=PLAN_AMOUNT, stock=100000)  # every confirmed purchase takes one off the stock
        worlds.append({"clerk": w.clerk.pk, "staff": w.staff_a.pk, "listing": w.desktop.pk, "plan": w.plan.pk, "purchaser": w.purchaser.pk})
    return worlds


def purchaser(world, step=None):
    """One purchase of `world` (cart, then the four steps), each step through `step(name, fn)`."""
    from govmall.accounts.models import User
    from govmall.accounts.services import actor_of
    from govmall.contracts import services as contracts
    from govmall.contracts.models import Contract
    from govmall.core.context import acting_as
    from govmall.ordering import services as ordering
    from govmall.products.models import Listing

    clerk = User.objects.select_related("organization").get(pk=world["clerk"])
    staff = User.objects.select_related("organization").get(pk=world["staff"])
    listing = Listing.objects.get(pk=world["listing"])
    sid, cap = ordering.group_key(listing)
    step = step or (lambda name, fn: fn())

    def purchase():
        with acting_as(actor_of(clerk), source="web"):
            ordering.cart_add(user=clerk, listing_id=listing.pk, quantity=1)
            order = step("submit", lambda: ordering.order_submit(
                user=clerk, supplier_id=sid, cap_category_id=cap, plan_ids=[world["plan"]], prices={listing.pk: str(listing.price)}, token=uuid.uuid4().hex
            ))  # fmt: skip
        with acting_as(actor_of(staff), source="web"):
            step("confirm", lambda: ordering.order_confirm(order=order, user=staff))
        c = Contract.objects.get(order=order)
        with acting_as(actor_of(clerk), source="web"):
            step("sign purchaser", lambda: contracts.contract_sign(contract=c, user=clerk))
        with acting_as(actor_of(staff), source="web"):
            step("sign supplier", lambda: contracts.contract_sign(contract=c, user=staff))

    return purchase


def worker(idx, world, seconds, barrier, out):
    lat = {s: [] for s in STEPS}
    queries = {}

    def step(name, fn):
        before = len(connection.queries_log)
        t = time.perf_counter()
        result = fn()
        lat[name].append(time.perf_counter() - t)
        if connection.force_debug_cursor:
            queries[name] = len(connection.queries_log) - before
        return result

    purchase = purchaser(world, step)

    purchase()  # warm-up (imports, the search tokenizer's dictionary, caches): not measured
    connection.force_debug_cursor = True  # one more, counting the SQL statements of each step
    purchase()
    connection.force_debug_cursor = False
    for v in lat.values():
        v.clear()
    done, errors = 0, {}
    barrier.wait()
    db0, cpu0 = _backend_cpu_seconds(), time.process_time()
    start = time.perf_counter()
    end = start + seconds
    while time.perf_counter() < end and done < MAX_PER_WORKER:
        try:
            purchase()
            done += 1
        except Exception as exc:  # noqa: BLE001 - counted and reported: none may reach a caller
            key = f"{type(exc).__name__}: {str(exc)[:100]}"
            errors[key] = errors.get(key, 0) + 1
            if sum(errors.values()) > 50:
                break
    stop = time.perf_counter()
    cpu, db1 = time.process_time() - cpu0, _backend_cpu_seconds()
    connections.close_all()
    out.put((start, stop, lat, done, errors, queries, cpu, None if db0 is None or db1 is None else db1 - db0))


def _backend_cpu_seconds() -> float | None:
    """CPU time of this connection's PostgreSQL back-end (the server runs on this machine:
    loopback only), from /proc; None on SQLite or when it cannot be read."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        return process_cpu_seconds(pid)
    except OSError:
        return None


def process_cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_workers(target, worlds, *args, seconds: float) -> list:
    """Fork one process per world running `target(index, world, *args, barrier, out)`; each
    waits at the barrier before its timed loop and puts one result on `out`. The results."""
    connections.close_all()
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(len(worlds))
    out = ctx.Queue()
    procs = [ctx.Process(target=target, args=(i, world, *args, barrier, out)) for i, world in enumerate(worlds)]
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return results


def one_process(world, n: int, cprofile: bool):
    """CPU per purchase with nothing else running: this process's Python, and on PostgreSQL
    its back-end's CPU, over `n` purchases after five warm-up purchases."""
    purchase = purchaser(world)
    for _ in range(5):
        purchase()
    profile = None
    if cprofile:
        import cProfile

        profile = cProfile.Profile()
    db0, cpu0, wall0 = _backend_cpu_seconds(), time.process_time(), time.perf_counter()
    if profile:
        profile.enable()
    for _ in range(n):
        purchase()
    if profile:
        profile.disable()
    cpu, wall, db1 = time.process_time() - cpu0, time.perf_counter() - wall0, _backend_cpu_seconds()
    print(f"database: {connection.vendor}; one process; {n} purchases" + (" (under cProfile: slower)" if profile else ""))
    print(f"per purchase: wall {wall / n * 1000:.1f} ms, Python CPU {cpu / n * 1000:.1f} ms" + (f", database back-end CPU {(db1 - db0) / n * 1000:.1f} ms" if db0 is not None and db1 is not None else ""))
    if profile:
        import pstats

        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


def reconcile(worlds) -> list[str]:
    from django.db.models import Sum

    from govmall.contracts.models import Contract, ContractFunding, ContractStatus
    from govmall.limits.models import CapUsage, Reservation, ReservationStatus
    from govmall.plans.models import Plan

    problems = []
    for w in worlds:
        plan = Plan.objects.get(pk=w["plan"])
        signed = ContractFunding.objects.filter(plan=plan, contract__status=ContractStatus.SIGNED).aggregate(s=Sum("amount"))["s"] or Decimal("0")
        held = Reservation.objects.filter(plan=plan, status=ReservationStatus.RESERVED).aggregate(s=Sum("amount"))["s"] or Decimal("0")
        consumed = Reservation.objects.filter(plan=plan, status=ReservationStatus.CONSUMED).aggregate(s=Sum("consumed_amount"))["s"] or Decimal("0")
        if not (plan.used == signed == consumed and plan.reserved == held):
            problems.append(f"plan {plan.plan_no}: used {plan.used} signed {signed} consumed {consumed}; reserved {plan.reserved} held {held}")
        for usage in CapUsage.objects.filter(purchaser_id=w["purchaser"]):
            u_used = Reservation.objects.filter(usage=usage, status=ReservationStatus.CONSUMED).aggregate(s=Sum("consumed_amount"))["s"] or Decimal("0")
            u_held = Reservation.objects.filter(usage=usage, status=ReservationStatus.RESERVED).aggregate(s=Sum("amount"))["s"] or Decimal("0")
            if not (usage.used == u_used and usage.reserved == u_held):
                problems.append(f"cap usage {usage.pk}: used {usage.used} vs {u_used}; reserved {usage.reserved} vs {u_held}")
    for c in Contract.objects.filter(status=ContractStatus.SIGNED).prefetch_related("fundings__reservation"):
        for f in c.fundings.all():
            if f.reservation.status != ReservationStatus.CONSUMED or f.reservation.consumed_amount != f.amount:
                problems.append(f"contract {c.contract_no}: reservation {f.reservation_id} {f.reservation.status}")
    return problems


def pct(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(len(values) * p)) - 1))] * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--one-process", type=int, default=0, metavar="N", help="instead: CPU per purchase over N purchases in this process")
    parser.add_argument("--cprofile", action="store_true", help="with --one-process: print the profile's top functions")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    from govmall.core.context import Actor, acting_as

    with acting_as(Actor(username="bench"), source="command"):
        worlds = setup(1 if args.one_process else args.workers)
    if args.one_process:
        one_process(worlds[0], args.one_process, args.cprofile)
        return
    results = run_workers(worker, worlds, args.seconds, seconds=args.seconds)
    start, stop = min(r[0] for r in results), max(r[1] for r in results)
    done = sum(r[3] for r in results)
    errors: dict = {}
    for r in results:
        for k, v in r[4].items():
            errors[k] = errors.get(k, 0) + v
    print(f"database: {vendor}; {args.workers} concurrent purchasers; {args.seconds:g} s; one desktop (4,999 元) per purchase")
    print(f"purchases submitted → signed contract: {done} in {stop - start:.1f} s = {done / (stop - start):.1f} per s")
    cpu = sum(r[6] for r in results)
    db = None if any(r[7] is None for r in results) else sum(r[7] for r in results)
    if done:
        print(f"CPU per purchase under this load: Python {cpu / done * 1000:.1f} ms" + (f", database back-ends {db / done * 1000:.1f} ms" if db is not None else ""))
    for step in STEPS:
        values = [x for r in results for x in r[2][step]]
        q = results[0][5].get(step, 0)
        print(f"  {step:<15} n={len(values):5d}  p50 {pct(values, 0.5):7.1f} ms  p95 {pct(values, 0.95):7.1f} ms  max {max(values or [0]) * 1000:7.1f} ms  SQL statements {q}")
    from huey.contrib.djhuey import HUEY

    print(f"contract PDFs queued for the worker (not rendered in the request): {HUEY.pending_count()}")
    problems = reconcile(worlds)
    print("plan and cap totals reconciled: " + ("ok" if not problems else f"{len(problems)} MISMATCHES"))
    for p in problems[:20]:
        print("   ", p)
    for k, v in errors.items():
        print(f"  error {v} × {k}")
    if problems or errors:
        print("FAILED")
        sys.exit(1)


if __name__ == "__main__":
    main()
