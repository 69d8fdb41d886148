"""Online bidding (网上竞价 / 反向竞价): a purchaser's requirement, suppliers' sealed quotes,
evaluation with the SME price deduction, and the award (DOMAIN.md §6).

A `Bidding` is published with a quote window of working days; suppliers in the category
quote a total price (one `Quote` per supplier, revisable and withdrawable until the close).
Quotes are sealed until `quote_closes_at`. At the close the valid quotes (≤ the ceiling) are
evaluated: small and micro suppliers' prices are reduced by the sub-site's deduction rate,
the lowest evaluated price wins (ties: earlier final quote). Statuses change only through
`audit.states.transition` with the machines in states.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

MONEY = {"max_digits": 14, "decimal_places": 2}


class BiddingStatus(models.TextChoices):
    DRAFT = "draft", "草稿"  # being written by the purchaser; nobody else sees it
    OPEN = "open", "报价中"  # published; eligible suppliers quote until quote_closes_at
    AWARDED = "awarded", "已成交待确认"  # closed and evaluated; the ranked supplier must confirm
    CONFIRMED = "confirmed", "成交已确认"  # the winner confirmed; a contract follows
    CONTRACTED = "contracted", "已签约"  # the contract was signed (contracts app)
    FAILED = "failed", "竞价失败"  # too few valid quotes, or every ranked supplier declined
    CANCELLED = "cancelled", "已取消"  # cancelled by the purchaser before the close
    TERMINATED = "terminated", "已终止"  # its contract was cancelled before signing or terminated after (contracts app)


class QuoteStatus(models.TextChoices):
    SUBMITTED = "submitted", "已报价"  # sealed; revisable until the close
    WITHDRAWN = "withdrawn", "已撤回"  # withdrawn by the supplier before the close
    VALID = "valid", "有效报价"  # at the close: within the ceiling, ranked
    INVALID = "invalid", "无效报价"  # at the close: above the ceiling (reason in invalid_reason)
    DECLINED = "declined", "放弃成交"  # awarded, declined by the supplier with a reason
    LAPSED = "lapsed", "逾期未确认"  # awarded, not confirmed within the deadline


class LowQuoteMethod(models.TextChoices):
    MEDIAN = "median", "低于有效报价中位数的一定比例"
    QUARTILE = "quartile", "低于四分位下限（Q1 − 1.5 × IQR，OCDS Cardinal）"


class BiddingRules(models.Model):
    """A sub-site's bidding rules, set by the procurement centre (DOMAIN.md §6)."""

    subsite = models.OneToOneField("subsites.Subsite", models.CASCADE, related_name="bidding_rules", verbose_name="分站")
    sme_deduction_rate = models.DecimalField(
        "小微企业价格扣除比例", max_digits=4, decimal_places=3, default=Decimal("0.100"),
        help_text="财库〔2022〕19号：货物和服务项目 10%–20%，按小数保存（0.10 = 10%）",
    )  # fmt: skip
    min_valid_quotes = models.PositiveSmallIntegerField("最少有效报价数", default=3)
    quote_window_working_days = models.PositiveSmallIntegerField("报价期（工作日）", default=2)
    winner_confirm_hours = models.PositiveSmallIntegerField("成交确认时限（小时）", default=72)
    low_quote_method = models.CharField("异常低价判定", max_length=16, choices=LowQuoteMethod.choices, default=LowQuoteMethod.MEDIAN)
    low_quote_ratio = models.DecimalField(
        "异常低价比例", max_digits=4, decimal_places=3, default=Decimal("0.500"),
        help_text="按中位数判定时：报价低于有效报价中位数的此比例即提示（0.50 = 50%）",
    )  # fmt: skip
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "竞价规则"
        verbose_name_plural = "竞价规则"

    def __str__(self):
        return f"{self.subsite} 竞价规则"

    def audit_scope(self):
        return None, self.subsite.region.path


class Bidding(models.Model):
    bidding_no = models.CharField("竞价编号", max_length=32, unique=True)
    subsite = models.ForeignKey("subsites.Subsite", models.PROTECT, related_name="biddings", verbose_name="分站")
    purchaser = models.ForeignKey("purchasers.Purchaser", models.PROTECT, related_name="biddings", verbose_name="采购人")
    plan = models.ForeignKey("plans.Plan", models.PROTECT, related_name="biddings", verbose_name="采购计划")
    category = models.ForeignKey("catalog.Category", models.PROTECT, related_name="+", verbose_name="品目")
    title = models.CharField("项目名称", max_length=120)
    specs = models.TextField("技术要求", blank=True)
    spec_items = models.JSONField("技术参数", default=list, blank=True)  # [{"key": ..., "value": ...}]
    quantity = models.PositiveIntegerField("数量")
    unit = models.CharField("单位", max_length=10, default="台")
    ceiling_price = models.DecimalField("最高限价（总价）", **MONEY)
    delivery_terms = models.TextField("交付要求", blank=True)
    delivery_place = models.CharField("交付地点", max_length=200, blank=True)
    delivery_days = models.PositiveSmallIntegerField("交付期限（日历天）", default=15)
    eligibility_note = models.TextField("供应商资格要求", blank=True)
    quote_opens_at = models.DateTimeField("报价开始时间", null=True, blank=True)
    quote_closes_at = models.DateTimeField("报价截止时间", null=True, blank=True, db_index=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    closed_at = models.DateTimeField("截止处理时间", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=BiddingStatus.choices, default=BiddingStatus.DRAFT, db_index=True)
    reservation = models.ForeignKey("limits.Reservation", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="额度预留")
    # Rules in force when published (suppliers quote knowing them).
    sme_deduction_rate = models.DecimalField("小微企业价格扣除比例", max_digits=4, decimal_places=3, null=True, blank=True)
    min_valid_quotes = models.PositiveSmallIntegerField("最少有效报价数", null=True, blank=True)
    awarded_quote = models.ForeignKey("Quote", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="成交报价")
    award_deadline = models.DateTimeField("成交确认截止", null=True, blank=True, db_index=True)
    award_confirmed_at = models.DateTimeField("成交确认时间", null=True, blank=True)
    rebid_of = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="rebids", verbose_name="重新竞价自")
    failure_reason = models.CharField("失败原因", max_length=300, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ceiling_price__gt=0) & Q(quantity__gt=0), name="bidding_amounts_positive")]
        indexes = [models.Index(fields=["status", "quote_closes_at"]), models.Index(fields=["status", "award_deadline"])]
        verbose_name = "网上竞价"
        verbose_name_plural = "网上竞价"

    def __str__(self):
        return f"{self.bidding_no} {self.title}"

    def audit_scope(self):
        org = self.purchaser.organization
        return org.pk, org.region.path


class Quote(models.Model):
    """A supplier's quote (报价) on a bidding: one per supplier, total price for the whole
    quantity. `submitted_at` is the time of the final version (ties go to the earlier one)."""

    bidding = models.ForeignKey(Bidding, models.PROTECT, related_name="quotes", verbose_name="竞价")
    supplier = models.ForeignKey("accounts.Organization", models.PROTECT, related_name="bidding_quotes", verbose_name="供应商")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="报价人")
    price = models.DecimalField("报价（总价）", **MONEY)
    brand_model = models.CharField("品牌型号", max_length=200, blank=True)
    note = models.TextField("响应说明", blank=True)
    status = models.CharField("状态", max_length=16, choices=QuoteStatus.choices, default=QuoteStatus.SUBMITTED, db_index=True)
    revisions = models.PositiveSmallIntegerField("修改次数", default=0)
    # Filled at the close:
    is_small_or_micro = models.BooleanField("小微企业", null=True, blank=True)
    evaluated_price = models.DecimalField("评审价", **MONEY, null=True, blank=True)
    rank = models.PositiveSmallIntegerField("排名", null=True, blank=True)
    invalid_reason = models.CharField("无效原因", max_length=200, blank=True)
    low_flag = models.BooleanField("异常低价", default=False, db_index=True)
    low_flag_note = models.CharField("异常低价说明", max_length=200, blank=True)
    # Award:
    awarded_at = models.DateTimeField("成交通知时间", null=True, blank=True)
    decline_reason = models.CharField("放弃原因", max_length=300, blank=True)
    first_submitted_at = models.DateTimeField("首次报价时间")
    submitted_at = models.DateTimeField("最终报价时间")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["bidding", "rank", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bidding", "supplier"], name="uniq_quote_per_supplier"),
            models.CheckConstraint(condition=Q(price__gt=0), name="quote_price_positive"),
        ]
        verbose_name = "报价"
        verbose_name_plural = "报价"

    def __str__(self):
        return f"{self.bidding.bidding_no} · {self.supplier}"

    def audit_scope(self):
        return self.supplier_id, self.supplier.region.path


class PublishedManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().exclude(status=BiddingStatus.DRAFT)


class PublishedBidding(Bidding):
    """A published requirement (竞价公告): what suppliers and the public may read — never a
    draft. Quotes are not part of it."""

    objects = PublishedManager()

    class Meta:
        proxy = True
        verbose_name = "竞价公告"
        verbose_name_plural = "竞价公告"


class OpenedManager(models.Manager):
    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(bidding__closed_at__isnull=False, status__in=[QuoteStatus.VALID, QuoteStatus.INVALID, QuoteStatus.DECLINED, QuoteStatus.LAPSED])
        )


class ResultQuote(Quote):
    """A quote after the close (开标后): its price, deduction, evaluated price and rank are
    part of the public result notice. Before the close no row is here — that is the seal."""

    objects = OpenedManager()

    class Meta:
        proxy = True
        verbose_name = "竞价结果"
        verbose_name_plural = "竞价结果"
