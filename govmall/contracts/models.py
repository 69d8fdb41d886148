"""Contracts (合同), signing, publication, acceptance (验收) and payment (支付); the closed-loop trace.

A contract is generated from a confirmed direct-purchase order or a confirmed bidding award,
with every term copied in at generation (parties, lines, delivery, acceptance, warranty,
payment), so later changes of master data never change a contract once it exists."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

MONEY = {"max_digits": 14, "decimal_places": 2}
LATE_RATE_DEFAULT = Decimal("0.0005")  # 0.05 % per day, 国务院令第802号 (DOMAIN.md §7)
SME_MAX_TERM_DAYS = 60  # law: never beyond 60 days for SMEs (DOMAIN.md §7)
SME_DEFAULT_TERM_DAYS = 30


class ContractMode(models.TextChoices):
    DIRECT = "direct", "直购"
    BIDDING = "bidding", "竞价"


class ContractStatus(models.TextChoices):
    PENDING = "pending", "待签署"  # generated; waiting for one or both signatures
    SIGNED = "signed", "已签订"  # both signed; reservation consumed; awaiting delivery
    DELIVERED = "delivered", "已送达"  # supplier's delivery notice; awaiting acceptance
    ACCEPTED = "accepted", "已验收"  # acceptance report signed off; payment due
    COMPLETED = "completed", "已付清"  # paid in full
    CANCELLED = "cancelled", "已取消"  # withdrawn before both signed; reservations released
    TERMINATED = "terminated", "已终止"  # a signed contract ended by agreement or recorded reason


OPEN_STATUSES = (ContractStatus.PENDING, ContractStatus.SIGNED, ContractStatus.DELIVERED, ContractStatus.ACCEPTED)


class ContractRules(models.Model):
    """A sub-site's contract settings, kept by the procurement centre. The legal caps are not
    settings: an SME payment term never exceeds 60 days whatever is configured here."""

    subsite = models.OneToOneField("subsites.Subsite", models.CASCADE, related_name="contract_rules", verbose_name="分站")
    payment_term_days = models.PositiveSmallIntegerField("默认付款期限（天）", default=SME_DEFAULT_TERM_DAYS, help_text="验收合格之日起计算；中小企业不超过 60 天")
    acceptance_days = models.PositiveSmallIntegerField("验收期限（天）", default=7, help_text="送达后应在此期限内完成验收")
    unsigned_alert_days = models.PositiveSmallIntegerField("下单后未签约提示（天）", default=5, help_text="订单确认后超过此天数仍未签订合同的列入对账异常")
    late_interest_rate = models.DecimalField("逾期利息（每日）", max_digits=6, decimal_places=5, default=LATE_RATE_DEFAULT, help_text="0.00050 即每日万分之五")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "合同规则"
        verbose_name_plural = "合同规则"

    def __str__(self):
        return f"{self.subsite} 合同规则"

    def audit_scope(self):
        return None, self.subsite.region.path


class Contract(models.Model):
    contract_no = models.CharField("合同编号", max_length=40, unique=True)
    mode = models.CharField("采购方式", max_length=10, choices=ContractMode.choices)
    subsite = models.ForeignKey("subsites.Subsite", models.PROTECT, related_name="+", verbose_name="分站")
    purchaser = models.ForeignKey("purchasers.Purchaser", models.PROTECT, related_name="contracts", verbose_name="采购人")
    supplier = models.ForeignKey("accounts.Organization", models.PROTECT, related_name="supplier_contracts", verbose_name="供应商")
    order = models.OneToOneField("ordering.Order", models.PROTECT, null=True, blank=True, related_name="contract", verbose_name="订单")
    bidding = models.OneToOneField("bidding.Bidding", models.PROTECT, null=True, blank=True, related_name="contract", verbose_name="竞价项目")
    # Purchaser's and supplier's organizations: the owning-organization lookup of scoping.
    parties = models.ManyToManyField("accounts.Organization", related_name="+", blank=True, verbose_name="当事方")
    title = models.CharField("合同名称", max_length=200)
    amount = models.DecimalField("合同金额", **MONEY)
    status = models.CharField("状态", max_length=12, choices=ContractStatus.choices, default=ContractStatus.PENDING, db_index=True)

    # Parties as they stood when the contract was generated (甲方 purchaser, 乙方 supplier).
    purchaser_name = models.CharField("甲方名称", max_length=200)
    purchaser_uscc = models.CharField("甲方统一社会信用代码", max_length=18, blank=True)
    purchaser_address = models.CharField("甲方地址", max_length=200, blank=True)
    purchaser_contact = models.CharField("甲方联系人", max_length=50, blank=True)
    purchaser_phone = models.CharField("甲方电话", max_length=30, blank=True)
    supplier_name = models.CharField("乙方名称", max_length=200)
    supplier_uscc = models.CharField("乙方统一社会信用代码", max_length=18, blank=True)
    supplier_address = models.CharField("乙方地址", max_length=200, blank=True)
    supplier_contact = models.CharField("乙方联系人", max_length=50, blank=True)
    supplier_phone = models.CharField("乙方电话", max_length=30, blank=True)
    supplier_bank = models.CharField("乙方开户行及账号", max_length=200, blank=True)
    supplier_is_sme = models.BooleanField("乙方为中小企业", default=False)

    # Terms.
    delivery_place = models.CharField("交货地点", max_length=200, blank=True)
    delivery_days = models.PositiveSmallIntegerField("交货期限（天）", default=0)
    acceptance_days = models.PositiveSmallIntegerField("验收期限（天）", default=7)
    warranty_text = models.CharField("质保", max_length=300, blank=True)
    payment_term_days = models.PositiveSmallIntegerField("付款期限（天）")
    late_interest_rate = models.DecimalField("逾期利息（每日）", max_digits=6, decimal_places=5, default=LATE_RATE_DEFAULT)
    clauses = models.JSONField("合同条款", default=list, blank=True)  # [[heading, text], …] fixed at generation

    # Signing (both sides, in the system).
    signed_by_purchaser = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="甲方签署人")
    signed_by_purchaser_at = models.DateTimeField("甲方签署时间", null=True, blank=True)
    signed_by_supplier = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="乙方签署人")
    signed_by_supplier_at = models.DateTimeField("乙方签署时间", null=True, blank=True)
    signed_at = models.DateTimeField("签订时间", null=True, blank=True)

    # Publication (合同公告, within 2 working days of signing).
    publish_deadline = models.DateField("公告期限", null=True, blank=True)
    publish_deadline_known = models.BooleanField("公告期限按法定节假日计算", default=True)
    published_at = models.DateTimeField("公告时间", null=True, blank=True)

    # Delivery, acceptance and payment.
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    delivery_note = models.CharField("送达说明", max_length=300, blank=True)
    accepted_at = models.DateTimeField("验收时间", null=True, blank=True)
    payment_due_on = models.DateField("付款到期日", null=True, blank=True)
    paid_total = models.DecimalField("已付金额", **MONEY, default=0)
    completed_at = models.DateTimeField("付清时间", null=True, blank=True)

    # End before performance.
    cancel_reason = models.CharField("取消原因", max_length=300, blank=True)
    terminated_reason = models.CharField("终止原因", max_length=300, blank=True)
    terminated_kind = models.CharField("终止方式", max_length=12, blank=True)
    terminated_at = models.DateTimeField("终止时间", null=True, blank=True)

    # The PDF, rendered off the request path; the hash is checked on every download.
    pdf = models.FileField("合同文本", upload_to="contracts/", blank=True)
    pdf_sha256 = models.CharField("合同文本 SHA-256", max_length=64, blank=True)
    pdf_version = models.PositiveIntegerField("文本版本", default=0)  # bumped when the text must be rendered again

    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "合同"
        verbose_name_plural = "合同"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_amount_positive"),
            models.CheckConstraint(condition=Q(paid_total__gte=0) & Q(paid_total__lte=F("amount")), name="contract_never_overpaid"),
            models.CheckConstraint(condition=Q(order__isnull=False) | Q(bidding__isnull=False), name="contract_has_source"),
        ]
        indexes = [models.Index(fields=["status", "publish_deadline"]), models.Index(fields=["status", "payment_due_on"])]

    def __str__(self):
        return f"{self.contract_no} {self.title}"

    def audit_scope(self):
        org = self.purchaser.organization
        return org.pk, org.region.path

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.paid_total

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def late_rate_percent(self) -> str:
        """0.00050 → "0.05%" (per day)."""
        return f"{(self.late_interest_rate * 100).normalize():f}%"

    @staticmethod
    def _joined(*parts) -> str:
        return " · ".join(p for p in (str(x).strip() for x in parts) if p)

    @property
    def purchaser_details(self) -> str:
        return self._joined(f"统一社会信用代码 {self.purchaser_uscc}" if self.purchaser_uscc else "", self.purchaser_address, f"{self.purchaser_contact} {self.purchaser_phone}")

    @property
    def supplier_details(self) -> str:
        return self._joined(
            f"统一社会信用代码 {self.supplier_uscc}" if self.supplier_uscc else "", self.supplier_address, f"{self.supplier_contact} {self.supplier_phone}",
            f"开户行及账号 {self.supplier_bank}" if self.supplier_bank else "",
        )  # fmt: skip


class ContractLine(models.Model):
    contract = models.ForeignKey(Contract, models.CASCADE, related_name="lines")
    line_no = models.PositiveSmallIntegerField("序号")
    category_code = models.CharField("品目编码", max_length=16, blank=True)
    category_name = models.CharField("品目", max_length=100, blank=True)
    title = models.CharField("名称", max_length=200)
    brand = models.CharField("品牌", max_length=100, blank=True)
    model = models.CharField("型号", max_length=100, blank=True)
    specs = models.TextField("规格要求", blank=True)
    quantity = models.PositiveIntegerField("数量")
    unit_price = models.DecimalField("单价", **MONEY)
    amount = models.DecimalField("金额", **MONEY)
    warranty_months = models.PositiveSmallIntegerField("质保（月）", default=0)
    delivery_days = models.PositiveSmallIntegerField("交货期（天）", default=0)

    class Meta:
        ordering = ["contract", "line_no"]
        unique_together = [("contract", "line_no")]
        verbose_name = "合同明细"
        verbose_name_plural = "合同明细"

    def __str__(self):
        return f"{self.contract.contract_no}-{self.line_no} {self.title}"


class ContractFunding(models.Model):
    """Which reservation (and plan) pays which part of the contract; consumed at signing."""

    contract = models.ForeignKey(Contract, models.CASCADE, related_name="fundings")
    plan = models.ForeignKey("plans.Plan", models.PROTECT, related_name="+", verbose_name="采购计划")
    reservation = models.ForeignKey("limits.Reservation", models.PROTECT, related_name="+", verbose_name="额度预留")
    amount = models.DecimalField("签约金额", **MONEY)

    class Meta:
        ordering = ["contract", "id"]
        verbose_name = "合同资金来源"
        verbose_name_plural = "合同资金来源"

    def __str__(self):
        return f"{self.contract.contract_no} {self.plan.plan_no} {self.amount}"


class AcceptanceConclusion(models.TextChoices):
    PASSED = "passed", "验收合格"
    FAILED = "failed", "验收不合格"


class Acceptance(models.Model):
    """An acceptance report (验收书), signed off in the system by the purchaser."""

    contract = models.ForeignKey(Contract, models.PROTECT, related_name="acceptances")
    number = models.CharField("验收书编号", max_length=48, unique=True)
    conclusion = models.CharField("验收结论", max_length=10, choices=AcceptanceConclusion.choices)
    remarks = models.TextField("验收意见", blank=True)
    accepted_on = models.DateField("验收日期")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="验收签署人")
    signed_at = models.DateTimeField("签署时间")
    pdf = models.FileField("验收书", upload_to="acceptances/", blank=True)
    pdf_sha256 = models.CharField("验收书 SHA-256", max_length=64, blank=True)

    class Meta:
        ordering = ["-signed_at", "-id"]
        verbose_name = "验收书"
        verbose_name_plural = "验收书"

    def __str__(self):
        return f"{self.number} {self.get_conclusion_display()}"

    def audit_scope(self):
        return self.contract.audit_scope()


class AcceptanceLine(models.Model):
    acceptance = models.ForeignKey(Acceptance, models.CASCADE, related_name="lines")
    contract_line = models.ForeignKey(ContractLine, models.PROTECT, related_name="+")
    accepted_quantity = models.PositiveIntegerField("验收合格数量")
    rejected_quantity = models.PositiveIntegerField("拒收数量", default=0)
    reject_reason = models.CharField("拒收原因", max_length=300, blank=True)

    class Meta:
        ordering = ["acceptance", "contract_line__line_no"]
        verbose_name = "验收明细"
        verbose_name_plural = "验收明细"


class PaymentSource(models.TextChoices):
    MANUAL = "manual", "采购人录入"
    API = "api", "接口推送"


class Payment(models.Model):
    contract = models.ForeignKey(Contract, models.PROTECT, related_name="payments")
    amount = models.DecimalField("支付金额", **MONEY)
    paid_on = models.DateField("支付日期")
    voucher_no = models.CharField("支付凭证号", max_length=64)
    source = models.CharField("来源", max_length=8, choices=PaymentSource.choices, default=PaymentSource.MANUAL)
    idempotency_key = models.CharField("幂等键", max_length=80, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        ordering = ["contract", "paid_on", "id"]
        verbose_name = "付款记录"
        verbose_name_plural = "付款记录"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(fields=["contract", "idempotency_key"], condition=~Q(idempotency_key=""), name="uniq_payment_idempotency"),
            models.UniqueConstraint(fields=["contract", "voucher_no"], name="uniq_payment_voucher"),
        ]

    def __str__(self):
        return f"{self.contract.contract_no} 付款 {self.amount}"

    def audit_scope(self):
        return self.contract.audit_scope()
