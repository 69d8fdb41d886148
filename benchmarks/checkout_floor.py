"""The floor under benchmarks/checkout.py on this machine: the same SQL statements a purchase
runs (submit → confirm → two signatures, with the untimed cart step), replayed by N processes
through bare psycopg with no Django, no ORM and no business code, on PostgreSQL only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govmall_bench_checkout .venv/bin/python benchmarks/checkout_floor.py [--seconds 10] [--workers 8]

What it answers: how many purchases per second the database and the driver alone allow for
the statements the application sends now. An application built on them can only be slower,
so a figure under the ≥ 100 purchases/s target means the target needs fewer or cheaper
statements, not only less Python.

How: the database is made as checkout.py makes it (one purchaser world per worker), and every
identity sequence is moved to its own range above 1,000,000,000, so that an id a purchase
creates is unmistakable among its parameters and names one row of one table. Each worker
makes three purchases through the real services, then captures a fourth, statement by
statement with its parameters (Django's execute wrapper), inside one outer transaction that is
rolled back, so nothing of it stays. The replay then runs
that list again and again over a raw psycopg connection with the application's settings
(server-side binding, prepared after the fifth run), in one transaction per purchase that is
rolled back so that the same inserts can run again: the ids a replayed INSERT … RETURNING gets
are substituted for the captured ones in the statements after it. Each replayed statement's
row count is compared with the captured one; any difference is reported (it would mean the
replay did less work than the purchase).

With --leave-out audit_auditentry,accounts_notification it replays without those INSERTs: a
what-if for a design that writes them elsewhere, not the application's floor.

Not in the floor, so the real cost is higher still: the five COMMITs of a purchase (the replay
rolls back; a commit writes and flushes the WAL), the audit seal that runs after commits (at
most once a second per process), and the work of the PDF queue.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("checkout_floor.py replays PostgreSQL statements: set DATABASE_URL=postgres://…")

import checkout  # noqa: E402  (drops and recreates the database, sets Django up)
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402

ID_BASE = 1_000_000_000
TX_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def bump_sequences():
    with connection.cursor() as cur:
        cur.execute("SELECT schemaname, sequencename FROM pg_sequences WHERE schemaname = 'public'")
        for k, (schema, name) in enumerate(cur.fetchall()):  # each table its own range: an id names one row
            cur.execute("SELECT setval(%s, %s)", [f'"{schema}"."{name}"', ID_BASE + k * 10_000_000])


class _Rollback(Exception):
    pass


def capture(world) -> list[tuple[str, tuple, int, list[int]]]:
    """(sql, params, row count, ids returned) of one purchase, rolled back afterwards."""
    purchase = checkout.purchaser(world)
    for _ in range(3):
        purchase()
    captured = []

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many)
        cur = context["cursor"].cursor
        text = sql.strip().upper()
        if not text.startswith(TX_CONTROL):
            ids = []
            if " RETURNING " in f" {text} " and cur.description:
                ids = [v for row in cur.fetchall() for v in row if isinstance(v, int) and v > ID_BASE]
                cur.scroll(0, mode="absolute")  # leave the rows for Django to fetch
            captured.append((sql, tuple(params or ()), cur.rowcount, ids))
        return result

    try:
        with connection.execute_wrapper(wrapper), transaction.atomic():
            purchase()
            raise _Rollback
    except _Rollback:
        pass
    return captured


def _substitute(param, mapping: dict[int, int]):
    """A captured parameter with the ids of this replay's rows (also inside an array parameter,
    as in the parties' UNNEST insert)."""
    if isinstance(param, int) and not isinstance(param, bool):
        return mapping.get(param, param)
    if isinstance(param, list):
        return [_substitute(p, mapping) for p in param]
    return param


def replay_worker(idx, world, seconds, show_mismatches, leave_out, barrier, out):
    import psycopg

    statements = [st for st in capture(world) if not any(st[0].lstrip().startswith(prefix) for prefix in leave_out)]
    settings = connection.settings_dict
    connections.close_all()
    conn = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"], dbname=settings["NAME"], prepare_threshold=5
    )

    def one() -> int:
        mapping: dict[int, int] = {}
        mismatches = 0
        with conn.cursor() as cur:
            for sql, params, rowcount, ids in statements:
                args = tuple(_substitute(p, mapping) for p in params)
                cur.execute(sql, args)
                if ids:
                    new = [v for row in cur.fetchall() for v in row if isinstance(v, int) and v > ID_BASE]
                    mapping.update(zip(ids, new))
                if cur.rowcount != rowcount:
                    mismatches += 1
                    if show_mismatches:
                        print(f"row count {cur.rowcount}, captured {rowcount}: {sql[:200]}")
        conn.rollback()
        return mismatches

    for _ in range(10):  # warm-up: statements prepared after their fifth run, as in the app
        one()
    with conn.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    conn.rollback()
    barrier.wait()
    db0, cpu0, start = checkout.process_cpu_seconds(pid), time.process_time(), time.perf_counter()
    done = mismatches = 0
    while time.perf_counter() < start + seconds:
        mismatches += one()
        done += 1
    stop, cpu = time.perf_counter(), time.process_time() - cpu0
    db = checkout.process_cpu_seconds(pid) - db0
    conn.close()
    out.put((start, stop, done, mismatches, cpu, db, len(statements)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--show-mismatches", action="store_true", help="print each replayed statement whose row count differs")
    parser.add_argument(
        "--leave-out", default="", metavar="TABLES",
        help="what-if: replay without the INSERTs into these tables (comma-separated, e.g. audit_auditentry,accounts_notification)",
    )  # fmt: skip
    args = parser.parse_args()
    leave_out = [f"INSERT INTO {t.strip()} " for t in args.leave_out.split(",") if t.strip()]
    leave_out += [f'INSERT INTO "{t.strip()}" ' for t in args.leave_out.split(",") if t.strip()]
    call_command("migrate", verbosity=0)
    from govmall.core.context import Actor, acting_as

    with acting_as(Actor(username="bench"), source="command"):
        worlds = checkout.setup(args.workers)
    bump_sequences()
    results = checkout.run_workers(replay_worker, worlds, args.seconds, args.show_mismatches, leave_out, seconds=args.seconds)
    start, stop = min(r[0] for r in results), max(r[1] for r in results)
    done = sum(r[2] for r in results)
    mismatches = sum(r[3] for r in results)
    cpu = sum(r[4] for r in results)
    db = sum(r[5] for r in results)
    print(f"database: postgresql; {args.workers} concurrent replayers; {args.seconds:g} s; {results[0][6]} statements per purchase (cart, submit, confirm, two signatures)")
    if leave_out:
        print(f"WHAT-IF: INSERTs into {args.leave_out} left out of the replay")
    print(f"replayed purchases: {done} in {stop - start:.1f} s = {done / (stop - start):.1f} per s")
    print(f"CPU per purchase: driver (Python, psycopg) {cpu / done * 1000:.1f} ms, database back-ends {db / done * 1000:.1f} ms")
    print(f"statements whose row count differed from the captured purchase: {mismatches}")
    if mismatches:
        print("FAILED: the replay did not do the purchase's work")
        sys.exit(1)


if __name__ == "__main__":
    main()
