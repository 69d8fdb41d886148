"""Sign-in events into the audit log (successful, failed, locked out, sign-out)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from govmall.audit.models import Action
from govmall.audit.services import record
from govmall.core import context


def _user_scope(user):
    org = getattr(user, "organization", None)
    return (org.pk, org.region.path) if org else (None, "")


def _site_path(request) -> str:
    """Failed sign-ins belong to the sub-site they were tried on (its operators see them)."""
    site = getattr(request, "subsite", None)
    return site.region.path if site is not None else ""


def on_login(sender, request, user, **kwargs):
    from govmall.accounts.services import actor_of

    context.set_actor(actor_of(user))
    org_id, path = _user_scope(user)
    record(Action.LOGIN, user, owner_org_id=org_id, scope_path=path, message="登录成功（密码）")


def on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    org_id, path = _user_scope(user)
    record(Action.LOGOUT, user, owner_org_id=org_id, scope_path=path)


def on_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted user name is kept; the password never is. The entry is not tied to an
    # account (so its presence does not reveal whether the name exists).
    username = str(credentials.get("username", ""))[:150]
    record(Action.LOGIN_FAILED, object_type="accounts.user", object_repr=username, scope_path=_site_path(request), message="用户名或密码错误")


def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    record(Action.LOCKED_OUT, object_type="accounts.user", object_repr=str(username or "")[:150], scope_path=_site_path(request), message="连续 5 次登录失败，账户锁定 30 分钟")


def connect():
    user_logged_in.connect(on_login, dispatch_uid="govmall_audit_login")
    user_logged_out.connect(on_logout, dispatch_uid="govmall_audit_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="govmall_audit_login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="govmall_audit_locked_out")
