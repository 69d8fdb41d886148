"""Test helpers shared by every app's tests: factories and a cast of one person per role.

Not imported by application code. Data is created through the real services where they
exist, so tests exercise the same paths as the UI (and write the same audit entries)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import factory
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import uscc as uscc_std

from govmall.accounts.models import Organization, OrgKind, Role, User, UserRole
from govmall.regions.models import Region
from govmall.subsites.models import Subsite

PASSWORD = "Test#Pass2026"
_serial = itertools.count(1)

ROLE_KIND = {
    Role.PURCHASER_CLERK: OrgKind.PURCHASER,
    Role.PURCHASER_APPROVER: OrgKind.PURCHASER,
    Role.SUPPLIER_STAFF: OrgKind.SUPPLIER,
    Role.CENTRE_OPERATOR: OrgKind.PROCUREMENT_CENTRE,
    Role.FINANCE_SUPERVISOR: OrgKind.FINANCE_BUREAU,
    Role.PLATFORM_ADMIN: OrgKind.PLATFORM,
}


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def weihai() -> Subsite:
    return Subsite.objects.get(code="weihai")


def valid_uscc(region6: str = "371000", authority: str = "9", kind: str = "1") -> str:
    body = f"{authority}{kind}{region6}{next(_serial) * 7919 % 10**9:09d}"
    return body + uscc_std.calc_check_digit(body + "0")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = OrgKind.PURCHASER
    name = factory.Sequence(lambda n: f"测试单位{n}")
    region = factory.LazyFunction(lambda: region("371000"))
    subsite = factory.LazyFunction(weihai)
    uscc = factory.LazyAttribute(lambda o: valid_uscc(o.region.code[:6]))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"测试用户{n}")
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    password_changed_at = factory.LazyFunction(lambda: __import__("django.utils.timezone", fromlist=["now"]).now())

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        for role in extracted or []:
            UserRole.objects.create(user=self, role=role)
        self._role_cache = None


def make_user(role: str, *, region_code: str = "371000", org: Organization | None = None, totp_device: bool = True, **kwargs) -> User:
    """A user with one role, in a new organization of the right kind in `region_code`."""
    if org is None:
        org = OrganizationFactory(kind=ROLE_KIND[Role(role)], region=region(region_code))
    user = UserFactory(organization=org, roles=[role], **kwargs)
    if user.needs_two_factor and totp_device:
        TOTPDevice.objects.create(user=user, name="测试令牌", confirmed=True)
    return user


def current_totp(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client: Client, user: User) -> Client:
    """Signed in, with the second factor done for roles that need it."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def csrf_post(client: Client, url: str, data: dict | None = None, *, form_url: str | None = None, **extra):
    """POST as a browser does: fetch the form first, send its CSRF token back."""
    client.get(form_url or url)
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token}, **extra)


@dataclass
class Cast:
    """One person per role, plus people in other places to prove scoping."""

    purchaser: User  # 威海市 city-level purchaser clerk
    approver: User  # approver in the same organization
    purchaser_town: User  # clerk of a town purchaser in 文登区
    supplier: User
    operator: User  # 威海市政府采购中心
    supervisor_city: User  # 威海市财政局
    supervisor_district: User  # 环翠区财政局
    admin: User

    def all(self) -> dict[str, User]:
        return dict(vars(self))


def make_cast() -> Cast:
    purchaser = make_user(Role.PURCHASER_CLERK, username="c_purchaser")
    return Cast(
        purchaser=purchaser,
        approver=make_user(Role.PURCHASER_APPROVER, org=purchaser.organization, username="c_approver"),
        purchaser_town=make_user(Role.PURCHASER_CLERK, region_code="371003102", username="c_town"),
        supplier=make_user(Role.SUPPLIER_STAFF, region_code="371002", username="c_supplier"),
        operator=make_user(Role.CENTRE_OPERATOR, username="c_operator"),
        supervisor_city=make_user(Role.FINANCE_SUPERVISOR, username="c_sup_city"),
        supervisor_district=make_user(Role.FINANCE_SUPERVISOR, region_code="371002", username="c_sup_hc"),
        admin=make_user(Role.PLATFORM_ADMIN, region_code="370000", username="c_admin"),
    )


def browser_sign_in(page, base: str, user: User, password: str = PASSWORD) -> None:
    """Sign `user` in through the real sign-in form (and the TOTP step for 2FA roles) in a
    Playwright page, leaving any earlier session first."""
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if user.needs_two_factor:
        page.get_by_label("动态验证码").fill(current_totp(user))
        page.get_by_role("button", name="验证").click()


def race(worker, n_threads: int = 8, *, source: str = "web"):
    """Run `worker(i)` in `n_threads` real threads released together by a barrier, each with
    its own database connection and actor. Returns (every item the workers returned, every
    exception they raised); the test asserts on both."""
    import threading

    from django.db import connection

    from govmall.core.context import Actor, acting_as

    start = threading.Barrier(n_threads)
    results, errors, lock = [], [], threading.Lock()

    def run(i):
        try:
            start.wait(timeout=20)
            with acting_as(Actor(username=f"racer-{i}"), source=source):
                out = worker(i)
            with lock:
                results.extend(out)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert not any(t.is_alive() for t in threads)
    return results, errors
