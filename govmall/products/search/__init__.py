"""The one search interface of the storefront (商品搜索), with an SQLite FTS5 back-end
(search/sqlite.py) and a PostgreSQL back-end (search/postgres.py); `conf.search_backend()`
picks one from the database vendor.

Writes: `index_listings(ids)` — called by the listing services in the same transaction as the
change (the index lives in the same database, so it commits or rolls back with it); a listing
that is not listed, or is held back for its supplier (`supplier_hold`), is removed. `rebuild()` rebuilds everything (manage.py search_rebuild).

Reads: `search(...)` parses the query (jieba with the lexicon as user dictionary, synonyms,
catalog aliases, pinyin and initials), takes up to RERANK_WINDOW candidates in static-rank
order — first those matching in the name field, then any field — scores only those by text
relevance (bm25 / ts_rank), blends in the static rank and pages through the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module

from django.db.models import Count
from django.utils import timezone

from govmall.products import conf
from govmall.products.search import lexicon as lexicon_mod
from govmall.products.search.documents import BUCKET_BASE, Doc, ListingFacts, build_doc, price_bucket, sales_bucket
from govmall.products.search.text import Term, highlight, parse_query

PAGE_SIZE = 20
MAX_PAGES = 50
COUNT_CAP = PAGE_SIZE * MAX_PAGES
TEXT_WEIGHT = 0.6  # blend of normalised text score and static rank in the re-ranked window
MAX_PRICE_GROUP = 5  # price buckets worth matching as tokens (see compile_query)
SORTS = {"relevance": "综合", "price": "价格从低到高", "-price": "价格从高到低", "-sales": "销量"}


def backend():
    return import_module(f"govmall.products.search.{conf.search_backend()}")


def backend_for_vendor(vendor: str):
    return import_module(f"govmall.products.search.{'postgres' if vendor == 'postgresql' else 'sqlite'}")


# --- Schema (called by migration 0002) ------------------------------------------------------


def install(apps, schema_editor) -> None:
    backend_for_vendor(schema_editor.connection.vendor).install(schema_editor)


def retier(schema_editor, thresholds: tuple[int, ...], overpriced_tier: int) -> None:
    """Migrations: new tier boundaries. The documents move to their tier (no re-segmentation
    needed); the back-end then adjusts its per-tier indexes."""
    whens = " ".join(f"WHEN static_rank >= {t} THEN {i}" for i, t in enumerate(thresholds, start=1))
    schema_editor.execute(f"UPDATE products_searchdoc SET tier = CASE WHEN overpriced THEN {overpriced_tier} {whens} ELSE {len(thresholds) + 1} END")
    backend_for_vendor(schema_editor.connection.vendor).tiers_changed(schema_editor, overpriced_tier)


def uninstall(apps, schema_editor) -> None:
    backend_for_vendor(schema_editor.connection.vendor).uninstall(schema_editor)


# --- Indexing -------------------------------------------------------------------------------


def facts_for(listing_ids: list[int] | None = None, *, id_range: tuple[int, int] | None = None) -> list[ListingFacts]:
    """Everything indexing needs, for many listings (given by id, or all listed ones with an
    id in `id_range`, which a rebuild uses to avoid long IN lists), in a handful of queries."""
    from govmall.accounts.models import Organization
    from govmall.catalog.models import MallCatalogStatus, MallItem
    from govmall.products.models import Certificate, Listing, ListingImage, ListingStatus, ReferencePrice
    from govmall.products.services import spec_text, templates_by_code
    from govmall.suppliers.selectors import sme_supplier_ids

    by_id = {"pk__in": listing_ids} if id_range is None else {"pk__range": id_range}
    by_listing = {"listing_id__in": listing_ids} if id_range is None else {"listing_id__gte": id_range[0], "listing_id__lte": id_range[1]}
    rows = list(
        Listing.objects.filter(status=ListingStatus.LISTED, supplier_hold="", **by_id).values(
            "pk", "subsite_id", "title", "brand_id", "brand__name", "model", "category_id", "category__name", "category__path",
            "category__parent__name", "supplier_id", "description", "price", "sales_count", "specs", "overpriced",
            "lowest_reference", "warranty_months", "delivery_days", "stock",
        )
    )  # fmt: skip
    if not rows:
        return []
    ids = {r["pk"] for r in rows}
    today = timezone.localdate()
    regions: dict[int, list[str]] = {}
    for lid, code in Listing.delivery_regions.through.objects.filter(**by_listing).values_list("listing_id", "region__code"):
        regions.setdefault(lid, []).append(code)
    certs: dict[int, set[str]] = {}
    for lid, kind in Certificate.objects.filter(expires_on__gte=today, **by_listing).values_list("listing_id", "kind"):
        certs.setdefault(lid, set()).add(kind)
    with_images = set(ListingImage.objects.filter(**by_listing).values_list("listing_id", flat=True))
    ref_counts = dict(ReferencePrice.objects.filter(**by_listing).values("listing_id").annotate(n=Count("id")).values_list("listing_id", "n"))
    supplier_ids = {r["supplier_id"] for r in rows}
    names = dict(Organization.objects.filter(pk__in=supplier_ids).values_list("pk", "name"))
    sme = sme_supplier_ids(supplier_ids)
    mall_names: dict[tuple[int, int], str] = {}
    for sid, cid, name in MallItem.objects.filter(
        version__status=MallCatalogStatus.PUBLISHED, category_id__in={r["category_id"] for r in rows}
    ).values_list("version__subsite_id", "category_id", "local_name"):
        mall_names[(sid, cid)] = name
    templates = templates_by_code()
    out = []
    for r in rows:
        codes = [c for c in r["category__path"].strip("/").split("/") if c]
        out.append(
            ListingFacts(
                listing_id=r["pk"],
                subsite_id=r["subsite_id"],
                title=r["title"],
                brand_id=r["brand_id"],
                brand=r["brand__name"],
                model=r["model"],
                category_name=r["category__name"],
                category_codes=codes,
                parent_name=r["category__parent__name"] or "",
                mall_name=mall_names.get((r["subsite_id"], r["category_id"]), ""),
                specs_text=spec_text(r["specs"], templates, codes),
                supplier_name=names.get(r["supplier_id"], ""),
                description=r["description"],
                price=r["price"],
                sales_count=r["sales_count"],
                region_codes=sorted(regions.get(r["pk"], [])),
                green_energy="energy" in certs.get(r["pk"], set()),
                green_env="environmental" in certs.get(r["pk"], set()),
                sme=r["supplier_id"] in sme,
                overpriced=r["overpriced"],
                has_image=r["pk"] in with_images,
                reference_count=ref_counts.get(r["pk"], 0),
                lowest_reference=r["lowest_reference"],
                warranty_months=r["warranty_months"],
                delivery_days=r["delivery_days"],
                stock=r["stock"],
            )
        )
    return out


def index_listings(listing_ids) -> None:
    """Bring the index in line with these listings: listed ones (re)indexed, others removed.
    Call inside the transaction that changed them."""
    ids = sorted(set(listing_ids))
    if not ids:
        return
    _, seg = lexicon_mod.current(force_check=True)
    docs = [build_doc(f, seg) for f in facts_for(ids)]
    indexed = {d.listing_id for d in docs}
    backend().write(docs, [i for i in ids if i not in indexed])


def rebuild(*, chunk: int = 5000, progress=None) -> int:
    """Rebuild the whole index from the listings (segmentation included), in one transaction.
    Returns the number of listed products indexed."""
    from django.db import transaction
    from django.db.models import Max, Min

    from govmall.products.models import Listing, ListingStatus

    be = backend()
    _, seg = lexicon_mod.current(force_check=True)
    listed = Listing.objects.filter(status=ListingStatus.LISTED, supplier_hold="")
    total = listed.count()
    bounds = listed.aggregate(lo=Min("pk"), hi=Max("pk"))
    done = 0
    with transaction.atomic():
        be.clear()
        be.drop_indexes()
        be.bulk_mode(True)
        lo = bounds["lo"] or 0
        while bounds["hi"] is not None and lo <= bounds["hi"]:
            hi = min(lo + chunk - 1, bounds["hi"])
            docs = [build_doc(f, seg) for f in facts_for(id_range=(lo, hi))]
            be.bulk_insert(docs)
            done += len(docs)
            lo = hi + 1
            if progress and docs:
                progress(done, total)
        be.bulk_mode(False)
        be.create_indexes()
    be.optimize()
    return done


def insert_docs(docs: list[Doc]) -> None:
    """Bulk path for loaders that build Docs themselves (the benchmark)."""
    backend().bulk_insert(docs)


# --- Querying -------------------------------------------------------------------------------


@dataclass
class Filters:
    category_code: str = ""
    brand_ids: tuple[int, ...] = ()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    green: str = ""  # "" | energy | environmental | any
    sme: bool = False
    area_codes: tuple[str, ...] = ()  # the region and its ancestors (a listing for the city covers its districts)


@dataclass
class Compiled:
    """A query as the back-ends take it: words (each a tuple of alternatives, the first the
    word typed), required filter-token groups (OR inside a group), the sub-site (a token on
    SQLite, a column on PostgreSQL), whether overpriced listings are left out (a rowid range /
    a tier) and the exact price range."""

    terms: list[tuple[str, ...]]
    facets_all: list[tuple[str, ...]]
    subsite_id: int | None = None
    hide_overpriced: bool = False
    price_min: Decimal | None = None
    price_max: Decimal | None = None


@dataclass
class SearchResult:
    ids: list[int]
    total: int
    capped: bool
    page: int
    num_pages: int
    terms: list[Term]
    brands: list[tuple[int, str, int]] = field(default_factory=list)  # (id, name, count in the top results)
    dropped: list[str] = field(default_factory=list)  # query words ignored because nothing matched them
    scores: dict[int, float] = field(default_factory=dict)

    def highlight(self, text: str) -> str:
        return highlight(text, self.terms)


def compile_query(subsite_id: int, terms: list[Term], f: Filters, hide_overpriced: bool) -> Compiled:
    facets: list[tuple[str, ...]] = []
    if f.category_code:
        facets.append((f"c{f.category_code.lower()}",))
    if f.brand_ids:
        facets.append(tuple(f"b{b}" for b in f.brand_ids))
    if f.green == "energy":
        facets.append(("gne",))
    elif f.green == "environmental":
        facets.append(("gev",))
    elif f.green == "any":
        facets.append(("gne", "gev"))
    if f.sme:
        facets.append(("sme",))
    if f.area_codes:
        facets.append(tuple(f"a{c}" for c in f.area_codes))
    if f.price_min is not None or f.price_max is not None:
        lo = price_bucket(f.price_min) if f.price_min is not None else 0
        hi = price_bucket(f.price_max) if f.price_max is not None else price_bucket(Decimal(10) ** 12)
        # A narrow range narrows the match through its bucket tokens; a wide one would only
        # make the engine merge many lists, so it is left to the exact price check.
        if 0 <= hi - lo < MAX_PRICE_GROUP:
            facets.append(tuple(f"p{b}" for b in range(lo, hi + 1)))
    return Compiled(
        terms=[t.alternatives for t in terms],
        facets_all=facets,
        subsite_id=subsite_id,
        hide_overpriced=hide_overpriced,
        price_min=f.price_min,
        price_max=f.price_max,
    )


def _rerank(cands: list[tuple[int, float]], ranks: dict[int, int]) -> list[tuple[int, float]]:
    if not cands:
        return []
    top = max(s for _, s in cands) or 1.0
    scored = [(i, TEXT_WEIGHT * (s / top) + (1 - TEXT_WEIGHT) * ranks.get(i, 0) / 9999) for i, s in cands]
    return sorted(scored, key=lambda x: (-x[1], x[0]))


def _window(q: Compiled, has_text: bool) -> list[tuple[int, float]]:
    """The re-ranked first RERANK_WINDOW results."""
    from govmall.products.models import SearchDoc

    be = backend()
    window = conf.get("PRODUCTS_SEARCH_RERANK_WINDOW")
    if not has_text:
        return [(i, 0.0) for i, _ in be.candidates(q, "all", window)]
    first = be.candidates(q, "name", window)
    second = be.candidates(q, "all", window - len(first), exclude={i for i, _ in first}) if len(first) < window else []
    ranks = dict(SearchDoc.objects.filter(listing_id__in=[i for i, _ in first + second]).values_list("listing_id", "static_rank"))
    return _rerank(first, ranks) + _rerank(second, ranks)


MAX_PRICE_BUCKET = price_bucket(Decimal(10) ** 9)
MAX_SALES_BUCKET = sales_bucket(10**9)


def _sorted_page(q: Compiled, sort: str, offset: int, limit: int) -> list[int]:
    """A page in price or sales order without sorting every match: walk the price (or sales)
    bucket tokens from the cheap (or best-selling) end, sorting only the matches inside the
    buckets the page needs. Buckets are exact intervals, so the order is exact."""
    import dataclasses

    be = backend()
    if sort == "-sales":
        buckets = [f"v{b}" for b in range(MAX_SALES_BUCKET, -1, -1)]
    else:
        lo = price_bucket(q.price_min) if q.price_min is not None else 0
        hi = price_bucket(q.price_max) if q.price_max is not None else MAX_PRICE_BUCKET
        buckets = [f"p{b}" for b in range(lo, hi + 1)]
        if sort == "-price":
            buckets.reverse()
    need = offset + limit
    out: list[int] = []
    for token in buckets:
        part = dataclasses.replace(q, facets_all=[*q.facets_all, (token,)])
        out += be.ordered(part, sort, 0, need - len(out))
        if len(out) >= need:
            break
    return out[offset:need]


def search(*, subsite_id: int, q: str = "", filters: Filters | None = None, sort: str = "relevance", page: int = 1, hide_overpriced: bool = True) -> SearchResult:
    """One page of the storefront's results. Never raises on odd input: any text is
    reduced to words before it reaches the back-end."""
    from govmall.products.models import Listing

    lex, seg = lexicon_mod.current()
    terms = parse_query(q or "", seg, lex)
    f = filters or Filters()
    sort = sort if sort in SORTS else "relevance"
    be = backend()
    compiled = compile_query(subsite_id, terms, f, hide_overpriced)
    total = be.count(compiled, COUNT_CAP + 1)
    dropped: list[str] = []
    if total == 0 and len(terms) > 1:
        # Relax: keep only the words that match something on their own.
        kept = [t for t in terms if be.count(compile_query(subsite_id, [t], f, hide_overpriced), 1)]
        if kept and len(kept) < len(terms):
            dropped = [t.text for t in terms if t not in kept]
            terms = kept
            compiled = compile_query(subsite_id, terms, f, hide_overpriced)
            total = be.count(compiled, COUNT_CAP + 1)
    num_pages = max(1, min(MAX_PAGES, math.ceil(min(total, COUNT_CAP) / PAGE_SIZE)))
    page = max(1, min(int(page or 1), num_pages))
    offset = (page - 1) * PAGE_SIZE
    ranked: list[tuple[int, float]] = []
    if total:
        if sort == "relevance":
            ranked = _window(compiled, bool(terms))
            if offset + PAGE_SIZE <= len(ranked) or len(ranked) < conf.get("PRODUCTS_SEARCH_RERANK_WINDOW"):
                ids = [i for i, _ in ranked[offset : offset + PAGE_SIZE]]
            else:  # past the re-ranked window: static-rank order of the rest
                seen = {i for i, _ in ranked}
                rest = [i for i in be.ordered(compiled, "static", 0, offset + PAGE_SIZE + len(seen)) if i not in seen]
                ids = rest[offset - len(ranked) : offset - len(ranked) + PAGE_SIZE]
        else:
            ids = _sorted_page(compiled, sort, offset, PAGE_SIZE)
            ranked = [(i, 0.0) for i in be.ordered(compiled, "static", 0, 100)] if page == 1 else []
    else:
        ids = []
    brands: list[tuple[int, str, int]] = []
    if ranked:
        counts: dict[tuple[int, str], int] = {}
        for bid, name in Listing.objects.filter(pk__in=[i for i, _ in ranked]).values_list("brand_id", "brand__name"):
            counts[(bid, name)] = counts.get((bid, name), 0) + 1
        brands = [(bid, name, n) for (bid, name), n in sorted(counts.items(), key=lambda x: (-x[1], x[0][1]))][:12]
    return SearchResult(
        ids=ids,
        total=min(total, COUNT_CAP),
        capped=total > COUNT_CAP,
        page=page,
        num_pages=num_pages,
        terms=terms,
        brands=brands,
        dropped=dropped,
        scores=dict(ranked),
    )


def suggestions(prefix: str) -> list[str]:
    lex, _ = lexicon_mod.current()
    return lex.suggestions(prefix[:20])


def price_bucket_range(lo, hi) -> tuple[int, int]:  # for tests and the benchmark
    return price_bucket(lo), price_bucket(hi)


__all__ = ["BUCKET_BASE", "Filters", "SearchResult", "index_listings", "rebuild", "search", "suggestions"]
