"""Qualification expiry, credit measures, dishonesty entries and exit: their effect on
listings (storefront and search index) and on quoting, and how they lift."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govmall.accounts.models import Notification
from govmall.core.context import Actor, acting_as
from govmall.core.errors import BusinessError
from govmall.products import search
from govmall.products.models import Listing, ListingStatus, PublicListing
from govmall.products.tests.conftest import make_listing
from govmall.suppliers import exit as supplier_exit
from govmall.suppliers import selectors, services
from govmall.suppliers.models import MeasureStatus, Qualification, QualificationStatus, SupplierProfile, SupplierStatus
from govmall.suppliers.tasks import daily_check
from govmall.testing import weihai

from .conftest import admitted_supplier, cat, centre, png_upload

pytestmark = pytest.mark.django_db


def found(listing) -> bool:
    return listing.pk in search.search(subsite_id=weihai().pk, q="台式计算机").ids


@pytest.fixture
def world(mall):
    org, user, app = admitted_supplier(cert_code="A02010105")
    listing = make_listing(org, title="海洋 台式计算机 i5")
    paper = make_listing(org, code="A05040101", brand="得力", title="得力 复印纸 A4 70g", specs={"paper_size": "A4", "grammage": "70g", "pack": "500张/包 5包/箱"}, energy=False)
    return org, user, listing, paper


def _expire(q: Qualification, days_ago: int = 1):
    Qualification.objects.filter(pk=q.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=days_ago))


def test_reminder_30_days_before_expiry_is_sent_once(world):
    org, user, listing, paper = world
    q = Qualification.objects.get(supplier=org, kind="category")
    Qualification.objects.filter(pk=q.pk).update(expires_on=timezone.localdate() + dt.timedelta(days=30))
    assert daily_check()["reminded"] == 1
    assert daily_check()["reminded"] == 0  # deduplicated
    note = Notification.objects.get(recipient=user, title__startswith="资质即将到期")
    assert "30 天" in note.body


def test_expired_certificate_withdraws_dependent_listings_and_renewal_restores_them(world, operator):
    org, user, listing, paper = world
    assert found(listing) and PublicListing.objects.filter(pk=listing.pk).exists()
    cert = Qualification.objects.get(supplier=org, kind="category")
    _expire(cert)
    counts = daily_check()
    assert counts["expired"] == 1
    cert.refresh_from_db()
    assert cert.status == QualificationStatus.EXPIRED
    listing.refresh_from_db()
    paper.refresh_from_db()
    assert "已于" in listing.supplier_hold and listing.status == ListingStatus.LISTED
    assert not PublicListing.objects.filter(pk=listing.pk).exists() and not found(listing)
    assert paper.supplier_hold == "" and PublicListing.objects.filter(pk=paper.pk).exists()  # 复印纸 does not depend on it
    ok, reasons = selectors.can_quote(org, cat("A02010105"))
    assert not ok and "过期" in reasons[0]
    assert daily_check()["expired"] == 0  # idempotent
    # The renewal waits for review; approved, the listing is back in the storefront and index.
    with acting_as(Actor(username="applicant")):
        renewed = services.qualification_add(supplier=org, kind="category", name=cert.name, number="XZ2371020260001", issuer=cert.issuer,
                                             expires_on=timezone.localdate() + dt.timedelta(days=700), categories=[cat("A02010105")], upload=png_upload(), replaces=cert)  # fmt: skip
    listing.refresh_from_db()
    assert listing.supplier_hold
    with centre():
        services.qualification_approve(qualification=renewed)
    cert.refresh_from_db()
    listing.refresh_from_db()
    assert cert.status == QualificationStatus.SUPERSEDED
    assert listing.supplier_hold == "" and found(listing) and PublicListing.objects.filter(pk=listing.pk).exists()
    assert selectors.can_quote(org, cat("A02010105"))[0]


def test_expired_renewal_cannot_be_approved(world):
    org, user, listing, paper = world
    cert = Qualification.objects.get(supplier=org, kind="category")
    with acting_as(Actor(username="applicant")):
        renewed = services.qualification_add(supplier=org, kind="category", name=cert.name, number="XZ2371020260002", issuer=cert.issuer,
                                             expires_on=timezone.localdate() + dt.timedelta(days=5), categories=[cat("A02010105")], upload=png_upload(), replaces=cert)  # fmt: skip
    Qualification.objects.filter(pk=renewed.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    with centre(), pytest.raises(BusinessError, match="过期"):
        services.qualification_approve(qualification=renewed)


def test_suspension_takes_effect_at_once_and_lifts_when_due(world):
    org, user, listing, paper = world
    end = timezone.localdate() + dt.timedelta(days=10)
    with centre():
        v = services.violation_record(supplier=org, source="centre", occurred_on=timezone.localdate(), title="商品价格高于电商平台且拒不调整",
                                      description="经价格巡查，多个商品价格高于京东自营价格 20% 以上，书面通知后仍未调整。", measure="suspension", ends_on=end, evidence=png_upload())  # fmt: skip
    m = v.measures.get()
    profile = SupplierProfile.objects.get(supplier=org)
    assert profile.status == SupplierStatus.SUSPENDED
    e = selectors.eligibility(org)
    assert not e.can_quote and not e.can_list and any("暂停交易" in r for r in e.reasons)
    listing.refresh_from_db()
    assert listing.supplier_hold and not found(listing) and not PublicListing.objects.filter(supplier=org).exists()
    from govmall.disclosure.models import Announcement

    ann = Announcement.objects.get(pk=m.announcement_id)
    assert ann.kind == "supplier_measure" and org.name in ann.title
    # Still suspended on the last day; lifted the day after.
    assert daily_check(today=end)["lifted"] == 0
    assert daily_check(today=end + dt.timedelta(days=1))["lifted"] == 1
    m.refresh_from_db()
    profile.refresh_from_db()
    listing.refresh_from_db()
    assert m.status == MeasureStatus.LIFTED and profile.status == SupplierStatus.ACTIVE
    assert listing.supplier_hold == "" and found(listing)


def test_suspension_needs_an_end_date_and_a_violation_needs_facts(world):
    org, *_ = world
    with centre(), pytest.raises(BusinessError, match="截止日期") as exc:
        services.violation_record(supplier=org, source="centre", occurred_on=timezone.localdate(), title="拒绝履行订单",
                                  description="两次确认订单后拒绝供货，采购人投诉。", measure="suspension")  # fmt: skip
    assert exc.value.field == "ends_on"
    with centre(), pytest.raises(BusinessError, match="情况说明"):
        services.violation_record(supplier=org, source="centre", occurred_on=timezone.localdate(), title="拒绝履行订单", description="短")
    from govmall.suppliers.models import Violation

    assert not Violation.objects.exists()  # nothing half-saved


def test_warning_does_not_stop_trading(world):
    org, user, listing, paper = world
    with centre():
        services.violation_record(supplier=org, source="supervisor", occurred_on=timezone.localdate(), title="发票开具不及时",
                                  description="订单验收后 15 日未开具发票，经提醒后已开具。", measure="warning")  # fmt: skip
    assert selectors.eligibility(org).can_quote
    listing.refresh_from_db()
    assert listing.supplier_hold == ""


def test_removal_appealed_and_upheld_restores(world):
    org, user, listing, paper = world
    with centre():
        v = services.violation_record(supplier=org, source="centre", occurred_on=timezone.localdate(), title="提供虚假资质材料",
                                      description="入驻时提交的资质证书经发证机关核实为伪造。", measure="removal")  # fmt: skip
    m = v.measures.get()
    assert SupplierProfile.objects.get(supplier=org).status == SupplierStatus.REMOVED
    with acting_as(Actor(username="applicant")):
        with pytest.raises(BusinessError, match="申诉理由"):
            services.appeal_submit(measure=m, reason="冤枉")
        ap = services.appeal_submit(measure=m, reason="证书经发证机关复核为真实有效，附复核函。")
        with pytest.raises(BusinessError, match="已有待处理的申诉"):
            services.appeal_submit(measure=m, reason="再次申诉：证书真实有效，请复核。")
    with centre(), pytest.raises(BusinessError, match="处理意见"):
        services.appeal_decide(appeal=ap, upheld=True, note="")
    with centre():
        services.appeal_decide(appeal=ap, upheld=True, note="经核实证书真实，撤销清退")
    m.refresh_from_db()
    listing.refresh_from_db()
    assert m.status == MeasureStatus.REVOKED
    assert SupplierProfile.objects.get(supplier=org).status == SupplierStatus.ACTIVE
    assert listing.supplier_hold == "" and found(listing)


def test_dishonesty_entry_blocks_quoting_while_in_force(world):
    org, user, listing, paper = world
    today = timezone.localdate()
    with centre():
        services.dishonesty_record(supplier=org, list_name="政府采购严重违法失信行为记录名单", source="中国政府采购网 www.ccgp.gov.cn 2026-11-01 查询",
                                   listed_on=today - dt.timedelta(days=3), until=today + dt.timedelta(days=365))  # fmt: skip
    ok, reasons = selectors.can_quote(org, cat("A02010105"))
    assert not ok and "严重违法失信" in reasons[0]
    listing.refresh_from_db()
    assert listing.supplier_hold
    with centre(), pytest.raises(BusinessError, match="来源"):
        services.dishonesty_record(supplier=org, list_name="失信被执行人", source="", listed_on=today)


def test_exit_refused_while_business_is_open_then_withdraws_listings(world):
    org, user, listing, paper = world
    open_orders = {org.pk: ["订单 ZG2026000001（待送货）"]}
    fn = lambda o: open_orders.get(o.pk, [])  # noqa: E731
    supplier_exit.register_open_business(fn)
    try:
        with acting_as(Actor(username="applicant")), pytest.raises(BusinessError, match="ZG2026000001") as exc:
            services.supplier_exit(supplier=org, reason="公司业务调整")
        assert exc.value.field == "exit"
        assert SupplierProfile.objects.get(supplier=org).status == SupplierStatus.ACTIVE
        open_orders.clear()
        with acting_as(Actor(username="applicant")):
            services.supplier_exit(supplier=org, reason="公司业务调整")
    finally:
        supplier_exit.open_business_checks.unregister(fn)
    assert SupplierProfile.objects.get(supplier=org).status == SupplierStatus.EXITED
    assert set(Listing.objects.filter(supplier=org).values_list("status", flat=True)) == {ListingStatus.DELISTED}
    assert Listing.objects.filter(supplier=org).count() == 2  # history kept
    assert not found(listing)
    assert not selectors.eligibility(org).can_quote


def test_licence_expiry_holds_every_listing(world):
    org, user, listing, paper = world
    with acting_as(Actor(username="applicant")):
        pass
    lic = Qualification.objects.get(supplier=org, kind="licence")
    Qualification.objects.filter(pk=lic.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    daily_check()
    listing.refresh_from_db()
    paper.refresh_from_db()
    assert "营业执照" in listing.supplier_hold and "营业执照" in paper.supplier_hold


def test_scope_covers_descendant_categories(world):
    org, *_ = world
    ok, _ = selectors.can_quote(org, cat("A05040101"))
    assert ok
    assert selectors.category_covered(org, cat("A05040101"))
