"""JSON endpoints of the products app, mounted by govmall/api.py under /api/v1/. Scoped like the pages."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404  # noqa: F401
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.security import django_auth

from govmall.accounts import scoping
from govmall.products import search as search_api
from govmall.products import selectors
from govmall.products.models import Listing

router = Router(auth=django_auth, tags=["products"])


class ListingOut(Schema):
    id: int
    title: str
    brand: str
    model: str
    category_code: str
    category_name: str
    supplier: str
    price: Decimal
    status: str
    overpriced: bool
    lowest_reference: Decimal | None

    @staticmethod
    def resolve_brand(obj):
        return obj.brand.name

    @staticmethod
    def resolve_category_code(obj):
        return obj.category.code

    @staticmethod
    def resolve_category_name(obj):
        return obj.category.name

    @staticmethod
    def resolve_supplier(obj):
        return obj.supplier.name


class SearchHit(Schema):
    id: int
    title: str
    brand: str
    price: Decimal
    supplier: str
    category_code: str
    delivery_days: int
    url: str


class SearchOut(Schema):
    total: int
    capped: bool
    page: int
    num_pages: int
    items: list[SearchHit]


class SearchIn(Schema):
    q: str = ""
    cat: str = ""
    pmin: Decimal | None = None
    pmax: Decimal | None = None
    green: str = ""
    sme: bool = False
    sort: str = "relevance"
    page: int = 1


@router.get("/listings", response=list[ListingOut], summary="商品（按权限范围）")
@paginate
def listing_list(request: HttpRequest, status: str = ""):
    qs = scoping.visible(request.user, Listing).select_related("brand", "category", "supplier").order_by("-updated_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    return qs


@router.get("/listings/{listing_id}", response=ListingOut, summary="商品详情（按权限范围）")
def listing_detail(request: HttpRequest, listing_id: int):
    return scoping.get_visible_or_404(request.user, Listing.objects.select_related("brand", "category", "supplier"), pk=listing_id)


@router.get("/search", response=SearchOut, auth=None, summary="商城商品搜索（公开）")
def search(request: HttpRequest, params: Query[SearchIn]):
    site = request.subsite
    filters = search_api.Filters(
        category_code=params.cat.strip().upper()[:9],
        price_min=params.pmin if params.pmin is not None and params.pmin >= 0 else None,
        price_max=params.pmax if params.pmax is not None and params.pmax >= 0 else None,
        green=params.green if params.green in ("energy", "environmental", "any") else "",
        sme=params.sme,
    )
    result = search_api.search(
        subsite_id=site.pk, q=params.q[:500], filters=filters, sort=params.sort, page=max(1, min(params.page, 1000)),
        hide_overpriced=selectors.hide_overpriced(site),
    )  # fmt: skip
    items = selectors.listings_in_order(request.user, site, result.ids)
    return {
        "total": result.total, "capped": result.capped, "page": result.page, "num_pages": result.num_pages,
        "items": [
            {"id": x.pk, "title": x.title, "brand": x.brand.name, "price": x.price, "supplier": x.supplier.name,
             "category_code": x.category.code, "delivery_days": x.delivery_days, "url": f"/products/{x.pk}/"}
            for x in items
        ],
    }  # fmt: skip
