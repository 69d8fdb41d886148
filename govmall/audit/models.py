from django.db import models


class AppendOnlyError(Exception):
    """The audit log is append-only: rows are never updated or deleted by the application."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能修改")

    def delete(self):
        raise AppendOnlyError("审计日志只能追加，不能删除")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能修改")


class Action(models.TextChoices):
    CREATE = "create", "新建"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    TRANSITION = "transition", "状态变更"
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    OTP_FAILED = "otp_failed", "动态码错误"
    OTP_ENROLLED = "otp_enrolled", "绑定动态口令"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    LOCKED_OUT = "locked_out", "账户锁定"
    IMPORT = "import", "导入"
    SYSTEM = "system", "系统"


class AuditEntry(models.Model):
    """One audited event (审计记录). Hash-chained: `hash` covers this row's content and
    `prev_hash`, which is the previous row's `hash`; `verify_audit` recomputes the chain.
    On PostgreSQL an entry is written unlinked (`seq`, `prev_hash`, `hash` empty) and sealed
    into the chain right after its transaction commits (see `audit.chain_sql`)."""

    seq = models.PositiveBigIntegerField("序号", unique=True, null=True, blank=True)
    created_at = models.DateTimeField("时间", db_index=True)
    action = models.CharField("操作", max_length=32, choices=Action.choices)  # a dozen values: an index would not be used
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True, db_index=True)
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    org_id = models.BigIntegerField("操作人单位ID", null=True, blank=True)
    org_name = models.CharField("操作人单位", max_length=200, blank=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)  # indexed with object_id (Meta)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    owner_org_id = models.BigIntegerField("对象所属单位ID", null=True, blank=True, db_index=True)
    scope_path = models.CharField("所属区划", max_length=200, blank=True, db_index=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    message = models.TextField("说明", blank=True)
    request_id = models.CharField("请求ID", max_length=64, blank=True)
    client_ip = models.CharField("客户端地址", max_length=45, blank=True)
    source = models.CharField("来源", max_length=16, blank=True)
    prev_hash = models.CharField(max_length=64, null=True, blank=True)
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_entry_unsealed"),
        ]

    def __str__(self):
        return f"#{self.seq or '待封存'} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能删除")


class AuditChain(models.Model):
    """The chain's head, one row: locked by every append so entries get consecutive
    sequence numbers and each links to its true predecessor, on SQLite and PostgreSQL."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "审计链"


class ChainCheck(models.Model):
    """The result of one verification of the chain (run daily by the worker)."""

    checked_at = models.DateTimeField("检查时间", auto_now_add=True)
    ok = models.BooleanField("完整")
    entries = models.PositiveBigIntegerField("记录数")
    problem = models.TextField("问题", blank=True)

    class Meta:
        ordering = ["-checked_at"]
        verbose_name = "审计链检查"
