"""Procurement plans (采购计划 / 采购建议书): the approved budget line every purchase draws on.

`used` is what signed contracts took, `reserved` what purchases in progress hold; the
limits app changes both inside its locked transaction. The database itself refuses a plan
whose used + reserved would exceed its amount (a check constraint), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q, Value

from govmall.catalog.models import Category
from govmall.purchasers.models import Purchaser


class FundSource(models.TextChoices):
    BUDGET = "budget", "财政预算资金"
    SELF = "self", "单位自有资金"
    OTHER = "other", "其他资金"


class ProcurementForm(models.TextChoices):
    CENTRALIZED = "centralized", "集中采购"
    DEPARTMENT = "department", "部门集中采购"
    DECENTRALIZED = "decentralized", "分散采购"


class PlanStatus(models.TextChoices):
    APPROVED = "approved", "已批复"  # as approved by the budget system or finance bureau
    ADJUSTED = "adjusted", "已调整"  # amount changed after approval (never below what is used)
    CANCELLED = "cancelled", "已撤销"  # withdrawn while unused; cannot be drawn on


class PlanSource(models.TextChoices):
    MANUAL = "manual", "财政录入"
    API = "api", "预算系统推送"
    RESTRUCTURE = "restructure", "机构改革分立"


OPEN_STATUSES = (PlanStatus.APPROVED, PlanStatus.ADJUSTED)


class Plan(models.Model):
    plan_no = models.CharField("计划编号", max_length=64, unique=True)
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    purchaser = models.ForeignKey(Purchaser, models.PROTECT, related_name="plans", verbose_name="采购人")
    # The unit the plan was approved for, when a restructure moved it (INTERFACE GET plans).
    original_purchaser = models.ForeignKey(Purchaser, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="原采购人")
    category = models.ForeignKey(Category, models.PROTECT, related_name="+", verbose_name="品目")
    cap_category = models.ForeignKey(Category, models.PROTECT, related_name="+", verbose_name="二级品目")
    description = models.CharField("采购内容", max_length=200, blank=True)
    amount = models.DecimalField("计划金额", max_digits=14, decimal_places=2)
    used = models.DecimalField("已使用", max_digits=14, decimal_places=2, default=0)
    reserved = models.DecimalField("已预留", max_digits=14, decimal_places=2, default=0)
    fund_source = models.CharField("资金来源", max_length=16, choices=FundSource.choices, default=FundSource.BUDGET)
    procurement_form = models.CharField("采购形式", max_length=16, choices=ProcurementForm.choices)
    approved_at = models.DateTimeField("批复时间")
    status = models.CharField("状态", max_length=16, choices=PlanStatus.choices, default=PlanStatus.APPROVED, db_index=True)
    source = models.CharField("来源", max_length=16, choices=PlanSource.choices, default=PlanSource.MANUAL)
    derived_from = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="derived", verbose_name="由此计划分立")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-year", "plan_no"]
        verbose_name = "采购计划"
        verbose_name_plural = "采购计划"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(used__gte=0) & Q(reserved__gte=0), name="plan_amounts_not_negative"),
            # SQLite compares NUMERIC as binary floating point: a thousandth of a yuan of slack
            # keeps 0.1 + 0.2 = 0.3 from tripping it (amounts are cents; PostgreSQL is exact).
            models.CheckConstraint(condition=Q(amount__gte=F("used") + F("reserved") - Value(Decimal("0.001"))), name="plan_never_overdrawn"),
        ]
        indexes = [models.Index(fields=["purchaser", "year"])]

    def __str__(self):
        return f"{self.plan_no} {self.description}".strip()

    @property
    def remaining(self):
        return self.amount - self.used - self.reserved

    @property
    def committed(self):
        return self.used + self.reserved

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def audit_scope(self):
        org = self.purchaser.organization
        return org.pk, org.region.path
