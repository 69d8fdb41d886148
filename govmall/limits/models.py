"""Limit standards (限额标准), the year's cap usage and reservations.

A `LimitStandard` is one version of a finance bureau's standard for its region (the city, or
a district that sets its own), with one `LimitRule` per purchaser level. Published versions
are frozen; the one in force on a day is the latest published whose effective date has come;
a district without its own uses the city's. `CapUsage` counts, per purchaser, budget year,
level-2 category (二级品目) and procurement form, what contracts used and what purchases in
progress reserve. A `Reservation` holds money on a plan and a cap until released or consumed.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from govmall.catalog.models import Category
from govmall.plans.models import Plan, ProcurementForm
from govmall.purchasers.models import Purchaser, PurchaserLevel
from govmall.regions.models import Region

MONEY = {"max_digits": 14, "decimal_places": 2}


class StandardStatus(models.TextChoices):
    DRAFT = "draft", "草稿"  # being edited by the finance bureau, not in force
    PUBLISHED = "published", "已发布"  # frozen; in force from effective_from until a later one


class SplitAction(models.TextChoices):
    FLAG = "flag", "提示并记录"
    BLOCK = "block", "禁止下单"


class PurchaseMode(models.TextChoices):
    DIRECT = "direct", "直购"
    BIDDING = "bidding", "网上竞价"


class LimitStandard(models.Model):
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="制定区划")
    version = models.PositiveIntegerField("版本")
    title = models.CharField("标题", max_length=100)
    notice_no = models.CharField("文号", max_length=64, blank=True)
    notice_body = models.TextField("公告正文", blank=True)
    effective_from = models.DateField("生效日期")
    status = models.CharField("状态", max_length=16, choices=StandardStatus.choices, default=StandardStatus.DRAFT, db_index=True)
    split_window_days = models.PositiveSmallIntegerField("化整为零检测窗口（天）", default=30)
    split_action = models.CharField("化整为零处理", max_length=8, choices=SplitAction.choices, default=SplitAction.FLAG)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        ordering = ["region__code", "-version"]
        constraints = [models.UniqueConstraint(fields=["region", "version"], name="uniq_limit_standard_version")]
        verbose_name = "限额标准"
        verbose_name_plural = "限额标准"

    def __str__(self):
        return f"{self.region.name}{self.title} 第 {self.version} 版"

    def audit_scope(self):
        return None, self.region.path

    def rule_for(self, level: str) -> LimitRule | None:
        rules = getattr(self, "_rules", None)
        if rules is None:
            rules = {r.level: r for r in self.rules.all()}
            self._rules = rules
        return rules.get(level)


class LimitRule(models.Model):
    """The figures for purchasers of one level (市级 / 区县级 / 乡镇级)."""

    standard = models.ForeignKey(LimitStandard, models.CASCADE, related_name="rules")
    level = models.CharField("采购人级次", max_length=16, choices=PurchaserLevel.choices)
    tender_threshold = models.DecimalField("公开招标数额标准", **MONEY, help_text="单笔达到或超过此金额须公开招标，商城不受理")
    mall_limit = models.DecimalField("商城单笔上限", **MONEY, help_text="单笔超过此金额不能在商城采购")
    direct_max = models.DecimalField("直购单笔上限", **MONEY, help_text="不超过此金额可直购")
    bidding_min = models.DecimalField("竞价起点", **MONEY, help_text="超过此金额可网上竞价")
    cap_centralized = models.DecimalField("年度限额（集中采购）", **MONEY)
    cap_department = models.DecimalField("年度限额（部门集中采购）", **MONEY)
    cap_decentralized = models.DecimalField("年度限额（分散采购）", **MONEY)

    class Meta:
        ordering = ["standard", "level"]
        constraints = [models.UniqueConstraint(fields=["standard", "level"], name="uniq_limit_rule_level")]
        verbose_name = "限额规则"
        verbose_name_plural = "限额规则"

    def __str__(self):
        return f"{self.standard} {self.get_level_display()}"

    def cap_for(self, form: str):
        return {
            ProcurementForm.CENTRALIZED: self.cap_centralized,
            ProcurementForm.DEPARTMENT: self.cap_department,
            ProcurementForm.DECENTRALIZED: self.cap_decentralized,
        }[form]


class LimitNotice(models.Model):
    """The public notice of a published standard (公告), listed on the public notices page."""

    standard = models.OneToOneField(LimitStandard, models.PROTECT, related_name="notice")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="区划")
    notice_no = models.CharField("文号", max_length=64, blank=True)
    title = models.CharField("标题", max_length=150)
    body = models.TextField("正文")
    effective_from = models.DateField("生效日期")
    published_at = models.DateTimeField("发布时间")

    class Meta:
        ordering = ["-published_at"]
        verbose_name = "限额标准公告"
        verbose_name_plural = "限额标准公告"

    def __str__(self):
        return self.title

    def audit_scope(self):
        return None, self.region.path


class CapUsage(models.Model):
    """The year's use of one annual cap: purchaser × year × level-2 category × form."""

    purchaser = models.ForeignKey(Purchaser, models.PROTECT, related_name="cap_usages")
    year = models.PositiveSmallIntegerField("年度")
    category = models.ForeignKey(Category, models.PROTECT, related_name="+", verbose_name="二级品目")
    form = models.CharField("采购形式", max_length=16, choices=ProcurementForm.choices)
    used = models.DecimalField("已使用", **MONEY, default=0)
    reserved = models.DecimalField("已预留", **MONEY, default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["purchaser", "-year", "category__code", "form"]
        constraints = [
            models.UniqueConstraint(fields=["purchaser", "year", "category", "form"], name="uniq_cap_usage"),
            models.CheckConstraint(condition=Q(used__gte=0) & Q(reserved__gte=0), name="cap_usage_not_negative"),
        ]
        verbose_name = "年度限额使用"
        verbose_name_plural = "年度限额使用"

    def __str__(self):
        return f"{self.purchaser} {self.year} {self.category.short_code} {self.get_form_display()}"

    def audit_scope(self):
        org = self.purchaser.organization
        return org.pk, org.region.path


class ReservationStatus(models.TextChoices):
    RESERVED = "reserved", "已预留"  # purchase in progress holds the money
    RELEASED = "released", "已释放"  # cancelled; money back on plan and cap
    CONSUMED = "consumed", "已签约"  # contract signed; the contract amount is used


class Reservation(models.Model):
    purchaser = models.ForeignKey(Purchaser, models.PROTECT, related_name="reservations", db_index=False)  # leads the index in Meta
    plan = models.ForeignKey(Plan, models.PROTECT, related_name="reservations")
    usage = models.ForeignKey(CapUsage, models.PROTECT, related_name="reservations")
    category = models.ForeignKey(Category, models.PROTECT, related_name="+", verbose_name="品目")
    cap_category = models.ForeignKey(Category, models.PROTECT, related_name="+", verbose_name="二级品目")
    form = models.CharField("采购形式", max_length=16, choices=ProcurementForm.choices)
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("预留金额", **MONEY)
    consumed_amount = models.DecimalField("签约金额", **MONEY, null=True, blank=True)
    mode = models.CharField("采购方式", max_length=16, choices=PurchaseMode.choices)
    status = models.CharField("状态", max_length=16, choices=ReservationStatus.choices, default=ReservationStatus.RESERVED, db_index=True)
    reference = models.CharField("业务单号", max_length=64, blank=True)
    standard = models.ForeignKey(LimitStandard, models.PROTECT, null=True, blank=True, related_name="+")
    split_flag = models.BooleanField("疑似化整为零", default=False)
    warnings = models.JSONField("提示", default=list, blank=True)
    release_reason = models.CharField("释放原因", max_length=200, blank=True)
    created_at = models.DateTimeField("预留时间", db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    finished_at = models.DateTimeField("释放/签约时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="reservation_amount_positive"),
            models.UniqueConstraint(fields=["reference"], condition=~Q(reference=""), name="uniq_reservation_reference"),
        ]
        indexes = [
            models.Index(fields=["purchaser", "cap_category", "created_at"]),
            models.Index(fields=["-created_at"], condition=Q(split_flag=True), name="reservation_split_flagged"),
        ]
        verbose_name = "额度预留"
        verbose_name_plural = "额度预留"

    def __str__(self):
        return f"预留 #{self.pk} {self.amount}"

    def audit_scope(self):
        org = self.purchaser.organization
        return org.pk, org.region.path


class WindowDay(models.Model):
    """What split detection (化整为零) adds up over its window, kept per purchaser, level-2
    category and day (the reservation's local date): the live reservations' window values
    (the reserved amount, or the contract amount once signed; nothing once released), all
    and by direct purchase, in cents (whole numbers add exactly on every database). Moved by
    the same transactions that move the reservations (services), so that a window is the sum
    of at most its days' rows, not of every reservation in it."""

    purchaser = models.ForeignKey(Purchaser, models.PROTECT, related_name="+")
    cap_category = models.ForeignKey(Category, models.PROTECT, related_name="+", verbose_name="二级品目")
    day = models.DateField("日期")
    total_cents = models.BigIntegerField("合计（分）", default=0)
    direct_cents = models.BigIntegerField("其中直购（分）", default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["purchaser", "cap_category", "day"], name="uniq_window_day")]
        verbose_name = "化整为零窗口日汇总"
        verbose_name_plural = "化整为零窗口日汇总"


class CapTransfer(models.Model):
    """Cap usage moved by a restructure (split by share, merge summed)."""

    restructure_number = models.CharField("改革编号", max_length=64)
    from_usage = models.ForeignKey(CapUsage, models.PROTECT, related_name="+")
    to_usage = models.ForeignKey(CapUsage, models.PROTECT, related_name="+")
    amount = models.DecimalField("划转金额", **MONEY)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "限额划转"
        verbose_name_plural = "限额划转"

    def audit_scope(self):
        org = self.to_usage.purchaser.organization
        return org.pk, org.region.path
