"""Reads of the bidding app. Every list goes through accounts.scoping; quotes are read only
through `own_quote` (the supplier's own) or `result_quotes` (after the close) — the seal."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from govmall.accounts import scoping
from govmall.accounts.models import Role
from govmall.bidding.models import Bidding, BiddingStatus, PublishedBidding, Quote, QuoteStatus, ResultQuote

OPEN_QUOTES = (QuoteStatus.SUBMITTED,)


def biddings_for(user) -> QuerySet:
    """Biddings the user reaches on the purchaser / staff side. A draft is the purchaser's
    own work: only its own unit sees it."""
    own_org = getattr(user, "organization_id", None)
    qs = scoping.visible(user, Bidding).filter(~Q(status=BiddingStatus.DRAFT) | Q(purchaser__organization_id=own_org))
    return qs.select_related("purchaser__organization", "category", "plan")


def open_biddings_for_supplier(user) -> list[Bidding]:
    """Open biddings of the supplier's sub-site it may quote on (suppliers.can_quote)."""
    from govmall.suppliers.selectors import can_quote

    org = user.organization
    if org is None or not user.has_role(Role.SUPPLIER_STAFF):
        return []
    rows = (
        scoping.visible(user, PublishedBidding)
        .filter(status=BiddingStatus.OPEN, subsite_id=org.subsite_id, quote_closes_at__gt=timezone.now())
        .select_related("category", "purchaser__organization")
        .order_by("quote_closes_at")
    )
    cache: dict[int, bool] = {}
    out = []
    for b in rows:
        if b.category_id not in cache:
            cache[b.category_id] = can_quote(org, b.category)[0]
        if cache[b.category_id]:
            out.append(b)
    return out


def my_quotes(user) -> QuerySet:
    return scoping.visible(user, Quote).select_related("bidding", "bidding__purchaser__organization", "bidding__category").order_by("-updated_at")


def own_quote(user, bidding: Bidding) -> Quote | None:
    if not user.is_authenticated:
        return None
    return scoping.visible(user, Quote).filter(bidding_id=bidding.pk).first()


def is_opened(bidding: Bidding) -> bool:
    return bidding.closed_at is not None


def result_quotes(user, bidding: Bidding) -> list[ResultQuote]:
    """The ranked quotes of a closed bidding (empty before the close, whoever asks)."""
    if not is_opened(bidding):
        return []
    return list(scoping.visible(user, ResultQuote).filter(bidding_id=bidding.pk).select_related("supplier").order_by("rank", "submitted_at", "id"))


def flagged_quotes(user) -> QuerySet:
    """Abnormally low quotes of closed biddings in the user's reach (centre, supervisors)."""
    ids = scoping.visible(user, Bidding).values("pk")
    return scoping.visible(user, ResultQuote).filter(low_flag=True, bidding_id__in=ids).select_related("bidding", "supplier").order_by("-bidding__closed_at")


def open_business_of_supplier(org) -> list[str]:
    """For the supplier exit check: quotes in open biddings and awards not yet contracted."""
    items = []
    for q in Quote.objects.filter(supplier=org, status=QuoteStatus.SUBMITTED, bidding__status=BiddingStatus.OPEN).select_related("bidding"):
        items.append(f"竞价 {q.bidding.bidding_no}「{q.bidding.title}」的报价尚未截止")
    awarded = Bidding.objects.filter(awarded_quote__supplier=org, status__in=[BiddingStatus.AWARDED, BiddingStatus.CONFIRMED])
    for b in awarded:
        items.append(f"竞价 {b.bidding_no}「{b.title}」成交{'待确认' if b.status == BiddingStatus.AWARDED else '待签约'}")
    return items


def biddings_of_reservation(reservation, user) -> list[tuple[str, str, str]]:
    """For the reservation page (limits.hooks.register_related): the bidding the money was
    reserved for, if `user` may see it."""
    from django.urls import reverse

    found = scoping.visible(user, Bidding).filter(reservation=reservation).only("pk", "bidding_no", "status")
    return [("网上竞价", f"{b.bidding_no}（{b.get_status_display()}）", reverse("bidding:detail", args=[b.pk])) for b in found]
