"""Purchaser master data (采购人) and restructuring lineage (机构改革：分立、合并、更名).

A purchaser is an accounts.Organization of kind "purchaser" (name, USCC, region, code and
the people who sign in for it) plus the master data kept here. Restructuring never overwrites
a purchaser: successors are new purchasers, predecessors become inactive from the effective
date, and `RestructureLink` rows record who became whom with which share.
"""

from __future__ import annotations

from django.db import models

from govmall.accounts.models import Organization
from govmall.regions.models import Region


class PurchaserLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "区县级"
    TOWN = "town", "乡镇级"


class PurchaserKind(models.TextChoices):
    GOVERNMENT = "government", "行政机关"
    INSTITUTION = "institution", "事业单位"
    ORGANIZATION = "organization", "社会团体"
    OTHER = "other", "其他"


class PurchaserStatus(models.TextChoices):
    ACTIVE = "active", "有效"  # may buy, may receive plans
    INACTIVE = "inactive", "停用"  # closed by the finance bureau or by a restructure


class Purchaser(models.Model):
    """A budget unit that buys (采购人): the purchaser-specific master data of an Organization."""

    organization = models.OneToOneField(Organization, models.PROTECT, related_name="purchaser", verbose_name="机构")
    level = models.CharField("级次", max_length=16, choices=PurchaserLevel.choices)
    kind = models.CharField("单位类型", max_length=16, choices=PurchaserKind.choices, default=PurchaserKind.GOVERNMENT)
    status = models.CharField("状态", max_length=16, choices=PurchaserStatus.choices, default=PurchaserStatus.ACTIVE, db_index=True)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级预算单位")
    # The county-level region whose finance bureau manages the unit (towns and their units
    # belong to their district, notice 任务五); the city for city-level units.
    district = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="主管区划")
    contact_email = models.EmailField("联系邮箱", blank=True)
    effective_from = models.DateField("生效日期", null=True, blank=True)
    effective_to = models.DateField("停用日期", null=True, blank=True)
    # A renamed unit keeps its USCC: the successor takes it and the predecessor's is kept here.
    retired_uscc = models.CharField("原统一社会信用代码", max_length=18, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["organization__code"]
        verbose_name = "采购人"
        verbose_name_plural = "采购人"

    def __str__(self):
        return f"{self.organization.code} {self.organization.name}"

    @property
    def code(self) -> str:
        return self.organization.code or ""

    @property
    def name(self) -> str:
        return self.organization.name

    @property
    def is_active(self) -> bool:
        return self.status == PurchaserStatus.ACTIVE

    def audit_scope(self):
        return self.organization_id, self.organization.region.path


class BudgetYear(models.Model):
    """An explicit open/closed mark for a budget year (预算年度). Without a row, years before
    the current one are closed and the current and later ones open."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    closed = models.BooleanField("已结转", default=True)
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "预算年度"
        verbose_name_plural = "预算年度"

    def __str__(self):
        return f"{self.year} 年（{'已结转' if self.closed else '开放'}）"


class RestructureType(models.TextChoices):
    SPLIT = "split", "分立"
    MERGE = "merge", "合并"
    RENAME = "rename", "更名"


class RestructureStatus(models.TextChoices):
    SCHEDULED = "scheduled", "待生效"  # registered; applied by the daily job on the effective date
    APPLIED = "applied", "已生效"


class Restructure(models.Model):
    """One institutional-reform decision (机构改革) moving units to their successors."""

    number = models.CharField("文号/编号", max_length=64, unique=True)
    type = models.CharField("类型", max_length=16, choices=RestructureType.choices)
    effective_date = models.DateField("生效日期")
    status = models.CharField("状态", max_length=16, choices=RestructureStatus.choices, default=RestructureStatus.SCHEDULED)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name="主管区划")
    note = models.CharField("依据与说明", max_length=300, blank=True)
    # [{plan_no, to_code}]: plans given whole to one successor of a split (INTERFACE §4).
    plan_transfers = models.JSONField("计划划转", default=list, blank=True)
    summary = models.JSONField("执行结果", default=dict, blank=True)
    last_error = models.CharField("最近一次执行失败原因", max_length=500, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    applied_at = models.DateTimeField("执行时间", null=True, blank=True)

    class Meta:
        ordering = ["-effective_date", "-id"]
        verbose_name = "机构改革"
        verbose_name_plural = "机构改革"

    def __str__(self):
        return f"{self.number}（{self.get_type_display()}）"

    def audit_scope(self):
        return None, self.region.path

    def predecessors(self):
        return Purchaser.objects.filter(successor_links__restructure=self).distinct().select_related("organization")

    def successors(self):
        return Purchaser.objects.filter(predecessor_links__restructure=self).distinct().select_related("organization")


class RestructureLink(models.Model):
    """Predecessor → successor with the share of the predecessor the successor takes."""

    restructure = models.ForeignKey(Restructure, models.PROTECT, related_name="links")
    predecessor = models.ForeignKey(Purchaser, models.PROTECT, related_name="successor_links", verbose_name="原单位")
    successor = models.ForeignKey(Purchaser, models.PROTECT, related_name="predecessor_links", verbose_name="新单位")
    share = models.DecimalField("份额", max_digits=5, decimal_places=4)

    class Meta:
        ordering = ["restructure", "id"]
        constraints = [models.UniqueConstraint(fields=["restructure", "predecessor", "successor"], name="uniq_restructure_link")]
        verbose_name = "改革关系"
        verbose_name_plural = "改革关系"

    def __str__(self):
        return f"{self.predecessor} → {self.successor} ({self.share})"
