"""A believable Weihai for `make run`: real regions, ~30 purchasers over city, districts and
towns, ~20 suppliers, finance bureaus, the procurement centre, agencies, one user per role.

Idempotent: everything is looked up by its code or user name first, so loading twice changes
nothing. Organizations and users are created through the same audited services as the UI.
Names of companies are invented; the regions are real (regions/data/SOURCES.md)."""

from __future__ import annotations

import base64
import binascii

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import uscc as uscc_std

from govmall.accounts.models import Organization, OrgKind, Role, User
from govmall.accounts.services import org_create, user_create
from govmall.core.context import Actor, acting_as
from govmall.regions.models import Region
from govmall.subsites.models import Subsite

DEMO_PASSWORD = "Weihai#2026"
# The demo TOTP key (20 bytes). Shown by `make run` so a tester can add it to an
# authenticator app, and used by `manage.py demo_otp` (refused in production).
DEMO_TOTP_HEX = binascii.hexlify(b"GovMall-Weihai-demo!").decode()
DEMO_TOTP_BASE32 = base64.b32encode(binascii.unhexlify(DEMO_TOTP_HEX)).decode()

CITY = "371000"
COUNTIES = {
    "371002": "环翠区",
    "371003": "文登区",
    "371071": "火炬高技术产业开发区",
    "371072": "经济技术开发区",
    "371073": "临港经济技术开发区",
    "371082": "荣成市",
    "371083": "乳山市",
}

FINANCE = [(CITY, "威海市财政局")] + [(code, f"{'威海' if code.startswith('37107') else ''}{name}{'财政金融局' if code.startswith('37107') else '财政局'}") for code, name in COUNTIES.items()]

PURCHASERS = [
    # (budget-unit code, name, region, unit type: 1 机关 / 2 事业单位)
    ("371000001", "威海市教育局", CITY, "1"),
    ("371000002", "威海市卫生健康委员会", CITY, "1"),
    ("371000003", "威海市公安局", CITY, "1"),
    ("371000004", "威海市自然资源和规划局", CITY, "1"),
    ("371000005", "威海市住房和城乡建设局", CITY, "1"),
    ("371000006", "威海市交通运输局", CITY, "1"),
    ("371000007", "威海市文化和旅游局", CITY, "1"),
    ("371000008", "威海市第一中学", CITY, "2"),
    ("371000009", "威海市中心医院", CITY, "2"),
    ("371000010", "威海市图书馆", CITY, "2"),
    ("371002001", "威海市环翠区教育和体育局", "371002", "1"),
    ("371002002", "威海市环翠区卫生健康局", "371002", "1"),
    ("371002101", "威海市环翠区张村镇人民政府", "371002100", "1"),
    ("371002102", "威海市环翠区鲸园街道办事处", "371002002", "1"),
    ("371003001", "威海市文登区教育和体育局", "371003", "1"),
    ("371003002", "威海市文登区农业农村局", "371003", "1"),
    ("371003101", "威海市文登区张家产镇人民政府", "371003102", "1"),
    ("371003102", "威海市文登区龙山路街道办事处", "371003001", "1"),
    ("371071001", "威海火炬高技术产业开发区管理委员会办公室", "371071", "1"),
    ("371071101", "威海火炬高技术产业开发区初村镇人民政府", "371071108", "1"),
    ("371072001", "威海经济技术开发区社会事业局", "371072", "1"),
    ("371072101", "威海经济技术开发区崮山镇人民政府", "371072103", "1"),
    ("371073001", "威海临港经济技术开发区社会事务管理局", "371073", "1"),
    ("371073101", "威海临港经济技术开发区草庙子镇人民政府", "371073107", "1"),
    ("371082001", "荣成市教育和体育局", "371082", "1"),
    ("371082002", "荣成市人民医院", "371082", "2"),
    ("371082101", "荣成市石岛管理区斥山街道办事处", "371082006", "1"),
    ("371082102", "荣成市俚岛镇人民政府", "371082101", "1"),
    ("371083001", "乳山市教育和体育局", "371083", "1"),
    ("371083101", "乳山市海阳所镇人民政府", "371083102", "1"),
    ("371083102", "乳山市城区街道办事处", "371083001", "1"),
]

SUPPLIERS = [
    ("威海华信办公设备有限公司", "371002"),
    ("威海蓝海信息技术有限公司", "371071"),
    ("威海鼎诚电脑科技有限公司", "371002"),
    ("威海市环翠区文汇办公用品经营部", "371002"),
    ("威海海韵家具有限公司", "371003"),
    ("文登区万佳纸业有限公司", "371003"),
    ("荣成市海之星电器有限公司", "371082"),
    ("乳山市金岭商贸有限公司", "371083"),
    ("威海经区远航汽车服务有限公司", "371072"),
    ("威海临港宏达建材有限公司", "371073"),
    ("威海恒泰空调工程有限公司", "371002"),
    ("威海博文图书有限公司", "371002"),
    ("荣成市安康医疗器械有限公司", "371082"),
    ("威海绿源环境科技有限公司", "371071"),
    ("威海市新世纪印务有限公司", "371003"),
    ("乳山市鑫源物业管理有限公司", "371083"),
    ("威海正和网络科技有限公司", "371072"),
    ("荣成市诚信办公家具厂", "371082"),
    ("山东齐鲁数码科技有限公司", "370102"),
    ("青岛海联商用设备有限公司", "370202"),
]

AGENCIES = [("威海诚信招标代理有限公司", "371002"), ("山东正信项目管理咨询有限公司威海分公司", "371072")]

USERS = [
    # (username, display name, organization finder, roles, needs TOTP)
    ("admin", "平台管理员", ("platform", "山东省政府采购网上商城运营管理组"), [Role.PLATFORM_ADMIN]),
    ("operator", "刘晓燕", ("centre", "威海市政府采购中心"), [Role.CENTRE_OPERATOR]),
    ("supervisor", "王建国", ("name", "威海市财政局"), [Role.FINANCE_SUPERVISOR]),
    ("supervisor_hc", "孙丽", ("name", "环翠区财政局"), [Role.FINANCE_SUPERVISOR]),
    ("purchaser", "张敏", ("code", "371000001"), [Role.PURCHASER_CLERK]),
    ("approver", "李强", ("code", "371000001"), [Role.PURCHASER_APPROVER]),
    ("purchaser_town", "于海波", ("code", "371003101"), [Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER]),
    ("supplier", "赵磊", ("name", "威海华信办公设备有限公司"), [Role.SUPPLIER_STAFF]),
]


def _org_code_check(digits8: str) -> str:
    """GB 11714 organization code check character."""
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    value = lambda c: int(c) if c.isdigit() else ord(c) - 55  # noqa: E731
    s = sum(value(c) * w for c, w in zip(digits8, weights))
    c = 11 - s % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_uscc(authority: str, kind: str, region6: str, serial: int) -> str:
    body8 = f"{(int(region6) * 7 + serial * 104729) % 10**8:08d}"
    first17 = f"{authority}{kind}{region6}{body8}{_org_code_check(body8)}"
    number = first17 + "0"
    return first17 + uscc_std.calc_check_digit(number)


def load_demo(stdout=None) -> dict:
    say = stdout.write if stdout else (lambda s: None)
    regions = {r.code: r for r in Region.objects.all()}
    weihai = Subsite.objects.get(code="weihai")
    province = Subsite.objects.get(code="shandong")
    created = {"organizations": 0, "users": 0}

    def ensure(kind, name, region_code, *, code=None, uscc=None, subsite=weihai, parent=None, **extra):
        existing = Organization.objects.filter(name=name).first() or (Organization.objects.filter(code=code).first() if code else None)
        if existing:
            return existing
        created["organizations"] += 1
        return org_create(kind=kind, name=name, region=regions[region_code], subsite=subsite, code=code, uscc=uscc, parent=parent, **extra)

    with acting_as(Actor(username="demo-loader"), source="command"), transaction.atomic():
        ensure(OrgKind.PLATFORM, "山东省政府采购网上商城运营管理组", "370000", subsite=province)
        ensure(OrgKind.PROCUREMENT_CENTRE, "威海市政府采购中心", CITY, uscc=make_uscc("1", "2", CITY, 1), contact_name="刘晓燕", contact_phone="0631-5200000")
        bureaus = {}
        for i, (code, name) in enumerate(FINANCE):
            bureaus[code] = ensure(OrgKind.FINANCE_BUREAU, name, code, uscc=make_uscc("1", "1", code, 100 + i))
        for i, (code, name, region, unit_type) in enumerate(PURCHASERS):
            region_obj = regions[region]
            ensure(
                OrgKind.PURCHASER, name, region, code=code, uscc=make_uscc("1", unit_type, region[:6], 200 + i),
                contact_name="办公室", contact_phone=f"0631-58{i:05d}",
            )  # fmt: skip
            del region_obj
        for i, (name, region) in enumerate(SUPPLIERS):
            site = weihai
            ensure(OrgKind.SUPPLIER, name, region, uscc=make_uscc("9", "1", region, 300 + i), subsite=site, contact_name="销售部", contact_phone=f"138{i:08d}")
        for i, (name, region) in enumerate(AGENCIES):
            ensure(OrgKind.AGENCY, name, region, uscc=make_uscc("9", "1", region, 400 + i))

        for username, display, (how, key), roles in USERS:
            if User.objects.filter(username=username).exists():
                continue
            if how == "code":
                org = Organization.objects.get(code=key)
            else:
                org = Organization.objects.get(name=key)
            user = user_create(username=username, password=DEMO_PASSWORD, organization=org, roles=[str(r) for r in roles], display_name=display)
            created["users"] += 1
            if user.needs_two_factor:
                TOTPDevice.objects.create(user=user, name="演示令牌", key=DEMO_TOTP_HEX, confirmed=True)
    say(f"demo data: {created['organizations']} organizations and {created['users']} users created\n")
    # Each app above accounts loads its own demo data, in dependency order. Every loader is
    # idempotent and prints one line.
    for loader in app_demo_loaders():
        with acting_as(Actor(username="demo-loader"), source="command"), transaction.atomic():
            loader(say)
    return created


def app_demo_loaders():
    """Demo loaders of the apps above accounts, lowest layer first (add yours here)."""
    from govmall.catalog import demo as catalog_demo
    from govmall.limits import demo as limits_demo  # purchasers, plans and limits, in that order

    from govmall.products import demo as products_demo
    from govmall.training import demo as training_demo
    from govmall.suppliers import demo as suppliers_demo  # onboarding of the demo suppliers (after training, before products)

    from govmall.ordering import demo as ordering_demo  # direct-purchase orders (after limits: uses the demo plans)
    from govmall.bidding import demo as bidding_demo  # online biddings (after ordering; own plan)
    from govmall.contracts import demo as contracts_demo  # signing, acceptance, payment of the demo contracts (after ordering and bidding)

    return [catalog_demo.load, training_demo.load, suppliers_demo.load, products_demo.load, limits_demo.load, ordering_demo.load, bidding_demo.load, contracts_demo.load]


def demo_logins_text() -> str:
    lines = [
        "",
        "GovMall demo — Weihai sub-site: http://127.0.0.1:8000/",
        f"All demo users share the password {DEMO_PASSWORD}",
        "",
        f"  {'user name':<20}{'role':<14}organization",
    ]
    for username, display, (how, key), roles in USERS:
        role = "、".join(Role(r).label for r in roles)
        totp = "  [TOTP]" if set(roles) & {Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN} else ""
        org = key if how != "code" else next(p[1] for p in PURCHASERS if p[0] == key)
        lines.append(f"  {username:<20}{role:<14}{org}{totp}")
    # Staff of the other demo suppliers (made by the bidding demo, so that three of them quote).
    known = {u[0] for u in USERS}
    for user in User.objects.filter(username__startswith="supplier_", organization__isnull=False).exclude(username__in=known).select_related("organization").order_by("username"):
        lines.append(f"  {user.username:<20}{Role.SUPPLIER_STAFF.label:<14}{user.organization.name}")
    lines += [
        "",
        "[TOTP] users need a 6-digit code after the password. Add this key to any authenticator",
        f"app (TOTP, SHA-1, 6 digits, 30 s): {DEMO_TOTP_BASE32}",
        "or print the current code with:  .venv/bin/python manage.py demo_otp operator",
        "",
    ]
    return "\n".join(lines)
