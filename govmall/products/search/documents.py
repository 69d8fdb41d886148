"""What a listing is indexed as: tokens by field, filter tokens and its static rank.

Fields: `name` (title, brand, model, category — weighted high), `body` (spec values,
parent category, supplier, description), `facets` (filter tokens, never matched by words):

    s<subsite id>  c<category code> for the category and each ancestor  b<brand id>
    gne (valid energy-saving cert)  gev (valid environmental-label cert)  sme
    a<region code> per delivery region
    p<price bucket> (log buckets, factor 1.5; exact prices are checked on SearchDoc.price)
    v<sales bucket> (0, then log2): price and sales sorts walk these buckets in order, so they
    never sort every match of a common word
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from govmall.products.search.text import Segmenter, index_tokens

RANK_MAX = 9999
BUCKET_BASE = Decimal("1.5")
BUCKET_LN = BUCKET_BASE.ln()
# PostgreSQL tiers (search/postgres.py): static rank at or above → tier 1, 2, 3, else 4;
# overpriced listings are tier 5 (left out when the sub-site hides them).
# Tier 1 is about the best 1 % of a large catalogue, tier 2 the next 2 %, tier 3 the next 10 %
# (measured on the benchmark's 1,000,000 listings): a filtered query then finds its first
# page in small tiers instead of checking every match of a large one.
TIER_THRESHOLDS = (5100, 4600, 4000)
OVERPRICED_TIER = 5
# SQLite: overpriced listings' keys start at this bit, so hiding them is `rowid < OVERPRICED_KEY`.
OVERPRICED_KEY = 1 << 61


@dataclass
class ListingFacts:
    """Everything indexing needs about one listing, fetched in bulk (no ORM objects)."""

    listing_id: int
    subsite_id: int
    title: str
    brand_id: int
    brand: str
    model: str
    category_name: str
    category_codes: list[str]  # the category and its ancestors
    parent_name: str
    mall_name: str
    specs_text: str
    supplier_name: str
    description: str
    price: Decimal
    sales_count: int
    region_codes: list[str]
    green_energy: bool
    green_env: bool
    sme: bool
    overpriced: bool
    has_image: bool
    reference_count: int
    lowest_reference: Decimal | None
    warranty_months: int
    delivery_days: int
    stock: int


@dataclass
class Doc:
    listing_id: int
    subsite_id: int
    static_rank: int
    tier: int
    doc_key: int
    price: Decimal
    sales_count: int
    overpriced: bool
    name: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    facets: list[str] = field(default_factory=list)


def price_bucket(price) -> int:
    """A coarse logarithmic price band for the index's sort tokens: 0 below 1 元, else
    1 + floor(log₁.₅ price). Only the band number is stored."""
    p = Decimal(price)
    if p < 1:
        return 0
    return int(p.ln() / BUCKET_LN) + 1


def sales_bucket(sales: int) -> int:
    """0 for no sales, else 1 + floor(log2(sales)): 1, 2–3, 4–7, …"""
    return 0 if sales <= 0 else int(sales).bit_length()


def static_rank(f: ListingFacts) -> int:
    """Query-independent quality of a listing (0–9999): sales first, then what helps a
    purchaser decide (pictures, certificates, a price at or under the market, references,
    warranty, delivery, stock). Overpriced listings sink."""
    s = 0.45 * min(1.0, math.log1p(f.sales_count) / math.log1p(5000))
    s += 0.12 if f.has_image else 0
    s += 0.10 if (f.green_energy or f.green_env) else 0
    if f.lowest_reference is not None and not f.overpriced:
        s += 0.10
    s += 0.06 if f.reference_count >= 2 else 0
    s += 0.05 if f.warranty_months >= 24 else 0
    s += 0.06 if f.delivery_days <= 3 else 0
    s += 0.06 if f.stock > 0 else 0
    if f.overpriced:
        s -= 0.25
    return max(0, min(RANK_MAX, int(round(s * RANK_MAX))))


def tier_of(rank: int, overpriced: bool = False) -> int:
    if overpriced:
        return OVERPRICED_TIER
    for tier, threshold in enumerate(TIER_THRESHOLDS, start=1):
        if rank >= threshold:
            return tier
    return len(TIER_THRESHOLDS) + 1


def doc_key(rank: int, listing_id: int, overpriced: bool = False) -> int:
    """Ascending key = descending static rank, then listing id: the SQLite FTS5 rowid, so that
    `ORDER BY rowid LIMIT k` yields the best-ranked matches without scoring every match.
    Overpriced listings come after all others (a rowid range leaves them out)."""
    return (OVERPRICED_KEY if overpriced else 0) | ((RANK_MAX - rank) << 32) | listing_id


def listing_id_of(key: int) -> int:  # noqa: D103
    return key & 0xFFFFFFFF


def build_doc(f: ListingFacts, seg: Segmenter) -> Doc:
    rank = static_rank(f)
    name_text = " ".join([f.title, f.brand, f.model, f.category_name, f.mall_name if f.mall_name != f.category_name else ""])
    body_text = " ".join([f.specs_text, f.parent_name, f.supplier_name, f.description[:200]])
    facets = [f"s{f.subsite_id}", f"b{f.brand_id}", f"p{price_bucket(f.price)}", f"v{sales_bucket(f.sales_count)}"]
    facets += [f"c{c.lower()}" for c in f.category_codes]
    facets += [f"a{code}" for code in f.region_codes]
    if f.green_energy:
        facets.append("gne")
    if f.green_env:
        facets.append("gev")
    if f.sme:
        facets.append("sme")
    return Doc(
        listing_id=f.listing_id,
        subsite_id=f.subsite_id,
        static_rank=rank,
        tier=tier_of(rank, f.overpriced),
        doc_key=doc_key(rank, f.listing_id, f.overpriced),
        price=f.price,
        sales_count=f.sales_count,
        overpriced=f.overpriced,
        name=index_tokens(seg, name_text),
        body=index_tokens(seg, body_text),
        facets=facets,
    )
