"""Cart and direct-purchase orders (直购): submission with reservation, approval, supplier confirmation, delivery.

A purchaser's cart (`CartItem`, one row per user × listing) is split at checkout into one
`Order` per supplier. Each order copies its lines from the listings at submit time
(`OrderLine` — the price is the listing's, never the form's) and draws its money from one or
more plans (`OrderFunding`), each with its own limits reservation. Contracts, acceptance and
payment live in the contracts app, which moves the order on through the services here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

MONEY = {"max_digits": 14, "decimal_places": 2}


class OrderStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", "待审批"
    AWAITING_SUPPLIER = "awaiting_supplier", "待供应商确认"
    CONFIRMED = "confirmed", "已确认"
    CONTRACTED = "contracted", "已签约"
    DELIVERED = "delivered", "已送达"
    ACCEPTED = "accepted", "已验收"
    COMPLETED = "completed", "已完成(付清)"
    REFUSED = "refused", "供应商已拒绝"
    REJECTED = "rejected", "审批退回"
    LAPSED = "lapsed", "超时失效"
    CANCELLED = "cancelled", "已取消"
    TERMINATED = "terminated", "已终止"


# Orders whose money is still held by a reservation (not yet contracted and not closed).
HOLDING_STATUSES = (OrderStatus.PENDING_APPROVAL, OrderStatus.AWAITING_SUPPLIER, OrderStatus.CONFIRMED)
CLOSED_STATUSES = (
    OrderStatus.COMPLETED,
    OrderStatus.REFUSED,
    OrderStatus.REJECTED,
    OrderStatus.LAPSED,
    OrderStatus.CANCELLED,
    OrderStatus.TERMINATED,
)


class OrderingRules(models.Model):
    """Per-sub-site ordering settings, edited by the procurement centre."""

    subsite = models.OneToOneField("subsites.Subsite", models.CASCADE, related_name="ordering_rules", verbose_name="分站")
    approval_required = models.BooleanField("直购订单须单位内部审批", default=False)
    confirm_working_days = models.PositiveSmallIntegerField(
        "供应商确认时限（工作日）", default=2, validators=[MinValueValidator(1)], help_text="提交（或审批通过）后若干工作日内未确认的订单自动失效"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "直购规则"
        verbose_name_plural = "直购规则"

    def __str__(self):
        return f"{self.subsite} 直购规则"

    def audit_scope(self):
        return None, self.subsite.region.path


class CartItem(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="cart_items", verbose_name="用户")
    listing = models.ForeignKey("products.Listing", models.CASCADE, related_name="+", verbose_name="商品")
    quantity = models.PositiveIntegerField("数量", default=1)
    added_at = models.DateTimeField("加入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "listing"], name="uniq_cart_item"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cart_quantity_positive"),
        ]
        verbose_name = "购物车商品"
        verbose_name_plural = "购物车商品"

    def __str__(self):
        return f"{self.listing_id} × {self.quantity}"

    @property
    def amount(self):
        return self.listing.price * self.quantity

    def audit_scope(self):
        org = self.user.organization
        return (org.pk, org.region.path) if org else (None, "")


class Order(models.Model):
    order_no = models.CharField("订单号", max_length=32, unique=True)
    subsite = models.ForeignKey("subsites.Subsite", models.PROTECT, related_name="orders", verbose_name="分站")
    purchaser = models.ForeignKey("purchasers.Purchaser", models.PROTECT, related_name="orders", verbose_name="采购人")
    supplier = models.ForeignKey("accounts.Organization", models.PROTECT, related_name="supplier_orders", verbose_name="供应商")
    # The organizations that may see the order: the purchaser's, and the supplier's once the
    # order reaches it (scoping uses parties__id as the owning organization).
    parties = models.ManyToManyField("accounts.Organization", related_name="+", blank=True, verbose_name="参与方")
    status = models.CharField("状态", max_length=24, choices=OrderStatus.choices, default=OrderStatus.PENDING_APPROVAL, db_index=True)
    total = models.DecimalField("订单金额", **MONEY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="下单人")
    submit_token = models.CharField("提交令牌", max_length=64, null=True, blank=True, unique=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审批人")
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    approval_note = models.CharField("审批意见", max_length=300, blank=True)
    sent_to_supplier_at = models.DateTimeField("送达供应商时间", null=True, blank=True)
    confirm_deadline = models.DateTimeField("确认截止时间", null=True, blank=True, db_index=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="确认人")
    contracted_at = models.DateTimeField("签约时间", null=True, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    delivery_note = models.CharField("送货说明", max_length=300, blank=True)
    accepted_at = models.DateTimeField("验收时间", null=True, blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    refusal_reason = models.CharField("拒绝理由", max_length=300, blank=True)
    cancel_reason = models.CharField("取消/终止理由", max_length=300, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    delivery_address = models.CharField("收货地址", max_length=200, blank=True)
    contact = models.CharField("联系人及电话", max_length=100, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(total__gt=0), name="order_total_positive")]
        indexes = [models.Index(fields=["supplier", "status"]), models.Index(fields=["purchaser", "status"])]
        verbose_name = "直购订单"
        verbose_name_plural = "直购订单"

    def __str__(self):
        return self.order_no

    def audit_scope(self):
        org = self.purchaser.organization
        return org.pk, org.region.path

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("ordering:order_detail", args=[self.pk])


class OrderLine(models.Model):
    order = models.ForeignKey(Order, models.CASCADE, related_name="lines", verbose_name="订单")
    listing = models.ForeignKey("products.Listing", models.PROTECT, related_name="+", verbose_name="商品")
    category = models.ForeignKey("catalog.Category", models.PROTECT, related_name="+", verbose_name="品目")
    title = models.CharField("商品名称", max_length=120)
    brand = models.CharField("品牌", max_length=60)
    model = models.CharField("型号", max_length=100)
    unit_price = models.DecimalField("单价", **MONEY)
    quantity = models.PositiveIntegerField("数量")
    amount = models.DecimalField("金额", **MONEY)
    warranty_months = models.PositiveSmallIntegerField("质保期（月）")
    delivery_days = models.PositiveSmallIntegerField("供货期（天）")

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0) & Q(unit_price__gt=0), name="order_line_positive")]
        verbose_name = "订单明细"
        verbose_name_plural = "订单明细"

    def __str__(self):
        return f"{self.title} × {self.quantity}"

    def audit_scope(self):
        return self.order.audit_scope()


class OrderFunding(models.Model):
    order = models.ForeignKey(Order, models.CASCADE, related_name="fundings", verbose_name="订单")
    plan = models.ForeignKey("plans.Plan", models.PROTECT, related_name="order_fundings", verbose_name="采购计划")
    amount = models.DecimalField("金额", **MONEY)
    reservation = models.ForeignKey("limits.Reservation", models.PROTECT, related_name="order_fundings", verbose_name="额度预留")

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="order_funding_positive")]
        verbose_name = "订单资金来源"
        verbose_name_plural = "订单资金来源"

    def __str__(self):
        return f"{self.order_id} ← {self.plan_id} {self.amount}"

    def audit_scope(self):
        return self.order.audit_scope()
