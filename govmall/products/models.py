"""Supplier listings (商品), their spec templates, review, prices and price references, and
the search index's vendor-independent table.

Statuses change only through `audit.states.transition` with `LISTING_MACHINE` (states.py).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from govmall.suppliers.models import SME_SIZES, EnterpriseSize, SupplierProfile, SupplierScope  # noqa: F401  (moved to suppliers)


class ListingStatus(models.TextChoices):
    DRAFT = "draft", "草稿"  # being written by the supplier; not visible to anyone else
    PENDING = "pending_review", "待审核"  # in the procurement centre's review queue
    LISTED = "listed", "已上架"  # approved; in the storefront
    REJECTED = "rejected", "已驳回"  # refused with reasons; the supplier edits and resubmits
    DELISTED = "delisted", "已下架"  # taken off by the supplier or the centre; relisting needs review


class CertificateKind(models.TextChoices):
    ENERGY = "energy", "节能产品认证"
    ENVIRONMENTAL = "environmental", "环境标志产品认证"


class Brand(models.Model):
    """A brand (品牌), shared by all suppliers. Its names feed the search user dictionary."""

    name = models.CharField("品牌", max_length=60, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "品牌"
        verbose_name_plural = "品牌"

    def __str__(self):
        return self.name


class SpecTemplate(models.Model):
    """The specification attributes a category's listings carry (规格参数模板), e.g. desktop
    computer: processor, memory, storage, screen size, OS. Applies to the category and every
    category below it that has no template of its own.

    `attributes` is a list of {"code", "label", "kind": text|number|choice, "unit",
    "choices": [...], "required": bool, "key": bool}. A change to a `key` attribute of a listed
    product sends it back to review."""

    category = models.OneToOneField("catalog.Category", models.PROTECT, related_name="spec_template", verbose_name="品目")
    name = models.CharField("模板名称", max_length=60)
    attributes = models.JSONField("参数", default=list)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["category__code"]
        verbose_name = "规格参数模板"
        verbose_name_plural = "规格参数模板"

    def __str__(self):
        return self.name


class ProductRules(models.Model):
    """A sub-site's listing and price rules, set by the procurement centre [default values:
    DOMAIN.md §4 practice; settings PRODUCTS_* give the defaults for a new sub-site]."""

    subsite = models.OneToOneField("subsites.Subsite", models.CASCADE, related_name="product_rules", verbose_name="分站")
    price_rise_review_percent = models.DecimalField(
        "涨价重新审核阈值（%）", max_digits=5, decimal_places=2, help_text="已上架商品涨价超过此比例时退回审核"
    )
    reference_stale_days = models.PositiveIntegerField("参考价有效天数", help_text="采集日期早于此天数的参考价视为过期")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "商品规则"
        verbose_name_plural = "商品规则"

    def __str__(self):
        return f"{self.subsite} 商品规则"

    def audit_scope(self):
        return None, self.subsite.region.path


class Listing(models.Model):
    """A supplier's product listing (商品) on one sub-site."""

    subsite = models.ForeignKey("subsites.Subsite", models.PROTECT, related_name="listings", verbose_name="分站")
    supplier = models.ForeignKey("accounts.Organization", models.PROTECT, related_name="listings", verbose_name="供应商")
    category = models.ForeignKey("catalog.Category", models.PROTECT, related_name="listings", verbose_name="品目")
    brand = models.ForeignKey(Brand, models.PROTECT, related_name="listings", verbose_name="品牌")
    model = models.CharField("型号", max_length=100)
    title = models.CharField("商品名称", max_length=120)
    specs = models.JSONField("规格参数", default=dict, blank=True)
    description = models.TextField("商品说明", blank=True, max_length=4000)
    price = models.DecimalField("价格（元）", max_digits=14, decimal_places=2)
    stock = models.PositiveIntegerField("库存", default=0)
    delivery_days = models.PositiveSmallIntegerField("供货期（天）", default=3)
    delivery_regions = models.ManyToManyField("regions.Region", related_name="+", verbose_name="供货区域", blank=True)
    warranty_months = models.PositiveSmallIntegerField("质保期（月）", default=12)
    warranty_terms = models.CharField("售后服务", max_length=200, blank=True)
    status = models.CharField("状态", max_length=16, choices=ListingStatus.choices, default=ListingStatus.DRAFT, db_index=True)
    review_note = models.TextField("审核意见", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    listed_at = models.DateTimeField("上架时间", null=True, blank=True)
    # Price monitoring (价格监测), recomputed by services.listing_check_prices.
    lowest_reference = models.DecimalField("最低现行参考价", max_digits=14, decimal_places=2, null=True, blank=True)
    overpriced = models.BooleanField("高于参考价", default=False, db_index=True)
    references_stale = models.BooleanField("参考价过期", default=False, db_index=True)
    sales_count = models.PositiveIntegerField("销量", default=0)
    # Withdrawn from the storefront because of the supplier (资质过期、暂停、清退、退出): the reason,
    # set and cleared by services.listings_sync_supplier_hold; "" = no hold.
    supplier_hold = models.CharField("供应商原因暂停展示", max_length=300, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["subsite", "supplier", "brand", "model"], name="uniq_listing_model_per_supplier"),
        ]
        indexes = [models.Index(fields=["subsite", "status", "supplier"])]
        verbose_name = "商品"
        verbose_name_plural = "商品"

    def __str__(self):
        return self.title

    def audit_scope(self):
        return self.supplier_id, self.supplier.region.path

    @property
    def is_listed(self) -> bool:
        return self.status == ListingStatus.LISTED

    @property
    def is_public(self) -> bool:
        return self.status == ListingStatus.LISTED and not self.supplier_hold


class PublicListingManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(status=ListingStatus.LISTED, supplier_hold="")


class PublicListing(Listing):
    """The storefront's view of listings: anyone may see a listed product not held back for
    its supplier (scoping rule `public`, default manager limited to those); every storefront
    query starts here."""

    objects = PublicListingManager()

    class Meta:
        proxy = True
        verbose_name = "在售商品"
        verbose_name_plural = "在售商品"


class ReferencePrice(models.Model):
    """A market reference price (市场参考价): where the same product sells, for how much, when
    it was seen [DOMAIN.md §4: keep the reference URL, price and date for every reference]."""

    listing = models.ForeignKey(Listing, models.CASCADE, related_name="references", verbose_name="商品")
    source = models.CharField("来源", max_length=60, help_text="如 京东自营、天猫官方旗舰店、厂商官网")
    url = models.URLField("链接", max_length=500)
    price = models.DecimalField("参考价（元）", max_digits=14, decimal_places=2)
    observed_on = models.DateField("采集日期")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        ordering = ["price", "-observed_on"]
        verbose_name = "市场参考价"
        verbose_name_plural = "市场参考价"

    def __str__(self):
        return f"{self.source} {self.price}"

    def audit_scope(self):
        return self.listing.audit_scope()

    def is_current(self, stale_days: int, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.observed_on >= today - dt.timedelta(days=stale_days)


class Certificate(models.Model):
    """An energy-saving or environmental-label certificate (节能/环境标志产品认证证书)."""

    listing = models.ForeignKey(Listing, models.CASCADE, related_name="certificates", verbose_name="商品")
    kind = models.CharField("证书类型", max_length=16, choices=CertificateKind.choices)
    number = models.CharField("证书编号", max_length=60)
    issuer = models.CharField("认证机构", max_length=100, blank=True)
    expires_on = models.DateField("有效期至")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        ordering = ["kind", "expires_on"]
        verbose_name = "认证证书"
        verbose_name_plural = "认证证书"

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def audit_scope(self):
        return self.listing.audit_scope()

    def is_valid(self, today: dt.date | None = None) -> bool:
        return self.expires_on >= (today or timezone.localdate())


def _image_path(instance, filename):
    return f"products/{instance.listing_id}/{filename}"


class ListingImage(models.Model):
    """A product picture, checked by content (JPEG/PNG/WebP), re-encoded without metadata and
    stored under MEDIA_ROOT; served only through the view that checks visibility."""

    listing = models.ForeignKey(Listing, models.CASCADE, related_name="images", verbose_name="商品")
    file = models.FileField("图片", upload_to=_image_path, max_length=200)
    thumb = models.FileField("缩略图", upload_to=_image_path, max_length=200)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "商品图片"
        verbose_name_plural = "商品图片"

    def __str__(self):
        return f"图片 {self.pk}"

    def audit_scope(self):
        return self.listing.audit_scope()


class PriceChange(models.Model):
    """Every price a listing ever had (价格变动记录), the first one included."""

    listing = models.ForeignKey(Listing, models.CASCADE, related_name="price_changes", verbose_name="商品")
    old_price = models.DecimalField("原价", max_digits=14, decimal_places=2, null=True, blank=True)
    new_price = models.DecimalField("新价", max_digits=14, decimal_places=2)
    changed_at = models.DateTimeField("时间", default=timezone.now)
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = "价格变动"
        verbose_name_plural = "价格变动"

    def __str__(self):
        return f"{self.old_price} → {self.new_price}"

    def audit_scope(self):
        return self.listing.audit_scope()

    @property
    def change_percent(self):
        if not self.old_price:
            return None
        return (self.new_price - self.old_price) / self.old_price * 100


class SearchDoc(models.Model):
    """The search index's plain table: one row per listed product, with the columns results
    are filtered and ordered on. The text index itself is back-end specific (search/sqlite.py:
    an FTS5 table keyed by `doc_key`; search/postgres.py: a `tsv` column with GIN indexes)."""

    listing = models.OneToOneField(Listing, models.CASCADE, primary_key=True, related_name="search_doc")
    subsite_id = models.BigIntegerField()
    doc_key = models.BigIntegerField(unique=True)  # ascending = best static rank first
    static_rank = models.PositiveIntegerField(default=0)  # 0..9999
    tier = models.PositiveSmallIntegerField(default=3)
    price = models.DecimalField(max_digits=14, decimal_places=2)
    sales_count = models.PositiveIntegerField(default=0)
    overpriced = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["subsite_id", "price"]),
            models.Index(fields=["subsite_id", "sales_count"]),
            # Covers the SQLite back-end's join from an FTS rowid to the exact price.
            models.Index(fields=["doc_key", "price"], name="products_searchdoc_key_price"),
        ]
        verbose_name = "搜索索引"
        verbose_name_plural = "搜索索引"
