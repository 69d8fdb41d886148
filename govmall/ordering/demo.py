"""Demo direct purchases made through the ordering services (cart → submit with reservation →
supplier's answer), so the audit log, reservations and notifications are what the UI produces:
the demo purchaser's orders (user `purchaser`, 威海市教育局) in different states — awaiting
the supplier, confirmed, refused, cancelled — and the town clerk's two computer purchases
(user `purchaser_town`) within 30 days, which together pass the town's 30 万 direct-purchase
band and so are flagged as possible splitting (化整为零). Every plan figure of the demo comes
from these orders, the biddings and their contracts. Idempotent: each demo order is found by
its submit token."""

from __future__ import annotations

from govmall.accounts.models import User
from govmall.accounts.services import actor_of
from govmall.core.context import acting_as
from govmall.core.errors import BusinessError
from govmall.ordering import services
from govmall.ordering.models import CartItem, Order
from govmall.plans import demo as plans_demo
from govmall.plans.models import Plan
from govmall.products.models import Listing, ListingStatus
from govmall.purchasers.budget import today

HUAXIN = "威海华信办公设备有限公司"
LANHAI = "威海蓝海信息技术有限公司"

# (token, buyer, supplier, [(category code, quantity)], plan (purchaser code, serial), what happens next, reason)
ORDERS = [
    ("DEMO-ORDER-1", "purchaser", HUAXIN, [("A02010105", 6), ("A02010108", 2)], ("371000001", 1), "confirm", ""),
    ("DEMO-ORDER-2", "purchaser", HUAXIN, [("A02021003", 3)], ("371000001", 2), "wait", ""),
    ("DEMO-ORDER-3", "purchaser", LANHAI, [("A02010108", 4)], ("371000001", 1), "wait", ""),
    ("DEMO-ORDER-4", "purchaser", HUAXIN, [("A02010108", 2)], ("371000001", 1), "refuse", "该型号本月缺货，预计下月到货"),
    ("DEMO-ORDER-5", "purchaser", HUAXIN, [("A02021004", 1)], ("371000001", 2), "cancel", "科室需求调整，改为下季度采购"),
    ("DEMO-TOWN-1", "purchaser_town", HUAXIN, [("A02010105", 40)], ("371003101", 1), "confirm", ""),
    ("DEMO-TOWN-2", "purchaser_town", LANHAI, [("A02010108", 33)], ("371003101", 1), "wait", ""),
]
# where each demo buyer's goods go, and whom the supplier calls
DELIVERY = {
    "purchaser": ("威海市环翠区新威路 39 号 威海市教育局", "张敏 0631-5233000"),
    "purchaser_town": ("威海市文登区张家产镇人民政府 便民服务中心", "于海波 0631-8461001"),
}


def load(say) -> None:
    buyers = {u.username: u for u in User.objects.filter(username__in={o[1] for o in ORDERS}).select_related("organization")}
    supplier_user = User.objects.filter(username="supplier").first()
    if "purchaser" not in buyers:
        say("ordering demo: no demo purchaser, skipped\n")
        return
    year = today().year
    made = 0
    for token, username, supplier_name, wanted, (code, serial), then, reason in ORDERS:
        buyer = buyers.get(username)
        if buyer is None or Order.objects.filter(submit_token=token).exists():
            continue
        plan = Plan.objects.filter(plan_no=plans_demo.plan_no(code, serial, year)).first()
        listings = []
        for category_code, qty in wanted:
            listing = (
                Listing.objects.filter(supplier__name=supplier_name, category__code=category_code, status=ListingStatus.LISTED, stock__gte=qty)
                .order_by("price", "pk")
                .first()
            )
            if listing is not None:
                listings.append((listing, qty))
        if plan is None or not listings:
            continue
        # One order per supplier and level-2 category: a demo order's cart holds only its own
        # items of the first item's level-2 category (what a clerk checks out as one order).
        # Each step is taken as the person who takes it in the UI, so the audit log and the
        # order's timeline name them.
        with acting_as(actor_of(buyer), source="web"):
            for item in CartItem.objects.filter(user=buyer):
                services.cart_remove(user=buyer, item_id=item.pk)
            group = services.group_key(listings[0][0])
            listings = [(lst, qty) for lst, qty in listings if services.group_key(lst) == group]
            for listing, qty in listings:
                services.cart_add(user=buyer, listing_id=listing.pk, quantity=qty)
            sid, cap = services.group_key(listings[0][0])
            address, contact = DELIVERY[username]
            try:
                order = services.order_submit(
                    user=buyer, supplier_id=sid, cap_category_id=cap, plan_ids=[plan.pk], prices={lst.pk: str(lst.price) for lst, _ in listings},
                    token=token, delivery_address=address, contact=contact,
                )  # fmt: skip
            except BusinessError as exc:
                say(f"ordering demo: {token} not placed: {exc.message}\n")
                continue
        if then in ("confirm", "refuse") and supplier_user is not None and supplier_user.organization_id == order.supplier_id:
            with acting_as(actor_of(supplier_user), source="web"):
                if then == "confirm":
                    services.order_confirm(order=order, user=supplier_user)
                else:
                    services.order_refuse(order=order, user=supplier_user, reason=reason)
        elif then == "cancel":
            with acting_as(actor_of(buyer), source="web"):
                services.order_cancel(order=order, user=buyer, reason=reason)
        made += 1
    say(f"ordering demo: {made} direct-purchase orders placed\n")
