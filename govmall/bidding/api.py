"""JSON endpoints of the bidding app, mounted by govmall/api.py under /api/v1/bidding.
Read-only and sealed like the pages: before the close no endpoint returns a price or the
number of quotes, except a supplier's own quote to that supplier."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from govmall.accounts import scoping
from govmall.accounts.models import Role
from govmall.bidding import selectors
from govmall.bidding.models import Bidding, PublishedBidding  # noqa: F401

router = Router(auth=django_auth, tags=["bidding"])
INSIDE_ROLES = frozenset({Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER, *scoping.STAFF_ROLES})


class BiddingOut(Schema):
    id: int
    bidding_no: str
    title: str
    status: str
    status_label: str
    purchaser: str
    category_code: str
    category_name: str
    quantity: int
    unit: str
    ceiling_price: str
    quote_opens_at: dt.datetime | None
    quote_closes_at: dt.datetime | None
    award_deadline: dt.datetime | None


class ResultOut(Schema):
    rank: int | None
    supplier: str
    price: str
    small_or_micro: bool | None
    deduction_applied: bool
    evaluated_price: str | None
    status: str
    awarded: bool


class QuoteOut(Schema):
    bidding_id: int
    bidding_no: str
    price: str
    brand_model: str
    status: str
    submitted_at: dt.datetime
    evaluated_price: str | None
    rank: int | None


class BiddingDetailOut(BiddingOut):
    sme_deduction_rate: str | None
    results: list[ResultOut]  # empty until the close
    my_quote: QuoteOut | None


def _money(v):
    return None if v is None else f"{v:.2f}"


def _bidding(b: Bidding) -> dict:
    return {
        "id": b.pk, "bidding_no": b.bidding_no, "title": b.title, "status": b.status, "status_label": b.get_status_display(),
        "purchaser": b.purchaser.name, "category_code": b.category.code, "category_name": b.category.name, "quantity": b.quantity,
        "unit": b.unit, "ceiling_price": _money(b.ceiling_price), "quote_opens_at": b.quote_opens_at, "quote_closes_at": b.quote_closes_at,
        "award_deadline": b.award_deadline,
    }  # fmt: skip


def _quote(q) -> dict:
    return {
        "bidding_id": q.bidding_id, "bidding_no": q.bidding.bidding_no, "price": _money(q.price), "brand_model": q.brand_model,
        "status": q.status, "submitted_at": q.submitted_at, "evaluated_price": _money(q.evaluated_price), "rank": q.rank,
    }  # fmt: skip


@router.get("/biddings", response=list[BiddingOut])
def biddings(request):
    """Purchasers and staff: the biddings in their reach; suppliers: open biddings they may quote on."""
    user = request.user
    if user.role_set & INSIDE_ROLES:
        return [_bidding(b) for b in selectors.biddings_for(user)[:500]]
    if user.has_role(Role.SUPPLIER_STAFF):
        return [_bidding(b) for b in selectors.open_biddings_for_supplier(user)]
    raise HttpError(403, "您的角色不能查看竞价")


@router.get("/biddings/{bidding_id}", response=BiddingDetailOut)
def bidding_detail(request, bidding_id: int):
    user = request.user
    b = selectors.biddings_for(user).filter(pk=bidding_id).first()
    if b is None:
        try:
            b = scoping.get_visible_or_404(user, PublishedBidding, pk=bidding_id)
        except Http404:
            raise HttpError(404, "未找到，或您无权查看") from None
    own = selectors.own_quote(user, b) if user.has_role(Role.SUPPLIER_STAFF) else None
    results = [
        {
            "rank": q.rank, "supplier": q.supplier.name, "price": _money(q.price), "small_or_micro": q.is_small_or_micro,
            "deduction_applied": bool(q.is_small_or_micro and q.rank), "evaluated_price": _money(q.evaluated_price), "status": q.status,
            "awarded": q.pk == b.awarded_quote_id,
        }  # fmt: skip
        for q in selectors.result_quotes(user, b)
    ]
    return {**_bidding(b), "sme_deduction_rate": None if b.sme_deduction_rate is None else f"{b.sme_deduction_rate:.3f}", "results": results, "my_quote": _quote(own) if own else None}


@router.get("/quotes", response=list[QuoteOut])
def my_quotes(request):
    """A supplier's own quotes (its own prices, also before the close)."""
    if not request.user.has_role(Role.SUPPLIER_STAFF):
        raise HttpError(403, "只有供应商可以查看自己的报价")
    return [_quote(q) for q in selectors.my_quotes(request.user)[:500]]
