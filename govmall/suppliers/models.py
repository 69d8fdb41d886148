"""Supplier onboarding (入驻), qualifications, enterprise scale (企业划型), credit and discipline, exit.

`SupplierScope` and `SupplierProfile` were taken over from the products app: same tables
(`Meta.db_table`), moved in the migration state only (suppliers 0001 / products 0004,
SeparateDatabaseAndState). Statuses change only through `audit.states.transition` with the
machines in states.py.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SupplierStatus(models.TextChoices):
    APPLYING = "applying", "申请中"  # signed up / application not yet approved
    PENDING_TRAINING = "pending_training", "待培训"  # approved; the required onboarding course not passed yet
    ACTIVE = "active", "正常"  # may list products and quote
    SUSPENDED = "suspended", "暂停"  # a suspension measure is in force
    REMOVED = "removed", "清退"  # removed from the mall (清退)
    EXITED = "exited", "已退出"  # left the mall on its own request; history kept


class EnterpriseSize(models.TextChoices):
    LARGE = "large", "大型企业"
    MEDIUM = "medium", "中型企业"
    SMALL = "small", "小型企业"
    MICRO = "micro", "微型企业"


SME_SIZES = {EnterpriseSize.MEDIUM, EnterpriseSize.SMALL, EnterpriseSize.MICRO}
SMALL_MICRO = {EnterpriseSize.SMALL, EnterpriseSize.MICRO}


class SpecialKind(models.TextChoices):
    """财库〔2020〕46号 第十六条 / 财库〔2014〕68号 / 财库〔2017〕141号: these count as small and micro."""

    NONE = "", "无"
    PRISON = "prison", "监狱企业"
    DISABLED_WELFARE = "disabled_welfare", "残疾人福利性单位"


class SupplierScope(models.Model):
    """A category a supplier is approved to sell on a sub-site (经营范围), covering the category
    and every category below it. Granted on approval of an onboarding application (or by the
    procurement centre directly)."""

    supplier = models.ForeignKey("accounts.Organization", models.PROTECT, related_name="supplier_scopes", verbose_name="供应商")
    category = models.ForeignKey("catalog.Category", models.PROTECT, related_name="+", verbose_name="品目")
    note = models.CharField("说明", max_length=200, blank=True)
    granted_by = models.CharField("批准人", max_length=150, blank=True)
    granted_at = models.DateTimeField("批准时间", auto_now_add=True)

    class Meta:
        db_table = "products_supplierscope"
        ordering = ["supplier__name", "category__code"]
        constraints = [models.UniqueConstraint(fields=["supplier", "category"], name="uniq_supplier_scope")]
        verbose_name = "供应商经营范围"
        verbose_name_plural = "供应商经营范围"

    def __str__(self):
        return f"{self.supplier} · {self.category}"

    def audit_scope(self):
        return self.supplier_id, self.supplier.region.path


class SupplierProfile(models.Model):
    """The supplier's record in the mall: status, bank and legal data from its approved
    application, and its declared enterprise scale (企业划型) with the classification result."""

    supplier = models.OneToOneField("accounts.Organization", models.CASCADE, related_name="supplier_profile", verbose_name="供应商")
    enterprise_size = models.CharField("企业规模", max_length=10, choices=EnterpriseSize.choices, default=EnterpriseSize.LARGE)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    status = models.CharField("状态", max_length=20, choices=SupplierStatus.choices, default=SupplierStatus.APPLYING, db_index=True)
    legal_rep = models.CharField("法定代表人", max_length=50, blank=True)
    bank_name = models.CharField("开户银行", max_length=100, blank=True)
    bank_account = models.CharField("银行账号", max_length=40, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    # Enterprise scale declaration (企业划型, 工信部联企业〔2011〕300号).
    industry = models.CharField("所属行业", max_length=30, blank=True)
    employees = models.PositiveIntegerField("从业人员（人）", null=True, blank=True)
    revenue = models.DecimalField("营业收入（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    total_assets = models.DecimalField("资产总额（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    special_kind = models.CharField("特殊类型", max_length=20, choices=SpecialKind.choices, blank=True, default="")
    scale_year = models.PositiveSmallIntegerField("数据年度", null=True, blank=True)
    scale_declared_at = models.DateTimeField("声明时间", null=True, blank=True)
    activated_at = models.DateTimeField("激活时间", null=True, blank=True)
    exited_at = models.DateTimeField("退出时间", null=True, blank=True)
    status_note = models.CharField("状态说明", max_length=300, blank=True)

    class Meta:
        db_table = "products_supplierprofile"
        verbose_name = "供应商档案"
        verbose_name_plural = "供应商档案"

    def __str__(self):
        return f"{self.supplier} {self.get_status_display()}"

    @property
    def is_sme(self) -> bool:
        return self.enterprise_size in SME_SIZES or bool(self.special_kind)

    @property
    def is_small_or_micro(self) -> bool:
        return self.enterprise_size in SMALL_MICRO or bool(self.special_kind)

    def audit_scope(self):
        return self.supplier_id, self.supplier.region.path


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "不予通过"


class ApplicationKind(models.TextChoices):
    ONBOARDING = "onboarding", "入驻申请"
    CHANGE = "change", "关键信息变更"


def _upload_path(instance, filename):
    return f"suppliers/{instance.supplier_id}/{filename}"


class Application(models.Model):
    """An onboarding application (入驻申请) or a change of key company data. Open to a supplier
    from any region: no local-only rule, no registered-capital or headcount bar (notice 任务一)."""

    supplier = models.ForeignKey("accounts.Organization", models.PROTECT, related_name="supplier_applications", verbose_name="供应商")
    subsite = models.ForeignKey("subsites.Subsite", models.PROTECT, related_name="+", verbose_name="分站")
    kind = models.CharField("类型", max_length=12, choices=ApplicationKind.choices, default=ApplicationKind.ONBOARDING)
    status = models.CharField("状态", max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, db_index=True)
    company_name = models.CharField("企业名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18)
    legal_rep = models.CharField("法定代表人", max_length=50, blank=True)
    address = models.CharField("注册地址", max_length=200, blank=True)
    region = models.ForeignKey("regions.Region", models.PROTECT, related_name="+", verbose_name="注册地区划")
    bank_name = models.CharField("开户银行", max_length=100, blank=True)
    bank_account = models.CharField("银行账号", max_length=40, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    categories = models.ManyToManyField("catalog.Category", related_name="+", verbose_name="申请经营品目", blank=True)
    commitment_file = models.FileField("承诺书", upload_to=_upload_path, max_length=200, blank=True)
    commitment_sha256 = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField("提交次数", default=0)
    field_reasons = models.JSONField("退回原因（按字段）", default=dict, blank=True)
    decision_note = models.TextField("审核意见", blank=True)
    checklist = models.JSONField("审核核对项", default=dict, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.CharField("审核人", max_length=150, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = "入驻申请"
        verbose_name_plural = "入驻申请"

    def __str__(self):
        return f"{self.company_name} {self.get_kind_display()}"

    def audit_scope(self):
        return self.supplier_id, self.supplier.region.path


class ApplicationVersion(models.Model):
    """What an application said when it was submitted (one row per submission) and what the
    reviewer decided on it — resubmission keeps the history."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="versions", verbose_name="申请")
    number = models.PositiveIntegerField("第几次提交")
    data = models.JSONField("提交内容")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    submitted_by = models.CharField("提交人", max_length=150, blank=True)
    outcome = models.CharField("审核结果", max_length=12, choices=ApplicationStatus.choices, blank=True)
    field_reasons = models.JSONField("退回原因", default=dict, blank=True)
    decision_note = models.TextField("审核意见", blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.CharField("审核人", max_length=150, blank=True)

    class Meta:
        ordering = ["application", "-number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="uniq_application_version")]
        verbose_name = "申请提交记录"
        verbose_name_plural = "申请提交记录"

    def __str__(self):
        return f"{self.application} 第 {self.number} 次提交"

    def audit_scope(self):
        return self.application.audit_scope()


class QualificationKind(models.TextChoices):
    LICENCE = "licence", "营业执照"
    CATEGORY = "category", "品目资质证书"


class QualificationStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "有效"
    REJECTED = "rejected", "不予认可"
    EXPIRED = "expired", "已过期"
    SUPERSEDED = "superseded", "已换证"


class Qualification(models.Model):
    """A qualification document (资质证书): the business licence or a category-specific
    certificate, with number, issuer, expiry and the scanned file (PDF/JPG/PNG, checked by
    content). `categories` are the categories whose listings depend on it: when it expires
    they leave the storefront until a renewed certificate is approved."""

    supplier = models.ForeignKey("accounts.Organization", models.PROTECT, related_name="qualifications", verbose_name="供应商")
    application = models.ForeignKey(Application, models.SET_NULL, null=True, blank=True, related_name="qualifications", verbose_name="所属申请")
    kind = models.CharField("类型", max_length=12, choices=QualificationKind.choices)
    name = models.CharField("证书名称", max_length=100)
    number = models.CharField("证书编号", max_length=60)
    issuer = models.CharField("发证机关", max_length=100)
    expires_on = models.DateField("有效期至", null=True, blank=True, help_text="营业执照长期有效可不填")
    categories = models.ManyToManyField("catalog.Category", related_name="+", verbose_name="适用品目", blank=True)
    file = models.FileField("扫描件", upload_to=_upload_path, max_length=200)
    content_type = models.CharField(max_length=30)
    size_bytes = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    status = models.CharField("状态", max_length=12, choices=QualificationStatus.choices, default=QualificationStatus.PENDING, db_index=True)
    replaces = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="renewals", verbose_name="替换的证书")
    review_note = models.CharField("审核意见", max_length=500, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["kind", "expires_on", "id"]
        verbose_name = "资质证书"
        verbose_name_plural = "资质证书"

    def __str__(self):
        return f"{self.name} {self.number}"

    def audit_scope(self):
        return self.supplier_id, self.supplier.region.path


class ViolationSource(models.TextChoices):
    CENTRE = "centre", "采购中心记录"
    SUPERVISOR = "supervisor", "财政部门记录"


class Violation(models.Model):
    """A bad-conduct record (不良行为记录) with evidence."""

    supplier = models.ForeignKey("accounts.Organization", models.PROTECT, related_name="violations", verbose_name="供应商")
    source = models.CharField("记录来源", max_length=12, choices=ViolationSource.choices)
    occurred_on = models.DateField("发生日期")
    title = models.CharField("事由", max_length=200)
    description = models.TextField("情况说明", max_length=4000)
    evidence = models.FileField("证据材料", upload_to=_upload_path, max_length=200, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.CharField("记录人", max_length=150)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = "不良行为记录"
        verbose_name_plural = "不良行为记录"

    def __str__(self):
        return self.title

    def audit_scope(self):
        return self.supplier_id, self.supplier.region.path


class MeasureKind(models.TextChoices):
    WARNING = "warning", "警告"
    SUSPENSION = "suspension", "暂停交易"
    REMOVAL = "removal", "清退"


class MeasureStatus(models.TextChoices):
    IN_FORCE = "in_force", "执行中"
    LIFTED = "lifted", "已到期解除"
    REVOKED = "revoked", "申诉后撤销"


class Measure(models.Model):
    """A measure taken on a violation: warning, suspension until a date, or removal (清退).
    Takes effect on listings and quoting at once; a suspension lifts itself when due."""

    violation = models.ForeignKey(Violation, models.PROTECT, related_name="measures", verbose_name="不良行为")
    supplier = models.ForeignKey("accounts.Organization", models.PROTECT, related_name="measures", verbose_name="供应商")
    kind = models.CharField("处理措施", max_length=12, choices=MeasureKind.choices)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("截止日期", null=True, blank=True, help_text="暂停交易的最后一日")
    status = models.CharField("状态", max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.IN_FORCE, db_index=True)
    decided_by = models.CharField("决定人", max_length=150)
    lifted_at = models.DateTimeField("解除时间", null=True, blank=True)
    announcement_id = models.PositiveBigIntegerField("处理公告", null=True, blank=True)
    created_at = models.DateTimeField("决定时间", auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = "处理措施"
        verbose_name_plural = "处理措施"

    def __str__(self):
        return f"{self.get_kind_display()} {self.supplier}"

    def audit_scope(self):
        return self.supplier_id, self.supplier.region.path


class AppealStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    UPHELD = "upheld", "申诉成立（撤销措施）"
    DISMISSED = "dismissed", "申诉不成立"


class Appeal(models.Model):
    """The supplier's appeal (申诉) against one measure, decided by the procurement centre."""

    measure = models.ForeignKey(Measure, models.PROTECT, related_name="appeals", verbose_name="处理措施")
    supplier = models.ForeignKey("accounts.Organization", models.PROTECT, related_name="+", verbose_name="供应商")
    reason = models.TextField("申诉理由", max_length=4000)
    status = models.CharField("状态", max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING, db_index=True)
    submitted_by = models.CharField("申诉人", max_length=150)
    decision_note = models.TextField("处理意见", blank=True)
    decided_by = models.CharField("处理人", max_length=150, blank=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    created_at = models.DateTimeField("申诉时间", auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "申诉"
        verbose_name_plural = "申诉"

    def __str__(self):
        return f"申诉 {self.measure}"

    def audit_scope(self):
        return self.supplier_id, self.supplier.region.path


class DishonestyEntry(models.Model):
    """An entry of a national dishonesty list (严重违法失信名单 / 失信被执行人 …) recorded by hand
    with its source. While in force the supplier may not quote or list (政府采购法 第二十二条,
    财库〔2016〕125号)."""

    supplier = models.ForeignKey("accounts.Organization", models.PROTECT, related_name="dishonesty_entries", verbose_name="供应商")
    list_name = models.CharField("名单", max_length=100)
    source = models.CharField("来源", max_length=300, help_text="查询网站及网址或文件文号")
    listed_on = models.DateField("列入日期")
    until = models.DateField("有效期至", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    recorded_by = models.CharField("录入人", max_length=150)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        ordering = ["-listed_on"]
        verbose_name = "失信名单记录"
        verbose_name_plural = "失信名单记录"

    def __str__(self):
        return f"{self.list_name} {self.supplier}"

    def audit_scope(self):
        return self.supplier_id, self.supplier.region.path

    def in_force(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.listed_on <= today and (self.until is None or self.until >= today)

