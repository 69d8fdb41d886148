import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from govmall.core.context import Actor, acting_as
from govmall.products import search, services
from govmall.products.models import SearchDoc
from govmall.products.selectors import overpriced_listed, stale_listed
from govmall.subsites.services import subsite_update_style
from govmall.testing import make_user, weihai

from .conftest import make_listing

pytestmark = pytest.mark.django_db


def _ids(q=""):
    site = weihai()
    from govmall.products.selectors import hide_overpriced

    return search.search(subsite_id=site.pk, q=q, hide_overpriced=hide_overpriced(site)).ids


def test_a_listing_priced_above_its_lowest_current_reference_is_flagged(supplier):
    listing = make_listing(supplier, price="5000.00", ref_price="4800.00")
    assert (listing.overpriced, listing.lowest_reference, listing.references_stale) == (True, Decimal("4800.00"), False)
    services.reference_add(listing=listing, source="天猫", url="https://detail.tmall.com/item.htm?id=1", price="4700.00", observed_on=timezone.localdate())
    listing.refresh_from_db()
    assert listing.lowest_reference == Decimal("4700.00")
    services.listing_update(listing=listing, data={"price": "4700.00"})
    listing.refresh_from_db()
    assert (listing.overpriced, listing.status) == (False, "listed")


def test_a_stale_reference_does_not_count(supplier):
    listing = make_listing(supplier, price="5000.00", ref_price="4000.00", ref_age_days=91)
    assert (listing.overpriced, listing.lowest_reference, listing.references_stale) == (False, None, True)


def test_overpriced_listings_leave_the_storefront_by_sub_site_setting(supplier):
    fair = make_listing(supplier, price="4000.00", ref_price="4200.00")
    dear = make_listing(supplier, price="5000.00", ref_price="4800.00")
    assert _ids("台式计算机") == [fair.pk]
    with acting_as(Actor(username="op")):
        subsite_update_style(subsite=weihai(), data={"features": {"hide_overpriced": False, "storefront": True}})
    assert sorted(_ids("台式计算机")) == sorted([fair.pk, dear.pk])


def test_the_operator_report_lists_overpriced_and_stale_listings(supplier):
    operator = make_user("centre_operator")
    fair = make_listing(supplier, price="4000.00", ref_price="4200.00")
    dear = make_listing(supplier, price="5000.00", ref_price="4800.00")
    old = make_listing(supplier, price="3000.00", ref_price="3100.00", ref_age_days=120)
    assert list(overpriced_listed(operator).values_list("pk", flat=True)) == [dear.pk]
    assert list(stale_listed(operator).values_list("pk", flat=True)) == [old.pk]
    assert fair.pk not in overpriced_listed(operator).values_list("pk", flat=True)


def test_the_daily_check_flags_references_that_went_stale(supplier):
    listing = make_listing(supplier, price="5000.00", ref_price="4800.00", ref_age_days=80)
    assert listing.overpriced is True
    counts = services.products_daily_check(today=timezone.localdate() + dt.timedelta(days=15))
    listing.refresh_from_db()
    assert (listing.overpriced, listing.references_stale, counts["changed"]) == (False, True, 1)


def test_the_daily_check_delists_a_mandatory_product_whose_certificate_expired(supplier):
    listing = make_listing(supplier)
    listing.certificates.update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    counts = services.products_daily_check()
    listing.refresh_from_db()
    assert (listing.status, counts["delisted"]) == ("delisted", 1)
    assert not SearchDoc.objects.filter(listing=listing).exists()
    assert listing.pk not in _ids("")


def test_rules_change_rechecks_staleness(supplier):
    listing = make_listing(supplier, price="5000.00", ref_price="4800.00", ref_age_days=40)
    assert listing.overpriced is True
    services.rules_update(subsite=weihai(), price_rise_review_percent="10", reference_stale_days=30)
    listing.refresh_from_db()
    assert (listing.overpriced, listing.references_stale) == (False, True)


def test_the_worker_job_runs_the_daily_check(supplier):
    from govmall.products.tasks import daily_check

    listing = make_listing(supplier)
    listing.certificates.update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert daily_check() == {"checked": 1, "changed": 1, "delisted": 1}
    listing.refresh_from_db()
    assert listing.status == "delisted"
    from govmall.accounts.models import Notification

    assert Notification.objects.filter(title__startswith="商品已自动下架").count() == 0  # no supplier staff in this org yet
