import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from govmall.audit.models import AuditEntry
from govmall.catalog.models import MallItem
from govmall.core.errors import BusinessError
from govmall.products import services
from govmall.products.models import Brand, CertificateKind, Listing, PriceChange, SearchDoc
from govmall.products.search import backend
from govmall.testing import weihai

from .conftest import DESKTOP_SPECS, cat, make_listing, supplier_org

pytestmark = pytest.mark.django_db


def _data(**over):
    d = {"category": cat("A02010105"), "brand": "联想", "model": "启天M450", "title": "联想 启天M450 台式计算机", "price": "4999", "specs": DESKTOP_SPECS}
    d.update(over)
    return d


def test_a_listing_starts_as_a_draft_with_its_first_price_in_the_history(supplier):
    listing = services.listing_create(supplier=supplier, subsite=weihai(), data=_data())
    assert listing.status == "draft"
    assert listing.price == Decimal("4999.00")
    assert list(PriceChange.objects.filter(listing=listing).values_list("old_price", "new_price", "note")) == [(None, Decimal("4999.00"), "首次定价")]
    assert AuditEntry.objects.filter(object_type="products.listing", object_id=str(listing.pk), action="create").count() == 1
    assert not SearchDoc.objects.filter(listing=listing).exists()


def test_a_category_outside_the_published_mall_catalog_is_refused(supplier):
    with pytest.raises(BusinessError) as exc:
        services.listing_create(supplier=supplier, subsite=weihai(), data=_data(category=cat("A02010104")))  # 服务器: not in the mall
    assert exc.value.field == "category"
    assert "不在本分站已发布的商城品目目录中" in exc.value.message
    assert Listing.objects.count() == 0


def test_a_category_outside_the_suppliers_approved_scope_is_refused(mall):
    narrow = supplier_org(name="威海只卖纸有限公司", scopes=("A05040101",))
    with pytest.raises(BusinessError) as exc:
        services.listing_create(supplier=narrow, subsite=weihai(), data=_data())
    assert "不在贵单位获批的经营范围内" in exc.value.message
    assert Listing.objects.count() == 0


def test_a_scope_on_a_parent_category_covers_its_children(supplier):
    assert services.category_covered(supplier, cat("A02010105"))  # scope A02010100 计算机
    allowed = [c.code for c in services.allowed_categories(supplier=supplier, subsite=weihai())]
    assert "A02010105" in allowed and "A02010108" in allowed
    assert "A02010104" not in allowed  # not in the mall catalog


def test_without_a_published_mall_catalog_nothing_is_listable(db):
    org = supplier_org(name="威海无目录有限公司", scopes=())
    assert services.allowed_categories(supplier=org, subsite=weihai()) == []


def test_duplicate_brand_and_model_is_refused(supplier):
    services.listing_create(supplier=supplier, subsite=weihai(), data=_data())
    with pytest.raises(BusinessError) as exc:
        services.listing_create(supplier=supplier, subsite=weihai(), data=_data(model="启天m450", title="联想 启天M450 另一个"))
    assert "不能重复上架" in exc.value.message
    assert Listing.objects.count() == 1


@pytest.mark.parametrize(
    "over, field, text",
    [
        ({"title": "联想 启天M450 政府专供版"}, "title", "专供"),
        ({"title": "联想"}, "title", "至少 4 个字"),
        ({"price": "0"}, "price", "价格应大于 0"),
        ({"price": "abc"}, "price", "价格应为金额"),
        ({"price": "100000000"}, "price", "不能超过"),
        ({"brand": "<script>"}, "brand", "品牌只能包含"),
        ({"model": "  "}, "model", "请填写型号"),
        ({"specs": {**DESKTOP_SPECS, "memory": "3GB"}}, "spec_memory", "只能选择"),
        ({"specs": {**DESKTOP_SPECS, "screen": "大"}}, "spec_screen", "应为数字"),
    ],
)
def test_bad_listing_input_is_refused_with_the_field_named(supplier, over, field, text):
    with pytest.raises(BusinessError) as exc:
        services.listing_create(supplier=supplier, subsite=weihai(), data=_data(**over))
    assert exc.value.field == field
    assert text in exc.value.message
    assert Listing.objects.count() == 0
    assert not Brand.objects.filter(name="<script>").exists()


def test_submit_needs_a_reference_price_and_the_required_specs(supplier):
    listing = services.listing_create(supplier=supplier, subsite=weihai(), data=_data(specs={"cpu": "i5"}))
    problems = [p.message for p in services.readiness_problems(listing)]
    assert "请填写规格参数「内存」" in problems
    assert "至少录入一个市场参考价（来源、链接、价格和采集日期）" in problems
    with pytest.raises(BusinessError):
        services.listing_submit(listing=listing)
    listing.refresh_from_db()
    assert listing.status == "draft"


def test_a_mandatory_energy_saving_product_cannot_be_submitted_without_a_valid_certificate(supplier):
    listing = make_listing(supplier, status="draft", energy=False)
    with pytest.raises(BusinessError) as exc:
        services.listing_submit(listing=listing)
    assert exc.value.message == "「台式计算机」属于政府强制采购的节能产品（财库〔2019〕9号，清单第 1 项），须录入有效期内的节能产品认证证书"
    listing.refresh_from_db()
    assert listing.status == "draft"
    services.certificate_add(listing=listing, kind=CertificateKind.ENERGY, number="CQC23701000001", issuer="CQC", expires_on=timezone.localdate() + dt.timedelta(days=30))
    services.listing_submit(listing=listing)
    listing.refresh_from_db()
    assert listing.status == "pending_review"


def test_an_expired_certificate_cannot_be_entered(supplier):
    listing = make_listing(supplier, status="draft", energy=False)
    with pytest.raises(BusinessError) as exc:
        services.certificate_add(listing=listing, kind=CertificateKind.ENERGY, number="CQC23701000002", issuer="", expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert "过期" in exc.value.message
    assert listing.certificates.count() == 0


def test_an_inkjet_printer_needs_no_certificate_but_a_laser_printer_does(supplier):
    base = {"paper_size": "A4", "color": "彩色", "speed": "20"}
    inkjet = make_listing(supplier, code="A02021004", brand="爱普生", title="爱普生 L4268 墨仓式彩色打印机", specs={**base, "print_tech": "喷墨"}, energy=False, status="pending_review")
    assert inkjet.status == "pending_review"
    laser = make_listing(supplier, code="A02021004", brand="惠普", title="惠普 M255dw 彩色激光打印机", specs={**base, "print_tech": "激光"}, energy=False, status="draft")
    rule = services.mandatory_rule(laser)
    assert (rule.seq, rule.product) == (4, "激光打印机")
    with pytest.raises(BusinessError):
        services.listing_submit(listing=laser)


def test_approval_lists_the_product_and_indexes_it(supplier):
    listing = make_listing(supplier, status="pending_review")
    services.listing_approve(listing=listing, note="资料齐全")
    listing.refresh_from_db()
    assert listing.status == "listed"
    assert listing.listed_at is not None
    assert SearchDoc.objects.filter(listing=listing).exists()
    assert backend().row_count() == 1


def test_rejection_needs_a_reason_and_keeps_it(supplier):
    listing = make_listing(supplier, status="pending_review")
    with pytest.raises(BusinessError) as exc:
        services.listing_reject(listing=listing, reason=" 不行 ")
    assert exc.value.field == "reason"
    listing.refresh_from_db()
    assert listing.status == "pending_review"
    services.listing_reject(listing=listing, reason="参考价链接无法打开，请更新")
    listing.refresh_from_db()
    assert (listing.status, listing.review_note) == ("rejected", "参考价链接无法打开，请更新")
    entry = AuditEntry.objects.filter(object_type="products.listing", object_id=str(listing.pk), action="transition").order_by("-id").first()
    assert entry.changes == {"status": ["pending_review", "rejected"], "reviewed_at": [None, entry.changes["reviewed_at"][1]], "review_note": [None, "参考价链接无法打开，请更新"]}
    assert entry.message == "驳回：参考价链接无法打开，请更新"


def test_a_price_rise_above_the_threshold_sends_a_listed_product_back_to_review(supplier):
    listing = make_listing(supplier, price="1000.00", ref_price="2000.00")
    services.listing_update(listing=listing, data={"price": "1100.00"})  # +10 %: not above 10 %
    listing.refresh_from_db()
    assert listing.status == "listed"
    services.listing_update(listing=listing, data={"price": "1210.01"})  # +10.0009 %
    listing.refresh_from_db()
    assert listing.status == "pending_review"
    assert not SearchDoc.objects.filter(listing=listing).exists()
    history = list(PriceChange.objects.filter(listing=listing).order_by("changed_at", "id").values_list("old_price", "new_price", "note"))
    assert history == [
        (None, Decimal("1000.00"), "首次定价"),
        (Decimal("1000.00"), Decimal("1100.00"), "涨价 10.0%"),
        (Decimal("1100.00"), Decimal("1210.01"), "涨价 10.0%"),
    ]
    entry = AuditEntry.objects.filter(object_id=str(listing.pk), action="transition").order_by("-id").first()
    assert entry.message == "修改后重新审核：涨价 10.0%，超过 10%"


def test_the_threshold_is_the_sub_sites_setting(supplier):
    services.rules_update(subsite=weihai(), price_rise_review_percent="3", reference_stale_days=90)
    listing = make_listing(supplier, price="1000.00", ref_price="2000.00")
    services.listing_update(listing=listing, data={"price": "1040.00"})
    listing.refresh_from_db()
    assert listing.status == "pending_review"


def test_a_price_cut_applies_at_once(supplier):
    listing = make_listing(supplier, price="1000.00")
    services.listing_update(listing=listing, data={"price": "899.00"})
    listing.refresh_from_db()
    assert (listing.status, listing.price) == ("listed", Decimal("899.00"))
    assert SearchDoc.objects.get(listing=listing).price == Decimal("899.00")


def test_a_key_attribute_change_sends_it_back_but_a_minor_one_does_not(supplier):
    listing = make_listing(supplier)
    services.listing_update(listing=listing, data={"specs": {**DESKTOP_SPECS, "screen": "27"}, "stock": 99})  # screen is not key
    listing.refresh_from_db()
    assert listing.status == "listed"
    services.listing_update(listing=listing, data={"specs": {**DESKTOP_SPECS, "screen": "27", "memory": "8GB"}})
    listing.refresh_from_db()
    assert listing.status == "pending_review"
    entry = AuditEntry.objects.filter(object_id=str(listing.pk), action="transition").order_by("-id").first()
    assert entry.message == "修改后重新审核：关键参数（内存）"


def test_a_brand_or_model_change_sends_it_back(supplier):
    listing = make_listing(supplier)
    services.listing_update(listing=listing, data={"model": "启天M460"})
    listing.refresh_from_db()
    assert listing.status == "pending_review"


def test_a_new_certificate_on_a_listed_product_is_reviewed(supplier):
    listing = make_listing(supplier)
    services.certificate_add(listing=listing, kind=CertificateKind.ENVIRONMENTAL, number="CEC2024ELP9999", issuer="", expires_on=timezone.localdate() + dt.timedelta(days=10))
    listing.refresh_from_db()
    assert listing.status == "pending_review"


def test_a_pending_listing_cannot_be_edited(supplier):
    listing = make_listing(supplier, status="pending_review")
    with pytest.raises(BusinessError) as exc:
        services.listing_update(listing=listing, data={"price": "1"})
    assert "请先撤回审核" in exc.value.message
    listing.refresh_from_db()
    assert listing.price == Decimal("4999.00")


def test_the_last_energy_certificate_of_a_listed_mandatory_product_cannot_be_removed(supplier):
    listing = make_listing(supplier)
    with pytest.raises(BusinessError):
        services.certificate_remove(certificate=listing.certificates.get())
    assert listing.certificates.count() == 1


def test_the_last_reference_of_a_listed_product_cannot_be_removed(supplier):
    listing = make_listing(supplier)
    with pytest.raises(BusinessError):
        services.reference_remove(reference=listing.references.get())
    assert listing.references.count() == 1


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "ftp://x.cn/a"}, "url"),
        ({"source": ""}, "source"),
        ({"price": "-3"}, "ref_price"),
    ],
)
def test_bad_reference_prices_are_refused(supplier, kw, field):
    listing = make_listing(supplier, status="draft")
    args = {"source": "京东自营", "url": "https://item.jd.com/1.html", "price": "100", "observed_on": timezone.localdate(), **kw}
    with pytest.raises(BusinessError) as exc:
        services.reference_add(listing=listing, **args)
    assert exc.value.field == field
    assert listing.references.count() == 1


def test_a_reference_dated_in_the_future_is_refused(supplier):
    listing = make_listing(supplier, status="draft")
    with pytest.raises(BusinessError):
        services.reference_add(listing=listing, source="京东", url="https://item.jd.com/2.html", price="1", observed_on=timezone.localdate() + dt.timedelta(days=1))


def test_rules_are_checked(db):
    with pytest.raises(BusinessError):
        services.rules_update(subsite=weihai(), price_rise_review_percent="150", reference_stale_days=90)
    with pytest.raises(BusinessError):
        services.rules_update(subsite=weihai(), price_rise_review_percent="5", reference_stale_days=2)
    rules = services.rules_update(subsite=weihai(), price_rise_review_percent="5", reference_stale_days=30)
    assert (rules.price_rise_review_percent, rules.reference_stale_days) == (Decimal("5"), 30)


def test_the_mall_item_name_is_indexed(supplier):
    MallItem.objects.filter(category__code="A02010105").update(local_name="台式电脑整机")
    listing = make_listing(supplier)
    from govmall.products.search import facts_for

    assert facts_for([listing.pk])[0].mall_name == "台式电脑整机"


def test_recording_a_sale_reranks_once_the_sale_commits(supplier, django_capture_on_commit_callbacks):
    listing = make_listing(supplier)
    before = SearchDoc.objects.get(listing=listing).static_rank
    Listing.objects.filter(pk=listing.pk).update(sales_count=500)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_record_sale(listing_id=listing.pk, quantity=1)
        assert SearchDoc.objects.get(listing=listing).sales_count == 0  # not before the commit
    doc = SearchDoc.objects.get(listing=listing)
    assert doc.sales_count == 501
    assert doc.static_rank > before
