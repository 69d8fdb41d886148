from django.contrib.auth.models import AbstractUser
from django.db import models

from govmall.regions.models import Region
from govmall.subsites.models import Subsite


class OrgKind(models.TextChoices):
    FINANCE_BUREAU = "finance_bureau", "财政局"
    PROCUREMENT_CENTRE = "procurement_centre", "政府采购中心"
    PURCHASER = "purchaser", "采购人"
    SUPPLIER = "supplier", "供应商"
    AGENCY = "agency", "代理机构"
    PLATFORM = "platform", "平台运营"


class Role(models.TextChoices):
    PURCHASER_CLERK = "purchaser_clerk", "采购经办人"
    PURCHASER_APPROVER = "purchaser_approver", "采购审批人"
    SUPPLIER_STAFF = "supplier_staff", "供应商业务员"
    CENTRE_OPERATOR = "centre_operator", "采购中心经办人"
    FINANCE_SUPERVISOR = "finance_supervisor", "财政监管人员"
    PLATFORM_ADMIN = "platform_admin", "平台管理员"


# Which organization kind each role belongs to.
ROLE_ORG_KIND = {
    Role.PURCHASER_CLERK: OrgKind.PURCHASER,
    Role.PURCHASER_APPROVER: OrgKind.PURCHASER,
    Role.SUPPLIER_STAFF: OrgKind.SUPPLIER,
    Role.CENTRE_OPERATOR: OrgKind.PROCUREMENT_CENTRE,
    Role.FINANCE_SUPERVISOR: OrgKind.FINANCE_BUREAU,
    Role.PLATFORM_ADMIN: OrgKind.PLATFORM,
}

# Roles whose sign-in needs a TOTP second factor (MLPS 2.0 level 3; docs/SECURITY.md).
TWO_FACTOR_ROLES = frozenset({Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN})


class Organization(models.Model):
    """An organization taking part in the mall: finance bureau, procurement centre,
    purchaser (采购人, placeholder master data until the purchasers app), supplier, agency."""

    kind = models.CharField("类型", max_length=32, choices=OrgKind.choices, db_index=True)
    name = models.CharField("名称", max_length=200)
    code = models.CharField("单位编码", max_length=32, unique=True, null=True, blank=True, help_text="采购人的预算单位编码")
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    region = models.ForeignKey(Region, models.PROTECT, verbose_name="所在区划", related_name="organizations")
    subsite = models.ForeignKey(Subsite, models.PROTECT, verbose_name="所属分站", related_name="organizations")
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, verbose_name="上级单位", related_name="children")
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["kind", "region__code", "name"]
        verbose_name = "机构"
        verbose_name_plural = "机构"

    def __str__(self):
        return self.name

    def audit_scope(self):
        return self.pk, self.region.path


class User(AbstractUser):
    """A person signing in. Belongs to one organization; holds one or more roles."""

    organization = models.ForeignKey(Organization, models.PROTECT, null=True, blank=True, verbose_name="所属机构", related_name="users")
    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    must_change_password = models.BooleanField("下次登录须改密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name or self.username

    @property
    def role_set(self) -> frozenset[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("role", flat=True)) if self.pk else frozenset()
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def needs_two_factor(self) -> bool:
        return bool(self.role_set & TWO_FACTOR_ROLES)

    def role_labels(self) -> list[str]:
        return [Role(r).label for r in sorted(self.role_set)]

    def audit_scope(self):
        if self.organization_id:
            return self.organization_id, self.organization.region.path
        return None, ""


class UserRole(models.Model):
    user = models.ForeignKey(User, models.CASCADE, related_name="roles")
    role = models.CharField("角色", max_length=32, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="uniq_user_role")]
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"

    def __str__(self):
        return self.get_role_display()


class Notification(models.Model):
    """An in-app message to one person (站内消息)."""

    recipient = models.ForeignKey(User, models.CASCADE, related_name="notifications")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=120, blank=True, db_index=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"

    def __str__(self):
        return self.title
