"""Demo online biddings of the demo purchaser (user `purchaser`, 威海市教育局), made through the
bidding services: one open with sealed quotes, one finished (a small supplier wins after the
price deduction; the winner, demo user `supplier`, confirms; the result notice is public), and
one failed for too few quotes. They draw on a plan of their own (部门集中采购, so the annual
cap the other demos use is left alone).

The demo cannot wait two working days for a close: once the quotes are in, the finished and
the failed bidding have their deadline moved to that moment and are then closed by
the same `bidding_close` the worker runs. Quoting suppliers other than 华信 get one staff user
each (`supplier_lanhai`, `supplier_dingcheng`, `supplier_qilu`, demo password). Idempotent:
each bidding is found by its title."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from govmall.accounts.models import Organization, Role, User
from govmall.accounts.services import actor_of, user_create
from govmall.bidding import services
from govmall.bidding.models import Bidding
from govmall.core.context import acting_as
from govmall.core.errors import BusinessError
from govmall.plans.models import Plan
from govmall.purchasers.budget import today

DEMO_PASSWORD = "Weihai#2026"  # the demo users' shared password (portal.demo.DEMO_PASSWORD)
HUAXIN, LANHAI, DINGCHENG, QILU = "威海华信办公设备有限公司", "威海蓝海信息技术有限公司", "威海鼎诚电脑科技有限公司", "山东齐鲁数码科技有限公司"
STAFF = {LANHAI: ("supplier_lanhai", "陈晓东"), DINGCHENG: ("supplier_dingcheng", "孙婷"), QILU: ("supplier_qilu", "高峰")}
SPECS = "处理器：国产或 Intel 酷睿 i5 十二代及以上\n内存：16GB DDR4\n硬盘：512GB 固态硬盘\n显示器：23.8 英寸\n操作系统：国产操作系统（预装）"

BIDDINGS = [
    {
        "title": "威海市教育局智慧教室台式计算机采购（120台）", "category": "A02010105", "quantity": "120", "ceiling_price": "580000",
        "quotes": [(HUAXIN, "556800", "联想 开天 M90z"), (LANHAI, "561000", "华为 擎云 B730"), (QILU, "548500", "同方 超翔 TZ830")], "then": "open",
    },
    {
        "title": "威海市教育局教师办公便携式计算机采购（90台）", "category": "A02010108", "quantity": "90", "ceiling_price": "560000",
        "quotes": [(QILU, "498000", "同方 超锐 TL630"), (HUAXIN, "528000", "联想 昭阳 K4e"), (LANHAI, "545000", "华为 擎云 L540"), (DINGCHENG, "552000", "宏碁 墨舞 TX50")],
        "then": "confirm",
    },
    {
        "title": "威海市教育局录播教室台式计算机采购（80台）", "category": "A02010105", "quantity": "80", "ceiling_price": "520000",
        "quotes": [(LANHAI, "505000", "华为 擎云 B730"), (DINGCHENG, "512000", "联想 开天 M90z")], "then": "fail",
    },
]  # fmt: skip


def _plan(buyer, year: int):
    from govmall.plans.services import plan_create
    from govmall.purchasers.models import Purchaser

    plan_no = f"WH{year}-371000001-JJ1"
    plan = Plan.objects.filter(plan_no=plan_no).first()
    if plan is None:
        purchaser = Purchaser.objects.get(organization=buyer.organization)
        plan = plan_create(
            plan_no=plan_no, year=year, purchaser=purchaser, category="A0201", amount=Decimal("1800000"), procurement_form="department",
            description="智慧教室及教师办公计算机（网上竞价）",
        )  # fmt: skip
    return plan


def _supplier_user(name: str):
    if name == HUAXIN:
        return User.objects.filter(username="supplier").first()
    org = Organization.objects.filter(name=name).first()
    if org is None:
        return None
    username, display = STAFF[name]
    user = User.objects.filter(username=username).first()
    return user or user_create(username=username, password=DEMO_PASSWORD, organization=org, roles=[Role.SUPPLIER_STAFF], display_name=display)


def _not_eligible() -> list[str]:
    from govmall.catalog.selectors import category_by_code
    from govmall.suppliers.selectors import can_quote

    out = []
    for spec in BIDDINGS:
        category = category_by_code(spec["category"])
        for name, _price, _model in spec["quotes"]:
            org = Organization.objects.filter(name=name).first()
            ok, reasons = can_quote(org, category) if org else (False, ["不存在"])
            text = f"{name}（{'；'.join(reasons)}）"
            if not ok and text not in out:
                out.append(text)
    return out


def load(say) -> None:
    buyer = User.objects.filter(username="purchaser").select_related("organization").first()
    if buyer is None:
        say("bidding demo: no demo purchaser, skipped\n")
        return
    missing = _not_eligible()
    if missing:
        say("bidding demo: skipped, these suppliers cannot quote yet (load the suppliers demo first): " + "；".join(missing) + "\n")
        return
    plan = _plan(buyer, today().year)
    made, notes = 0, []
    for spec in BIDDINGS:
        if Bidding.objects.filter(title=spec["title"]).exists():
            continue
        data = {
            "title": spec["title"], "category": spec["category"], "plan": str(plan.pk), "quantity": spec["quantity"], "unit": "台",
            "ceiling_price": spec["ceiling_price"], "specs": "所投产品须为国产化适配机型，提供三年原厂上门保修。", "spec_lines": SPECS,
            "delivery_terms": "送货上门、安装调试并完成国产操作系统适配；提供 7×24 小时售后电话。", "delivery_place": "威海市环翠区新威路 39 号 威海市教育局",
            "delivery_days": "20", "eligibility_note": "具有台式计算机或便携式计算机经营范围的入驻供应商。",
        }  # fmt: skip
        with acting_as(actor_of(buyer), source="command"):
            bidding = services.bidding_create(user=buyer, data=data)
            try:
                bidding = services.bidding_publish(bidding=bidding, user=buyer)
            except BusinessError as exc:
                notes.append(f"{spec['title']} 未发布：{exc.message}")
                continue
        for name, price, model in spec["quotes"]:
            user = _supplier_user(name)
            if user is None:
                continue
            try:
                with acting_as(actor_of(user), source="command"):
                    services.quote_submit(bidding=bidding, user=user, price=price, brand_model=model)
            except BusinessError as exc:
                notes.append(f"{name} 未能报价：{exc.message}")
        made += 1
        if spec["then"] == "open":
            continue
        Bidding.objects.filter(pk=bidding.pk).update(quote_closes_at=timezone.now())  # after the last quote
        with acting_as(source="worker"):
            bidding = services.bidding_close(bidding=bidding.pk)
        if spec["then"] == "confirm" and bidding.awarded_quote is not None:
            winner = User.objects.filter(organization_id=bidding.awarded_quote.supplier_id, roles__role=Role.SUPPLIER_STAFF).first()
            try:
                with acting_as(actor_of(winner), source="command"):
                    services.award_confirm(bidding=bidding, user=winner)
            except BusinessError as exc:
                notes.append(f"{spec['title']} 未确认成交：{exc.message}")
    say(f"bidding demo: {made} online biddings (open, finished, failed)\n" + "".join(f"  {n}\n" for n in notes))
