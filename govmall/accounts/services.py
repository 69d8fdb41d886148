"""Organizations, people and their roles; in-app notifications. All writes are audited."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from stdnum.cn import uscc as uscc_std

from govmall.audit.models import Action
from govmall.audit.services import log_create, log_update, record, snapshot
from govmall.core import context
from govmall.core.errors import BusinessError
from govmall.accounts.models import ROLE_ORG_KIND, Notification, Organization, OrgKind, Role, User, UserRole

ORG_FIELDS = ["kind", "name", "code", "uscc", "region_id", "subsite_id", "parent_id", "contact_name", "contact_phone", "address", "is_active"]
USER_FIELDS = ["username", "display_name", "phone", "email", "organization_id", "is_active", "must_change_password"]


def actor_of(user: User) -> context.Actor:
    org = user.organization if user.organization_id else None
    return context.Actor(user_id=user.pk, username=user.username, org_id=org.pk if org else None, org_name=org.name if org else "")


def validate_uscc(value: str) -> str:
    """Normalise and check a 统一社会信用代码 (GB 32100-2015); Chinese message naming the fault."""
    value = (value or "").strip().upper()
    try:
        return uscc_std.validate(value)
    except uscc_std.InvalidLength:
        raise BusinessError(f"统一社会信用代码应为 18 位，现为 {len(value)} 位", field="uscc") from None
    except uscc_std.InvalidFormat:
        raise BusinessError("统一社会信用代码含有不允许的字符（不能含 I、O、Z、S、V，前 8 位须为数字）", field="uscc") from None
    except uscc_std.InvalidChecksum:
        raise BusinessError("统一社会信用代码校验位不正确，请核对", field="uscc") from None


def org_create(*, kind: str, name: str, region, subsite, code: str | None = None, uscc: str | None = None, parent=None, **extra) -> Organization:
    if kind not in OrgKind.values:
        raise BusinessError(f"未知的机构类型：{kind}", field="kind")
    if not name.strip():
        raise BusinessError("名称不能为空", field="name")
    if uscc:
        uscc = validate_uscc(uscc)
        if Organization.objects.filter(uscc=uscc).exists():
            raise BusinessError(f"统一社会信用代码 {uscc} 已被其他机构使用", field="uscc")
    if code and Organization.objects.filter(code=code).exists():
        raise BusinessError(f"单位编码 {code} 已存在", field="code")
    with transaction.atomic():
        org = Organization.objects.create(
            kind=kind, name=name.strip(), region=region, subsite=subsite, code=code or None, uscc=uscc or None, parent=parent, **extra
        )
        log_create(org, fields=ORG_FIELDS)
    return org


def org_update(*, org: Organization, data: dict) -> Organization:
    allowed = {"name", "contact_name", "contact_phone", "address", "is_active"}
    unknown = set(data) - allowed
    if unknown:
        raise BusinessError(f"不能在此修改：{'、'.join(sorted(unknown))}")
    if "name" in data and not str(data["name"]).strip():
        raise BusinessError("名称不能为空", field="name")
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=org.pk)
        before = snapshot(locked, ORG_FIELDS)
        for k, v in data.items():
            setattr(locked, k, v.strip() if isinstance(v, str) else v)
        locked.save()
        log_update(locked, before)
    return locked


def _check_roles(org: Organization | None, roles: list[str]) -> None:
    if not roles:
        raise BusinessError("至少选择一个角色", field="roles")
    for role in roles:
        if role not in Role.values:
            raise BusinessError(f"未知的角色：{role}", field="roles")
        expected = ROLE_ORG_KIND[Role(role)]
        if org is None or org.kind != expected:
            raise BusinessError(f"「{Role(role).label}」只能授予{OrgKind(expected).label}的人员", field="roles")


def user_create(
    *, username: str, password: str, organization: Organization, roles: list[str], display_name: str = "", phone: str = "", email: str = ""
) -> User:
    username = username.strip()
    if not username:
        raise BusinessError("用户名不能为空", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise BusinessError(f"用户名 {username} 已存在", field="username")
    _check_roles(organization, roles)
    user = User(username=username, organization=organization, display_name=display_name, phone=phone, email=email)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise BusinessError("；".join(exc.messages), field="password") from None
    with transaction.atomic():
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.save()
        UserRole.objects.bulk_create(UserRole(user=user, role=r) for r in sorted(set(roles)))
        entry_fields = snapshot(user, USER_FIELDS)
        record(Action.CREATE, user, changes={**{k: [None, v] for k, v in entry_fields.items()}, "roles": [None, sorted(set(roles))]})
    return user


def user_set_roles(*, user: User, roles: list[str]) -> User:
    _check_roles(user.organization, roles)
    with transaction.atomic():
        before = sorted(user.roles.values_list("role", flat=True))
        user.roles.exclude(role__in=roles).delete()
        for r in set(roles) - set(before):
            UserRole.objects.create(user=user, role=r)
        user._role_cache = None
        after = sorted(set(roles))
        if before != after:
            record(Action.UPDATE, user, changes={"roles": [before, after]})
    return user


def user_set_password(*, user: User, password: str) -> User:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise BusinessError("；".join(exc.messages), field="new_password1") from None
    with transaction.atomic():
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.must_change_password = False
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        record(Action.PASSWORD_CHANGED, user, message="修改登录密码")
    return user


def user_set_active(*, user: User, active: bool) -> User:
    with transaction.atomic():
        before = snapshot(user, USER_FIELDS)
        user.is_active = active
        user.save(update_fields=["is_active"])
        log_update(user, before, message="启用账户" if active else "停用账户")
    return user


def password_expired(user: User, max_age_days: int) -> bool:
    if user.must_change_password:
        return True
    if not max_age_days or user.password_changed_at is None:
        return False
    return (timezone.now() - user.password_changed_at).days >= max_age_days


# --- Notifications -------------------------------------------------------------------------


def _insert_notifications(recipients_sql: str, recipients_params: list, *, title: str, body: str, link: str, dedupe_key: str) -> int:
    """One INSERT … SELECT of a message for each row (`pk`) of `recipients_sql`, skipping a
    recipient who already has `dedupe_key`."""
    table = Notification._meta.db_table
    sql = f"INSERT INTO {table} (recipient_id, title, body, link, dedupe_key, created_at) SELECT r.pk, %s, %s, %s, %s, %s FROM ({recipients_sql}) r"
    params = [title, body, link, dedupe_key, connection.ops.adapt_datetimefield_value(timezone.now()), *recipients_params]
    if dedupe_key:
        sql += f" WHERE NOT EXISTS (SELECT 1 FROM {table} n WHERE n.recipient_id = r.pk AND n.dedupe_key = %s)"
        params.append(dedupe_key)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def notify(*, users, title: str, body: str = "", link: str = "", dedupe_key: str = "") -> int:
    """Send an in-app message to each user; with `dedupe_key`, a user gets it only once.
    `users` may be a queryset (then it is one INSERT … SELECT, whatever the number of
    recipients) or any iterable of users."""
    if isinstance(users, models.QuerySet) and not users.query.is_sliced:
        try:
            recipients_sql, recipients_params = users.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            return 0
        return _insert_notifications(recipients_sql, list(recipients_params), title=title, body=body, link=link, dedupe_key=dedupe_key)
    ids = list(dict.fromkeys(u.pk for u in users))
    if dedupe_key and ids:
        done = set(Notification.objects.filter(dedupe_key=dedupe_key, recipient_id__in=ids).values_list("recipient_id", flat=True))
        ids = [i for i in ids if i not in done]
    Notification.objects.bulk_create([Notification(recipient_id=i, title=title, body=body, link=link, dedupe_key=dedupe_key) for i in ids])
    return len(ids)


_ORG_RECIPIENTS_SQL: dict[int, str] = {}


def notify_org(*, organization_id: int, roles, title: str, body: str = "", link: str = "", dedupe_key: str = "") -> int:
    """notify() to the active users of one organization who hold any of `roles` (a party of an
    order or a contract): the recipients' SQL is written once per process instead of compiled
    from a queryset on every message of a purchase."""
    roles = sorted(set(roles))
    sql = _ORG_RECIPIENTS_SQL.get(len(roles))
    if sql is None:
        sql = _ORG_RECIPIENTS_SQL[len(roles)] = (
            f"SELECT DISTINCT u.id AS pk FROM {User._meta.db_table} u JOIN {UserRole._meta.db_table} ur ON ur.user_id = u.id "
            f"WHERE u.is_active = %s AND u.organization_id = %s AND ur.role IN ({', '.join(['%s'] * len(roles))})"
        )
    return _insert_notifications(sql, [True, organization_id, *roles], title=title, body=body, link=link, dedupe_key=dedupe_key)


def users_with_role(role: str, *, region_path: str | None = None):
    qs = User.objects.filter(is_active=True, roles__role=role).distinct()
    if region_path:
        qs = qs.filter(organization__region__path__startswith=region_path)
    return qs


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user) -> int:
    """Every unread message of `user` marked read at once; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
