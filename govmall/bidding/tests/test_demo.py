"""The bidding demo loader makes an open, a finished and a failed bidding through the
services, and running it again changes nothing."""

import pytest

from govmall.accounts.models import OrgKind, Role
from govmall.accounts.services import user_create
from govmall.bidding import demo
from govmall.bidding.models import Bidding, BiddingStatus, Quote
from govmall.bidding.tests.helpers import cat
from govmall.core.context import acting_as
from govmall.disclosure.models import Announcement
from govmall.purchasers.tests.helpers import purchaser_of
from govmall.suppliers.models import SupplierProfile, SupplierScope, SupplierStatus
from govmall.testing import OrganizationFactory, make_user

pytestmark = pytest.mark.django_db

SIZES = {demo.HUAXIN: "small", demo.LANHAI: "small", demo.DINGCHENG: "micro", demo.QILU: "large"}


def test_the_demo_loader_makes_three_biddings_once(mall):
    buyer = make_user(Role.PURCHASER_CLERK, username="purchaser")
    purchaser_of(buyer)
    for name, size in SIZES.items():
        org = OrganizationFactory(kind=OrgKind.SUPPLIER, name=name)
        SupplierProfile.objects.create(supplier=org, status=SupplierStatus.ACTIVE, enterprise_size=size)
        for code in ("A02010105", "A02010108"):
            SupplierScope.objects.create(supplier=org, category=cat(code))
        if name == demo.HUAXIN:
            with acting_as():
                user_create(username="supplier", password=demo.DEMO_PASSWORD, organization=org, roles=[Role.SUPPLIER_STAFF])
    lines = []
    with acting_as():
        demo.load(lines.append)
        demo.load(lines.append)
    assert lines[0] == "bidding demo: 3 online biddings (open, finished, failed)\n"
    assert lines[1] == "bidding demo: 0 online biddings (open, finished, failed)\n"
    statuses = {b.title[:12]: b.status for b in Bidding.objects.all()}
    assert sorted(statuses.values()) == sorted([BiddingStatus.OPEN, BiddingStatus.CONFIRMED, BiddingStatus.FAILED])
    done = Bidding.objects.get(status=BiddingStatus.CONFIRMED)
    assert done.awarded_quote.supplier.name == demo.HUAXIN  # 528,000 × 0.9 = 475,200 beats 齐鲁's 498,000
    assert Quote.objects.filter(bidding__status=BiddingStatus.OPEN).count() == 3
    assert Announcement.objects.filter(subject_id__in=Bidding.objects.values("pk")).count() == 2


def test_the_demo_loader_waits_for_active_suppliers(mall):
    make_user(Role.PURCHASER_CLERK, username="purchaser")
    lines = []
    with acting_as():
        demo.load(lines.append)
    assert lines[0].startswith("bidding demo: skipped, these suppliers cannot quote yet")
    assert Bidding.objects.count() == 0
