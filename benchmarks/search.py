"""Storefront search at scale: 1,000,000 generated listings, index build time, query latency
of the application's search next to the naive raw query, relevance, /search page time and
peak memory.

    .venv/bin/python benchmarks/search.py [--rows 1000000] [--runs 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/products_bench .venv/bin/python benchmarks/search.py

SQLite runs in a temporary GOVMALL_VAR_DIR; PostgreSQL DROPS and recreates the database
DATABASE_URL names. Three processes, one after the other: `generate` (listings written in
bulk: not timed against a target), `build` (search.rebuild(): segmentation included; time and
peak memory) and `query` (latency, relevance, page time, peak memory of the search process).

Naive baseline, measured in the same run on the same index and match expression, with no
application code: SQLite `SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 20`,
PostgreSQL `SELECT listing_id FROM products_searchdoc WHERE tsv @@ q ORDER BY ts_rank(tsv, q)
DESC LIMIT 20` (it scores every match).

Relevance: each query has an intent (the catalog codes it asks for, and the brand when it
names one). A result scores 2 when both match, 1 when one does, 0 otherwise; NDCG@20 of the
application's first page is compared with the naive query's.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmall.settings")

# (query, intent codes, intent brand)
ONE_WORD = [
    ("台式计算机", ["A02010105"], ""), ("打印机", ["A02021001", "A02021003", "A02021004", "A02021006"], ""), ("复印纸", ["A05040101"], ""),
    ("空调", ["A02061804"], ""), ("办公椅", ["A05010301"], ""), ("显示器", ["A02021104"], ""), ("硒鼓", ["A05040201"], ""),
    ("文件柜", ["A05010502"], ""), ("热水器", ["A02061819"], ""), ("笔记本", ["A02010108"], ""), ("联想", [], "联想"), ("得力", [], "得力"),
]  # fmt: skip
TWO_WORD = [
    ("联想 台式计算机", ["A02010105"], "联想"), ("惠普 打印机", ["A02021001", "A02021003", "A02021004"], "惠普"), ("得力 复印纸", ["A05040101"], "得力"),
    ("格力 空调", ["A02061804"], "格力"), ("网布 办公椅", ["A05010301"], ""), ("海尔 热水器", ["A02061819"], "海尔"), ("戴尔 显示器", ["A02021104"], "戴尔"),
    ("华为 笔记本", ["A02010108"], "华为"),
]  # fmt: skip
PINYIN = [
    ("taishiji", ["A02010105"], ""), ("tsj", ["A02010105"], ""), ("dayinzhi", ["A05040101"], ""), ("kongtiao", ["A02061804"], ""),
    ("bgy", ["A05010301"], ""), ("xianshiqi", ["A02021104"], ""), ("lianxiang", [], "联想"), ("bjb", ["A02010108"], ""),
]  # fmt: skip
FILTERED = [
    ("台式计算机", {"price_max": "5000", "green": "energy"}), ("复印纸", {"sme": True}), ("空调", {"area": "371002"}), ("办公椅", {"price_min": "500", "price_max": "1500"}),
    ("打印机", {"category": "A02021003"}), ("", {"category": "A05040101"}), ("联想", {"category": "A02010108", "price_max": "8000"}), ("文件柜", {"green": "environmental"}),
]  # fmt: skip
WEIGHTS = {  # how many of each family, per 100 listings
    "A05040101": 9, "A05040401": 9, "A05040402": 5, "A05040501": 5, "A05040201": 7, "A05040202": 3, "A02010105": 8, "A02010108": 6,
    "A02010109": 2, "A02021003": 4, "A02021004": 3, "A02021001": 1, "A02021006": 1, "A02020400": 3, "A02020100": 2, "A02021104": 4,
    "A02020200": 1, "A02021301": 1, "A02061804": 5, "A02061819": 2, "A02091001": 2, "A02061801": 1, "A02091107": 2, "A02061908": 2,
    "A05010201": 3, "A05010202": 1, "A05010301": 3, "A05010303": 1, "A05010502": 2, "A05010501": 1, "C23120301": 1, "C23120302": 0.5, "C23120700": 0.5,
}  # fmt: skip


def setup_django(fresh: bool):
    if os.environ.get("DATABASE_URL", "").startswith("postgres") and fresh:
        import dj_database_url
        import psycopg

        cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
        admin = psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], password=cfg["PASSWORD"], dbname="postgres", autocommit=True)
        admin.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}"')
        admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
        admin.close()
    import django

    django.setup()


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- generate --------------------------------------------------------------------------------


def generate(rows: int) -> None:
    setup_django(fresh=True)
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from govmall.accounts.models import Organization, OrgKind
    from govmall.catalog import demo as catalog_demo
    from govmall.catalog.selectors import category_by_code
    from govmall.core.context import Actor, acting_as
    from govmall.products import green, services
    from govmall.products.catalogue_data import families_by_code, generate as gen_one
    from govmall.products.models import Brand, Certificate, Listing, SupplierProfile
    from govmall.regions.models import Region
    from govmall.subsites.models import Subsite

    t0 = time.perf_counter()
    site = Subsite.objects.get(code="weihai")
    with acting_as(Actor(username="bench"), source="command"):
        catalog_demo.load(lambda s: None)
    regions = list(Region.objects.filter(parent=site.region).order_by("code")) + [site.region]
    rng = random.Random(7)
    suppliers = Organization.objects.bulk_create(
        [Organization(kind=OrgKind.SUPPLIER, name=f"威海测试供应商{i:03d}有限公司", region=rng.choice(regions[:-1]), subsite=site) for i in range(300)]
    )
    SupplierProfile.objects.bulk_create([SupplierProfile(supplier=s, enterprise_size=rng.choice(["small", "micro", "medium", "large"])) for s in suppliers])
    families = families_by_code()
    codes = list(WEIGHTS)
    weights = [WEIGHTS[c] for c in codes]
    cats = {c: category_by_code(c) for c in codes}
    templates = {c: {a["code"] for a in services.template_attributes(cats[c])} for c in codes}
    brands: dict[str, int] = {}
    now = __import__("django.utils.timezone", fromlist=["now"]).now()
    today = now.date()
    through = Listing.delivery_regions.through
    batch = 10000
    for start in range(0, rows, batch):
        objs, meta = [], []
        for i in range(start, min(rows, start + batch)):
            code = rng.choices(codes, weights)[0]
            g = gen_one(rng, families[code], i)
            if g.brand not in brands:
                brands[g.brand] = Brand.objects.get_or_create(name=g.brand)[0].pk
            sales = min(20000, int(rng.paretovariate(1.2)) - 1)
            factor = rng.choice([0.93, 0.97, 1.0, 1.03, 1.05, 1.08, 1.12, 1.15])
            lowest = (g.price * Decimal(str(factor))).quantize(Decimal("0.01"))
            objs.append(
                Listing(
                    subsite=site, supplier=rng.choice(suppliers), category=cats[code], brand_id=brands[g.brand], model=f"{g.model}-{i:x}",
                    title=g.title, specs=g.specs, description=g.description, price=g.price, stock=rng.choice([0, 10, 50, 200]),
                    delivery_days=rng.choice([1, 2, 3, 5, 7]), warranty_months=rng.choice([12, 24, 36]), status="listed", listed_at=now,
                    lowest_reference=lowest, overpriced=g.price > lowest, sales_count=max(0, sales),
                )  # fmt: skip
            )
            mandatory = green.mandatory_rule_for(code, g.specs, templates[code]) is not None
            meta.append((mandatory or g.energy, g.env, rng.random() < 0.6))
        with transaction.atomic():
            made = Listing.objects.bulk_create(objs, batch_size=5000)
            links, certs = [], []
            for obj, (energy, env, city) in zip(made, meta):
                for r in [regions[-1]] if city else rng.sample(regions[:-1], k=rng.randint(1, 3)):
                    links.append(through(listing_id=obj.pk, region_id=r.pk))
                if energy:
                    certs.append(Certificate(listing_id=obj.pk, kind="energy", number=f"CQC{obj.pk:010d}", expires_on=today.replace(year=today.year + 2)))
                if env:
                    certs.append(Certificate(listing_id=obj.pk, kind="environmental", number=f"CEC{obj.pk:010d}", expires_on=today.replace(year=today.year + 2)))
            through.objects.bulk_create(links, batch_size=10000)
            Certificate.objects.bulk_create(certs, batch_size=10000)
        if (start // batch) % 10 == 9:
            print(f"  generated {start + batch:,} listings ({time.perf_counter() - t0:.0f} s)", flush=True)
    with connection.cursor() as cur:  # the statistics a steady-state database has (autovacuum / PRAGMA optimize)
        cur.execute("ANALYZE")
    connection.close()
    print(json.dumps({"phase": "generate", "rows": rows, "seconds": round(time.perf_counter() - t0, 1), "peak_mib": round(peak_mib())}))


# --- build -------------------------------------------------------------------------------------


def build() -> None:
    setup_django(fresh=False)
    from django.db import connection

    from govmall.products import search

    t0 = time.perf_counter()
    n = search.rebuild(chunk=5000, progress=lambda d, t: print(f"  indexed {d:,}/{t:,} ({time.perf_counter() - t0:.0f} s)", flush=True) if d % 100000 == 0 else None)
    seconds = time.perf_counter() - t0
    size = ""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_size_pretty(pg_total_relation_size('products_searchdoc'))")
            size = cur.fetchone()[0]
    print(json.dumps({"phase": "build", "docs": n, "seconds": round(seconds, 1), "peak_mib": round(peak_mib()), "index_size": size}))


# --- query -------------------------------------------------------------------------------------


def pct(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, max(0, math.ceil(len(s) * p / 100) - 1))]


def ndcg(grades: list[int], k: int = 20) -> float:
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(grades[:k]))
    ideal = sum(2 / math.log2(i + 2) for i in range(k))
    return dcg / ideal


def query(runs: int) -> None:
    setup_django(fresh=False)
    from django.db import connection
    from django.test import Client

    from govmall.catalog.selectors import category_by_code
    from govmall.products import search
    from govmall.products.models import Listing
    from govmall.products.search import Filters, compile_query, lexicon
    from govmall.products.search.text import parse_query
    from govmall.regions.models import Region
    from govmall.subsites.models import Subsite

    site = Subsite.objects.get(code="weihai")
    be = search.backend()
    lex, seg = lexicon.current()
    _ = category_by_code

    def filters_of(spec: dict) -> Filters:
        area = ()
        if spec.get("area"):
            r = Region.objects.get(code=spec["area"])
            area = tuple(c for c in r.path.strip("/").split("/") if c)
        return Filters(
            category_code=spec.get("category", ""), price_min=Decimal(spec["price_min"]) if "price_min" in spec else None,
            price_max=Decimal(spec["price_max"]) if "price_max" in spec else None, green=spec.get("green", ""), sme=bool(spec.get("sme")), area_codes=area,
        )  # fmt: skip

    def naive_sql(q: str, f: Filters, plain: bool = False):
        # The user's words and filters only: no sub-site token, no overpriced exclusion.
        # plain=True: only the words as typed (no synonyms, aliases or pinyin expansion).
        compiled = compile_query(site.pk, parse_query(q, seg, lex), f, hide_overpriced=False)
        compiled.subsite_id = None
        if plain:
            compiled.terms = [alts[:1] for alts in compiled.terms]
        if connection.vendor == "postgresql":
            from govmall.products.search.postgres import tsquery_text

            tsq = tsquery_text(compiled, "all")
            price = ""
            params = [tsq]
            if f.price_min is not None:
                price += " AND price >= %s"
                params.append(f.price_min)
            if f.price_max is not None:
                price += " AND price <= %s"
                params.append(f.price_max)
            params.append(tsq)
            sql = f"SELECT listing_id FROM products_searchdoc WHERE tsv @@ %s::tsquery{price} ORDER BY ts_rank(tsv, %s::tsquery) DESC LIMIT 20"
            return sql, params
        from govmall.products.search.sqlite import TABLE, match_expression

        expr = match_expression(compiled, "all")
        if f.price_min is not None or f.price_max is not None:
            sql = f"SELECT d.listing_id FROM {TABLE} f JOIN products_searchdoc d ON d.doc_key = f.rowid WHERE {TABLE} MATCH %s"
            params = [expr]
            if f.price_min is not None:
                sql += " AND d.price >= %s"
                params.append(f.price_min)
            if f.price_max is not None:
                sql += " AND d.price <= %s"
                params.append(f.price_max)
            return sql + f" ORDER BY bm25({TABLE}) LIMIT 20", params
        return f"SELECT rowid & 4294967295 FROM {TABLE} WHERE {TABLE} MATCH %s ORDER BY bm25({TABLE}) LIMIT 20", [expr]

    def app(q, f):
        return search.search(subsite_id=site.pk, q=q, filters=f, hide_overpriced=True).ids

    def naive(sql, params):
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return [r[0] for r in cur.fetchall()]

    def grade_of(ids, codes, brand):
        info = dict((pk, (c, b)) for pk, c, b in Listing.objects.filter(pk__in=ids).values_list("pk", "category__code", "brand__name"))
        out = []
        for i in ids:
            c, b = info.get(i, ("", ""))
            hits = int(not codes or c in codes) + int(not brand or b == brand)
            out.append(hits)
        return out

    app("台式计算机", Filters())  # warm up: lexicon, jieba, caches
    naive_runs = max(48, runs // 4)
    classes = {
        "one-word": [(q, Filters(), c, b) for q, c, b in ONE_WORD],
        "two-word": [(q, Filters(), c, b) for q, c, b in TWO_WORD],
        "pinyin": [(q, Filters(), c, b) for q, c, b in PINYIN],
        "filtered": [(q, filters_of(spec), None, None) for q, spec in FILTERED],
    }
    results = {}
    for name, qs in classes.items():
        prepared = [(q, f, c, b, *naive_sql(q, f)) for q, f, c, b in qs]
        plain = [naive_sql(q, f, plain=True) for q, f, c, b in qs] if name != "pinyin" else []
        plain_ms = []
        for k in range(naive_runs if plain else 0):
            sql, params = plain[k % len(plain)]
            t = time.perf_counter()
            naive(sql, params)
            plain_ms.append((time.perf_counter() - t) * 1000)
        for q, f, c, b, sql, params in prepared:  # warm both paths once
            app(q, f)
            naive(sql, params)
        app_ms, naive_ms = [], []
        for k in range(runs):
            q, f, c, b, sql, params = prepared[k % len(prepared)]
            t = time.perf_counter()
            app(q, f)
            app_ms.append((time.perf_counter() - t) * 1000)
            if k < naive_runs:  # the naive query is slow at 1M rows: fewer samples, same queries
                t = time.perf_counter()
                naive(sql, params)
                naive_ms.append((time.perf_counter() - t) * 1000)
        rel_app, rel_naive = [], []
        for q, f, c, b, sql, params in prepared:
            if c is None:
                continue
            rel_app.append(ndcg(grade_of(app(q, f), c, b)))
            rel_naive.append(ndcg(grade_of(naive(sql, params), c, b)))
        results[name] = {
            "app_p50": round(pct(app_ms, 50), 1), "app_p95": round(pct(app_ms, 95), 1),
            "naive_p50": round(pct(naive_ms, 50), 1), "naive_p95": round(pct(naive_ms, 95), 1),
            "ratio_p95": round(pct(app_ms, 95) / pct(naive_ms, 95), 2),
            "plain_naive_p50": round(pct(plain_ms, 50), 1) if plain_ms else None, "plain_naive_p95": round(pct(plain_ms, 95), 1) if plain_ms else None,
            "ndcg_app": round(statistics.mean(rel_app), 3) if rel_app else None,
            "ndcg_naive": round(statistics.mean(rel_naive), 3) if rel_naive else None,
        }  # fmt: skip
        print(json.dumps({"class": name, **results[name]}), flush=True)
    # Per query: the single common word the brief names (full detail for the hardest case).
    client = Client()
    page_ms = []
    urls = [f"/search?q={q}" for q, _, _ in ONE_WORD + TWO_WORD + PINYIN] + ["/search?q=台式计算机&pmax=5000&green=energy", "/search?cat=A05040101", "/search"]
    for u in urls:
        assert client.get(u).status_code == 200
    for k in range(runs):
        t = time.perf_counter()
        resp = client.get(urls[k % len(urls)])
        page_ms.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200
    sort_ms = []
    for k in range(max(20, runs // 4)):
        t = time.perf_counter()
        search.search(subsite_id=site.pk, q=["台式计算机", "复印纸", "空调"][k % 3], sort=["price", "-price", "-sales"][k % 3])
        sort_ms.append((time.perf_counter() - t) * 1000)
    print(json.dumps({
        "phase": "query", "page_p50": round(pct(page_ms, 50), 1), "page_p95": round(pct(page_ms, 95), 1),
        "sorted_p50": round(pct(sort_ms, 50), 1), "sorted_p95": round(pct(sort_ms, 95), 1), "peak_mib": round(peak_mib()),
        "docs": be.row_count(),
    }))  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", nargs="?", default="all", choices=["all", "generate", "build", "query"])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    if args.phase == "generate":
        return generate(args.rows)
    if args.phase == "build":
        return build()
    if args.phase == "query":
        return query(args.runs)
    env = dict(os.environ)
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        env.setdefault("GOVMALL_VAR_DIR", tempfile.mkdtemp(prefix="govmall-search-bench-"))
    print(f"database: {'postgresql' if env.get('DATABASE_URL', '').startswith('postgres') else 'sqlite ' + env['GOVMALL_VAR_DIR']}, rows: {args.rows:,}", flush=True)
    for phase in ("generate", "build", "query"):
        extra = ["--rows", str(args.rows)] if phase == "generate" else ["--runs", str(args.runs)] if phase == "query" else []
        subprocess.run([sys.executable, __file__, phase, *extra], env=env, check=True)


if __name__ == "__main__":
    main()
