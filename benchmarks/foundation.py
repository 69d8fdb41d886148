"""Foundation figures: audit-log append and verification speed, page times.

    .venv/bin/python benchmarks/foundation.py [--entries 20000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govmall_bench .venv/bin/python benchmarks/foundation.py

Runs against a fresh database: SQLite in a temporary GOVMALL_VAR_DIR, or the PostgreSQL
database DATABASE_URL names, which it DROPS and creates anew. Prints one line per figure; the figures
in docs/PERFORMANCE.md come from this script.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("GOVMALL_VAR_DIR", tempfile.mkdtemp(prefix="govmall-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmall.settings")

import django  # noqa: E402


from benchsetup import fresh_postgres_database  # noqa: E402


if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    fresh_postgres_database()
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def timed(fn, n):
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    from govmall.audit.services import record, verify_chain
    from govmall.core.context import Actor, acting_as
    from govmall.portal.demo import load_demo

    load_demo()

    print(f"database: {connection.vendor}")
    with acting_as(Actor(username="bench"), source="command"):
        t = time.perf_counter()
        for i in range(args.entries):
            record("system", object_type="bench", object_id=str(i), object_repr=f"entry {i}", changes={"n": [i, i + 1]})
        elapsed = time.perf_counter() - t
    print(f"audit append (one transaction each): {args.entries / elapsed:,.0f} entries/s ({args.entries} entries, {elapsed:.1f} s)")

    t = time.perf_counter()
    report = verify_chain()
    elapsed = time.perf_counter() - t
    assert report.ok, report.problem
    print(f"audit verify: {report.checked / elapsed:,.0f} entries/s ({report.checked} entries, {elapsed:.2f} s)")

    client = Client()
    home = timed(lambda: client.get("/"), args.requests)
    print(f"GET / (anonymous): median {home[0]:.1f} ms, p95 {home[1]:.1f} ms")
    from govmall.accounts.models import User
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    op = User.objects.get(username="operator")
    client.force_login(op)
    s = client.session
    s[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=op).persistent_id
    s.save()
    ws = timed(lambda: client.get("/workspace/"), args.requests)
    print(f"GET /workspace/ (operator): median {ws[0]:.1f} ms, p95 {ws[1]:.1f} ms")
    al = timed(lambda: client.get("/workspace/audit/?action=system"), args.requests)
    print(f"GET /workspace/audit/ filtered, {args.entries}+ entries (operator): median {al[0]:.1f} ms, p95 {al[1]:.1f} ms")


if __name__ == "__main__":
    main()
