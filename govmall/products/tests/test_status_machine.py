"""Every transition of the listing status machine, allowed or refused (states.py)."""

import itertools

import pytest

from govmall.audit.states import InvalidTransition, transition
from govmall.products.models import Listing, ListingStatus
from govmall.products.states import LISTING_MACHINE

from .conftest import make_listing

pytestmark = pytest.mark.django_db

S = ListingStatus
ALLOWED = {
    (S.DRAFT, S.PENDING),
    (S.PENDING, S.LISTED),
    (S.PENDING, S.REJECTED),
    (S.PENDING, S.DRAFT),
    (S.LISTED, S.PENDING),
    (S.LISTED, S.DELISTED),
    (S.REJECTED, S.PENDING),
    (S.DELISTED, S.PENDING),
}
PAIRS = [(a, b) for a, b in itertools.product(S.values, S.values) if a != b]


def test_the_table_is_exactly_the_documented_one():
    table = {(a, b) for a, targets in LISTING_MACHINE.allowed.items() for b in targets}
    assert table == {(str(a), str(b)) for a, b in ALLOWED}


@pytest.mark.parametrize("current, target", PAIRS)
def test_each_transition_is_allowed_or_refused(supplier, current, target):
    listing = make_listing(supplier, status="draft")
    Listing.objects.filter(pk=listing.pk).update(status=current)  # set up the state directly
    listing.refresh_from_db()
    if (current, target) in {(str(a), str(b)) for a, b in ALLOWED}:
        transition(listing, target, machine=LISTING_MACHINE)
        listing.refresh_from_db()
        assert listing.status == target
    else:
        with pytest.raises(InvalidTransition) as exc:
            transition(listing, target, machine=LISTING_MACHINE)
        assert exc.value.message == f"当前状态为「{S(current).label}」，不能变更为「{S(target).label}」"
        listing.refresh_from_db()
        assert listing.status == current


def test_the_services_walk_the_machine(supplier):
    from govmall.products import services

    listing = make_listing(supplier, status="draft")
    services.listing_submit(listing=listing)
    services.listing_withdraw(listing=listing)
    services.listing_submit(listing=listing)
    services.listing_reject(listing=listing, reason="请补充图片资料")
    services.listing_submit(listing=listing)
    services.listing_approve(listing=listing)
    services.listing_delist(listing=listing)
    services.listing_submit(listing=listing)
    services.listing_approve(listing=listing)
    listing.refresh_from_db()
    assert listing.status == "listed"
    from govmall.audit.models import AuditEntry

    steps = [e.changes["status"] for e in AuditEntry.objects.filter(object_type="products.listing", object_id=str(listing.pk), action="transition").order_by("id")]
    assert steps == [
        ["draft", "pending_review"], ["pending_review", "draft"], ["draft", "pending_review"], ["pending_review", "rejected"],
        ["rejected", "pending_review"], ["pending_review", "listed"], ["listed", "delisted"], ["delisted", "pending_review"],
        ["pending_review", "listed"],
    ]  # fmt: skip


def test_a_draft_cannot_be_approved_by_the_service(supplier):
    from govmall.core.errors import BusinessError
    from govmall.products import services

    listing = make_listing(supplier, status="draft")
    with pytest.raises(BusinessError):
        services.listing_approve(listing=listing)
    listing.refresh_from_db()
    assert listing.status == "draft"
