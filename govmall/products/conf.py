"""The products app's settings, with defaults. Each can be set in settings.py (the lead may feed
them from the environment); nothing here reads os.environ.

PRODUCTS_SEARCH_BACKEND           "sqlite" | "postgres"; default: derived from the database vendor
PRODUCTS_IMAGE_MAX_BYTES          largest accepted upload (default 2 MiB)
PRODUCTS_IMAGE_MAX_PIXELS         largest width × height (default 16 megapixels)
PRODUCTS_IMAGE_MIN_SIDE           smallest width or height (default 200 px)
PRODUCTS_IMAGE_MAX_SIDE           largest width or height (default 6000 px)
PRODUCTS_IMAGES_PER_LISTING       at most this many pictures per listing (default 8)
PRODUCTS_PRICE_RISE_REVIEW_PERCENT default rise (%) above which a listed product goes back to review (10)
PRODUCTS_REFERENCE_STALE_DAYS     default age (days) after which a reference price is stale (90)
PRODUCTS_SEARCH_RERANK_WINDOW     candidates re-ranked by text relevance per query (default 200)
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import connection

DEFAULTS = {
    "PRODUCTS_IMAGE_MAX_BYTES": 2 * 1024 * 1024,
    "PRODUCTS_IMAGE_MAX_PIXELS": 16_000_000,
    "PRODUCTS_IMAGE_MIN_SIDE": 200,
    "PRODUCTS_IMAGE_MAX_SIDE": 6000,
    "PRODUCTS_IMAGES_PER_LISTING": 8,
    "PRODUCTS_PRICE_RISE_REVIEW_PERCENT": Decimal("10"),
    "PRODUCTS_REFERENCE_STALE_DAYS": 90,
    "PRODUCTS_SEARCH_RERANK_WINDOW": 200,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


def search_backend() -> str:
    configured = getattr(settings, "PRODUCTS_SEARCH_BACKEND", "")
    if configured:
        return configured
    return "postgres" if connection.vendor == "postgresql" else "sqlite"
