"""Mall catalog figures: validation, diff, mapping-table export and import, page times.

    .venv/bin/python benchmarks/catalog.py [--items 3000] [--requests 50]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/catalog_bench .venv/bin/python benchmarks/catalog.py

Runs against a fresh database: SQLite in a temporary GOVMALL_VAR_DIR, or the PostgreSQL
database DATABASE_URL names, which it DROPS and creates anew. Loads the demo (Weihai's
published version 1, 96 items), then a large draft: every in-scope leaf of the 2022 catalog up
to --items, built by importing a mapping table (the way a whole catalog arrives). Page times
are in-process (Django test client, no network). The figures in docs/PERFORMANCE.md come
from this script.
"""

import argparse
import io
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
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def once(fn):
    t = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - t) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    from govmall.catalog import mapping
    from govmall.catalog.models import Category, MallCatalogVersion
    from govmall.catalog.selectors import current_edition, mall_catalog_diff
    from govmall.catalog.services import ImportMode, mall_catalog_create_draft, mall_catalog_import, mall_catalog_publish
    from govmall.catalog.validation import excluded_branches, mall_catalog_validate
    from govmall.core.context import Actor, acting_as
    from govmall.portal.demo import load_demo
    from govmall.subsites.models import Subsite

    load_demo()
    print(f"database: {connection.vendor}")
    weihai = Subsite.objects.get(code="weihai")
    demo_version = MallCatalogVersion.objects.get(subsite=weihai, number=1)
    med, p95 = timed(lambda: mall_catalog_validate(demo_version), args.requests)
    print(f"validate the demo version ({demo_version.items.count()} items): median {med:.1f} ms, p95 {p95:.1f} ms")
    anon = Client()
    med, p95 = timed(lambda: anon.get("/catalog/"), args.requests)
    print(f"GET /catalog/ (demo, {demo_version.items.count()} items, anonymous): median {med:.1f} ms, p95 {p95:.1f} ms")
    leaves = Category.objects.filter(edition=current_edition(), is_leaf=True)
    for prefix in excluded_branches():
        leaves = leaves.exclude(code__startswith=prefix)
    leaves = list(leaves.order_by("code")[: args.items])
    buf = io.StringIO()
    buf.write(",".join(mapping.COLUMNS) + "\r\n")
    for c in leaves:
        buf.write(f"WH-{c.short_code},{c.name.replace(',', '，')},{c.code},{c.name.replace(',', '，')},\r\n")
    table = buf.getvalue().encode("utf-8")
    n = len(leaves)

    with acting_as(Actor(username="bench"), source="command"):
        draft = mall_catalog_create_draft(subsite=weihai, copy_published=False, note="benchmark")
        result, ms = once(lambda: mall_catalog_import(version=draft, data=table, filename="big.csv", mode=ImportMode.REPLACE))
        print(f"import CSV, {n} rows into an empty draft: {ms:,.0f} ms ({result.summary()})")
        report, ms = once(lambda: mall_catalog_validate(draft))
        print(f"validate {n} items: {ms:,.0f} ms ({report.summary()})")
        xlsx, ms = once(lambda: mapping.export_xlsx(draft))
        print(f"export XLSX, {n} rows: {ms:,.0f} ms ({len(xlsx) / 1024:,.0f} KB)")
        csv_data, ms = once(lambda: mapping.export_csv(draft))
        print(f"export CSV, {n} rows: {ms:,.0f} ms ({len(csv_data) / 1024:,.0f} KB)")
        result, ms = once(lambda: mall_catalog_import(version=draft, data=xlsx, filename="big.xlsx", mode=ImportMode.REPLACE))
        print(f"import XLSX, {n} rows over the same draft: {ms:,.0f} ms ({result.summary()})")
        _, ms = once(lambda: mall_catalog_publish(version=draft))
        print(f"publish (validate under lock, two transitions): {ms:,.0f} ms")
        second = mall_catalog_create_draft(subsite=weihai, copy_published=True)
        print(f"draft copied: {second.items.count()} items")
        diff, ms = once(lambda: mall_catalog_diff(second))
        print(f"diff {n} items against the published version: {ms:,.0f} ms ({diff.summary()})")

    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from govmall.accounts.models import User

    client = Client()
    pub = timed(lambda: client.get("/catalog/"), args.requests)
    print(f"GET /catalog/ ({n} items in force, anonymous): median {pub[0]:.1f} ms, p95 {pub[1]:.1f} ms")
    found = timed(lambda: client.get("/catalog/?q=打印机"), args.requests)
    print(f"GET /catalog/?q=打印机: median {found[0]:.1f} ms, p95 {found[1]:.1f} ms")
    op = User.objects.get(username="operator")
    client.force_login(op)
    s = client.session
    s[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=op).persistent_id
    s.save()
    v = MallCatalogVersion.objects.get(pk=second.pk)
    for label, url in (
        ("version page (draft, 50 a page, with validation)", f"/workspace/catalog/{v.pk}/"),
        ("validation report", f"/workspace/catalog/{v.pk}/report/"),
        ("diff page", f"/workspace/catalog/{v.pk}/diff/"),
        ("workspace (draft to-do validates)", "/workspace/"),
        ("category search (htmx)", "/workspace/catalog/categories/?category_code=打印"),
    ):
        med, p95 = timed(lambda url=url: client.get(url), args.requests)
        print(f"GET {label}, {n} items: median {med:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
