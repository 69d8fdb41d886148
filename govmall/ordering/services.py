"""Ordering writes: cart, checkout (submit with reservation), approval, supplier confirmation
or refusal, lapse, cancellation, delivery notice, and the steps the contracts app reports.

Every status change goes through `_move` (audit.states.transition with ORDER_MACHINE). Money
moves only through govmall.limits.services (reserve / release), inside the same transaction
as the order change, so an order and its reservations commit or roll back together.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from govmall.accounts.models import Role
from govmall.accounts.services import notify_org
from govmall.audit.models import Action
from govmall.audit.services import log_create, log_update, record, snapshot
from govmall.audit.states import transition
from govmall.catalog.models import Category
from govmall.catalog.selectors import cap_category_id as cap_id_of
from govmall.core.db import joined_atomic
from govmall.core.errors import BusinessError
from govmall.core.memo import ProcessCache
from govmall.limits import policy
from govmall.limits import services as limits
from govmall.limits.locks import locked_write
from govmall.limits.models import PurchaseMode, Reservation, ReservationStatus
from govmall.ordering import hooks
from govmall.ordering.models import CartItem, Order, OrderFunding, OrderingRules, OrderLine, OrderStatus
from govmall.ordering.states import ORDER_MACHINE
from govmall.plans.models import Plan
from govmall.products.models import Listing, ListingStatus
from govmall.purchasers.budget import parse_amount, wan
from govmall.purchasers.models import Purchaser
from govmall.purchasers.selectors import purchaser_of_user
from govmall.workdays.services import add_working_days

MAX_QUANTITY = 99999
REASON_MAX = 300
S = OrderStatus


# --- Rules per sub-site ---------------------------------------------------------------------


rules_cache = ProcessCache("ordering-rules")  # emptied on a change (apps.py)


def rules_for(subsite, *, cached: bool = False) -> OrderingRules:
    """The sub-site's ordering rules. `cached`: as kept per process for a minute (core.memo),
    for a purchase; the rules page reads them fresh."""
    if cached:
        return copy.copy(rules_cache.get(subsite.pk, lambda: rules_for(subsite)))
    rules = OrderingRules.objects.filter(subsite=subsite).first()
    if rules is None:
        OrderingRules.objects.bulk_create([OrderingRules(subsite=subsite)], ignore_conflicts=True)
        rules = OrderingRules.objects.get(subsite=subsite)
    return rules


def rules_update(*, subsite, approval_required: bool, confirm_working_days) -> OrderingRules:
    try:
        days = int(str(confirm_working_days).strip())
    except ValueError:
        raise BusinessError("供应商确认时限须为整数个工作日", field="confirm_working_days") from None
    if not 1 <= days <= 15:
        raise BusinessError(f"供应商确认时限须在 1 至 15 个工作日之间，现为 {days}", field="confirm_working_days")
    with transaction.atomic():
        rules = rules_for(subsite)
        rules = OrderingRules.objects.select_for_update().get(pk=rules.pk)
        before = snapshot(rules, ["approval_required", "confirm_working_days"])
        rules.approval_required = bool(approval_required)
        rules.confirm_working_days = days
        rules.save()
        log_update(rules, before, message="修改直购规则")
    return rules


# --- Helpers ---------------------------------------------------------------------------------


def parse_quantity(value, *, field: str = "quantity", label: str = "数量") -> int:
    text = str(value if value is not None else "").strip()
    if not text:
        raise BusinessError(f"请填写{label}", field=field)
    try:
        qty = int(text)
    except ValueError:
        raise BusinessError(f"{label}「{text[:20]}」不是整数", field=field) from None
    if qty < 1 or qty > MAX_QUANTITY:
        raise BusinessError(f"{label}须为 1 至 {MAX_QUANTITY:,} 之间的整数，现为 {qty:,}", field=field)
    return qty


def _reason(value, *, field: str = "reason", label: str = "理由") -> str:
    text = (value or "").strip()
    if not text:
        raise BusinessError(f"请填写{label}", field=field)
    if len(text) > REASON_MAX:
        raise BusinessError(f"{label}不能超过 {REASON_MAX} 个字", field=field)
    return text


def _link(order: Order) -> str:
    return f"/orders/{order.pk}/"


def _notify_purchaser(order: Order, title: str, body: str = "", *, key: str) -> None:
    notify_org(organization_id=order.purchaser.organization_id, roles=(Role.PURCHASER_CLERK,), title=title, body=body, link=_link(order), dedupe_key=f"order:{order.pk}:{key}")


def _notify_supplier(order: Order, title: str, body: str = "", *, key: str) -> None:
    notify_org(organization_id=order.supplier_id, roles=(Role.SUPPLIER_STAFF,), title=title, body=body, link=f"/supplier/orders/{order.pk}/", dedupe_key=f"order:{order.pk}:{key}")


def _require_role(user, roles, what: str) -> None:
    if user is None or not (user.role_set & set(roles)):
        raise BusinessError(f"您没有{what}的权限", code="forbidden")


def _require_purchaser_side(user, order: Order, roles, what: str) -> None:
    _require_role(user, roles, what)
    if user.organization_id != order.purchaser.organization_id:
        raise BusinessError(f"只有本单位人员才能{what}", code="forbidden")


def _require_supplier_side(user, order: Order, what: str) -> None:
    _require_role(user, {Role.SUPPLIER_STAFF}, what)
    if user.organization_id != order.supplier_id:
        raise BusinessError(f"只有本订单的供应商才能{what}", code="forbidden")


def _move(order: Order, to: str, *, reason: str = "", extra: dict | None = None, refusal: str | None = None, current: str | None = None) -> Order:
    """The one place an order's status changes. `refusal` replaces the generic message when
    the state does not allow the move (a plain Chinese sentence for that action); `current`
    as for transition() (the caller holds the order's row lock)."""
    from govmall.audit.states import InvalidTransition

    try:
        return transition(order, to, machine=ORDER_MACHINE, reason=reason, extra_fields=extra, current=current)
    except InvalidTransition as exc:
        current = Order.objects.filter(pk=order.pk).values_list("status", flat=True).first()
        label = ORDER_MACHINE.label(current) if current else ""
        raise BusinessError(f"{refusal}：订单 {order.order_no} 当前状态为「{label}」" if refusal else exc.message, field="status", code="state") from None


def _release_all(order: Order, reason: str) -> None:
    for funding in order.fundings.select_related("reservation").order_by("plan_id"):
        res = Reservation.objects.get(pk=funding.reservation_id)
        if res.status == ReservationStatus.RESERVED:
            limits.release(reservation=res, reason=f"订单 {order.order_no}：{reason}"[:200])


def audit_attempt(*, purchaser: Purchaser | None, message: str, changes: dict | None = None) -> None:
    """A refused attempt (tampered price, plan of another unit, double submit …) is kept in the
    audit log, outside the rolled-back transaction."""
    org = purchaser.organization if purchaser else None
    record(
        Action.SYSTEM,
        None,
        object_type="ordering.order_attempt",
        object_id="",
        object_repr="直购下单被拒绝",
        owner_org_id=org.pk if org else None,
        scope_path=org.region.path if org else "",
        changes=changes or {},
        message=message,
    )


def end_of_working_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def confirm_deadline_for(order: Order, start: dt.datetime, rules: OrderingRules | None = None) -> dt.datetime:
    n = (rules or rules_for(order.subsite, cached=True)).confirm_working_days
    return end_of_working_day(add_working_days(start, n).date)


# --- Cart ------------------------------------------------------------------------------------


def _buyer(user) -> Purchaser:
    if user is None or Role.PURCHASER_CLERK not in user.role_set:
        raise BusinessError("只有采购经办人可以使用购物车和下单", code="forbidden")
    purchaser = purchaser_of_user(user)
    if purchaser is None:
        raise BusinessError("您的单位尚未登记为采购人，不能下单", code="forbidden")
    return purchaser


def _buyable(listing_id, *, user) -> Listing:
    try:
        pk = int(str(listing_id).strip())
    except ValueError:
        raise BusinessError("商品编号不正确", field="listing") from None
    listing = next(iter(Listing.objects.only("status", "subsite_id", "title", "stock").filter(pk=pk)[:1]), None)  # what cart_add reads
    if listing is None:
        raise BusinessError("商品不存在", field="listing")
    if listing.status != ListingStatus.LISTED:
        raise BusinessError(f"商品「{listing.title}」已下架或未上架，不能购买", field="listing")
    if user.organization and listing.subsite_id != user.organization.subsite_id:
        raise BusinessError(f"商品「{listing.title}」不属于本分站，不能购买", field="listing")
    return listing


def cart_add(*, user, listing_id, quantity) -> CartItem:
    _buyer(user)
    qty = parse_quantity(quantity)
    listing = _buyable(listing_id, user=user)
    with transaction.atomic():
        item = CartItem.objects.select_for_update().filter(user=user, listing=listing).first()
        new_qty = qty + (item.quantity if item else 0)
        if new_qty > MAX_QUANTITY:
            raise BusinessError(f"数量合计不能超过 {MAX_QUANTITY:,}", field="quantity")
        if new_qty > listing.stock:
            raise BusinessError(f"「{listing.title}」库存只有 {listing.stock} 件，不能加入 {new_qty} 件", field="quantity")
        if item is None:
            item = CartItem.objects.create(user=user, listing=listing, quantity=new_qty)
            log_create(item, fields=["user_id", "listing_id", "quantity"], message="加入购物车")
        else:
            before = snapshot(item, ["quantity"])
            item.quantity = new_qty
            item.save(update_fields=["quantity", "updated_at"])
            log_update(item, before, message="购物车数量增加")
    return item


def cart_set_quantity(*, user, item_id, quantity) -> CartItem:
    _buyer(user)
    qty = parse_quantity(quantity)
    with transaction.atomic():
        item = CartItem.objects.select_for_update().select_related("listing").filter(user=user, pk=item_id).first()
        if item is None:
            raise BusinessError("购物车中没有这件商品", field="item")
        if qty > item.listing.stock:
            raise BusinessError(f"「{item.listing.title}」库存只有 {item.listing.stock} 件", field="quantity")
        before = snapshot(item, ["quantity"])
        item.quantity = qty
        item.save(update_fields=["quantity", "updated_at"])
        log_update(item, before, message="修改购物车数量")
    return item


def cart_remove(*, user, item_id) -> None:
    with transaction.atomic():
        item = CartItem.objects.filter(user=user, pk=item_id).first()
        if item is None:
            return
        record(Action.DELETE, item, changes={"listing_id": [item.listing_id, None], "quantity": [item.quantity, None]}, message="移出购物车")
        item.delete()


# --- Checkout --------------------------------------------------------------------------------


@dataclass
class FundingPart:
    plan: Plan
    amount: Decimal


@dataclass
class Checkout:
    """What a checkout of one supplier group would do: its lines at today's prices, the
    funding split and the policy check with every reason."""

    supplier_id: int
    cap_category: Category
    category: Category  # the purchase's category for the policy check (common ancestor of the lines)
    items: list  # CartItem with .listing
    total: Decimal
    fundings: list[FundingPart] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    results: list = field(default_factory=list)  # (FundingPart, PolicyResult)
    total_result: policy.PolicyResult | None = None

    @property
    def allowed(self) -> bool:
        return not self.reasons and bool(self.fundings)


def common_category(categories: list[Category]) -> Category:
    """The deepest category containing all of `categories` (their common path prefix)."""
    if len({c.pk for c in categories}) == 1:
        return categories[0]
    paths = [c.path.strip("/").split("/") for c in categories]
    prefix = []
    for parts in zip(*paths):
        if len(set(parts)) != 1:
            break
        prefix.append(parts[0])
    if not prefix:
        raise BusinessError("订单中的商品不属于同一品目大类，请分开下单", field="items")
    return Category.objects.get(edition_id=categories[0].edition_id, code=prefix[-1])


def group_key(listing: Listing) -> tuple[int, int]:
    return listing.supplier_id, cap_id_of(listing.category)


def cart_items_for(user, *, supplier_id: int, cap_category_id: int) -> list[CartItem]:
    items = list(CartItem.objects.filter(user=user, listing__supplier_id=supplier_id).select_related("listing", "listing__category", "listing__brand", "listing__supplier").order_by("id"))
    return [i for i in items if cap_id_of(i.listing.category) == cap_category_id]


def parse_fundings(purchaser: Purchaser, total: Decimal, plan_ids: list, amounts: dict | None = None) -> list[FundingPart]:
    """The chosen plans with the part of the total each pays. Amounts left blank are filled
    from the plans' remaining money in the order chosen. Refuses plans of another purchaser."""
    amounts = amounts or {}
    ids: list[int] = []
    for raw in plan_ids:
        try:
            pid = int(str(raw).strip())
        except ValueError:
            raise BusinessError(f"采购计划「{str(raw)[:20]}」不正确", field="plans") from None
        if pid not in ids:
            ids.append(pid)
    if not ids:
        raise BusinessError("请选择至少一个采购计划", field="plans")
    plans = {p.pk: p for p in Plan.objects.select_related("category").filter(pk__in=ids)}
    parts: list[FundingPart] = []
    for pid in ids:
        plan = plans.get(pid)
        if plan is None:
            raise BusinessError("所选采购计划不存在", field="plans")
        if plan.purchaser_id != purchaser.pk:
            raise BusinessError(f"采购计划 {plan.plan_no} 不属于「{purchaser.name}」，不能用于本单位的采购", field="plans", code="plan_not_own")
        raw = str(amounts.get(pid, "") or amounts.get(str(pid), "") or "").strip()
        amount = parse_amount(raw, field=f"amount_{pid}", label=f"计划 {plan.plan_no} 承担金额") if raw else None
        parts.append(FundingPart(plan, amount))
    fixed = sum((p.amount for p in parts if p.amount is not None), Decimal("0"))
    rest = total - fixed
    blanks = [p for p in parts if p.amount is None]
    for i, part in enumerate(blanks):
        if i == len(blanks) - 1:
            part.amount = rest
        else:
            part.amount = min(max(part.plan.remaining, Decimal("0")), rest)
        rest -= part.amount
    parts = [p for p in parts if p.amount and p.amount > 0] if blanks else parts
    if not parts:
        raise BusinessError("请选择至少一个采购计划", field="plans")
    got = sum((p.amount for p in parts), Decimal("0"))
    if got != total or any(p.amount <= 0 for p in parts):
        raise BusinessError(f"各采购计划承担金额合计 {wan(got)}，与订单金额 {wan(total)}不一致", field="plans")
    return parts


BAND_CODES = {"tender_threshold", "mall_limit", "mode_band", "no_standard", "purchaser_inactive"}


def checkout_preview(*, user, supplier_id: int, cap_category_id: int, plan_ids: list, amounts: dict | None = None) -> Checkout:
    """The checkout of one cart group, with the policy check run for each funding part and
    for the whole order (the single-purchase bands apply to the order total)."""
    purchaser = _buyer(user)
    items = cart_items_for(user, supplier_id=supplier_id, cap_category_id=cap_category_id)
    if not items:
        raise BusinessError("购物车中没有该供应商的商品", field="items")
    total = sum((i.listing.price * i.quantity for i in items), Decimal("0"))
    category = common_category([i.listing.category for i in items])
    co = Checkout(supplier_id=supplier_id, cap_category=Category.objects.get(pk=cap_category_id), category=category, items=items, total=total)
    for i in items:
        problem = _line_problem(i.listing, i.quantity, user=user)
        if problem:
            co.reasons.append(problem)
    try:
        co.fundings = parse_fundings(purchaser, total, plan_ids, amounts)
    except BusinessError as exc:
        if plan_ids:
            co.reasons.append(exc.message)
        return co
    for part in co.fundings:
        result = policy.check(purchaser=purchaser, plan=part.plan, category=category, amount=part.amount, mode=PurchaseMode.DIRECT)
        co.results.append((part, result))
        for text, code in zip(result.reasons, result.codes):
            if len(co.fundings) > 1 and code in BAND_CODES:
                continue  # judged on the whole order below
            if text not in co.reasons:
                co.reasons.append(text)
        co.warnings.extend(w for w in result.warnings if w not in co.warnings)
    if len(co.fundings) > 1:
        whole = policy.check(purchaser=purchaser, plan=co.fundings[0].plan, category=category, amount=total, mode=PurchaseMode.DIRECT)
        co.total_result = whole
        for text, code in zip(whole.reasons, whole.codes):
            if code in BAND_CODES and text not in co.reasons:
                co.reasons.append(text)
    return co


def _line_problem(listing: Listing, quantity: int, *, user) -> str:
    if listing.status != ListingStatus.LISTED:
        return f"商品「{listing.title}」已下架，请从购物车移除"
    if user.organization and listing.subsite_id != user.organization.subsite_id:
        return f"商品「{listing.title}」不属于本分站"
    if quantity > listing.stock:
        return f"商品「{listing.title}」库存只有 {listing.stock} 件，订购 {quantity} 件"
    return ""


def _price_map(raw: dict | None) -> dict[int, str]:
    out = {}
    for k, v in (raw or {}).items():
        try:
            out[int(k)] = str(v).strip()
        except (TypeError, ValueError):
            continue
    return out


def _order_no(order: Order) -> str:
    return f"ZG{timezone.localtime(order.created_at).strftime('%Y%m%d')}{order.pk:06d}"


def order_submit(
    *,
    user,
    supplier_id: int,
    cap_category_id: int,
    plan_ids: list,
    amounts: dict | None = None,
    prices: dict | None = None,
    token: str,
    delivery_address: str = "",
    contact: str = "",
) -> Order:
    """Submit one cart group as an order: prices from the listings now, every line checked,
    a reservation per funding part (mode direct, reference order_no-index), all in one
    transaction. `prices` are the unit prices the purchaser saw ({listing_id: "123.00"});
    any that differs from the listing's price refuses the order (and is audited). `token`
    (from the form) makes a second click return the refusal instead of a second order."""
    purchaser = _buyer(user)
    token = (token or "").strip()[:64]
    if not token:
        raise BusinessError("表单已过期，请刷新页面后重新提交", field="token")
    try:
        return _submit(user, purchaser, supplier_id, cap_category_id, plan_ids, amounts, _price_map(prices), token, delivery_address, contact)
    except DuplicateSubmit as exc:
        audit_attempt(purchaser=purchaser, message=exc.message, changes={"token": token, "order_no": exc.order.order_no})
        raise
    except IntegrityError:
        existing = Order.objects.filter(submit_token=token).first()
        if existing is None:
            raise
        exc = DuplicateSubmit(existing)
        audit_attempt(purchaser=purchaser, message=exc.message, changes={"token": token, "order_no": existing.order_no})
        raise exc from None
    except policy.LimitRefused as exc:
        audit_attempt(purchaser=purchaser, message="限额校验未通过：" + exc.message, changes={"supplier_id": supplier_id, "plans": [str(p) for p in plan_ids], "codes": exc.result.codes})
        raise
    except BusinessError as exc:
        if exc.code in ("price_tampered", "plan_not_own"):
            audit_attempt(purchaser=purchaser, message=exc.message, changes={"supplier_id": supplier_id, "plans": [str(p) for p in plan_ids], "prices": prices or {}})
        raise


class DuplicateSubmit(BusinessError):
    def __init__(self, order: Order):
        super().__init__(f"该订单已提交（订单号 {order.order_no}），请勿重复提交", field="token", code="duplicate")
        self.order = order


@locked_write
def _submit(user, purchaser, supplier_id, cap_category_id, plan_ids, amounts, prices, token, delivery_address, contact) -> Order:
    with transaction.atomic():
        if Order.objects.filter(submit_token=token).exists():  # a second click
            raise DuplicateSubmit(Order.objects.get(submit_token=token))
        items = cart_items_for(user, supplier_id=supplier_id, cap_category_id=cap_category_id)
        if not items:
            raise BusinessError("购物车中没有该供应商的商品（可能已提交），请刷新购物车", field="items")
        for i in items:
            listing = i.listing
            problem = _line_problem(listing, i.quantity, user=user)
            if problem:
                raise BusinessError(problem, field=f"item_{i.pk}")
            seen = prices.get(listing.pk)
            if seen is None:
                raise BusinessError(f"商品「{listing.title}」缺少价格确认，请刷新页面后重新提交", field=f"item_{i.pk}")
            try:
                seen_amount = Decimal(seen)
            except Exception:  # noqa: BLE001 - any unparsable text is a tampered field
                seen_amount = None
            if seen_amount != listing.price:
                raise BusinessError(
                    f"商品「{listing.title}」提交的单价 {seen[:20]} 与商城当前价格 {listing.price} 元不一致，订单未提交；请核对价格后重新提交",
                    field=f"item_{i.pk}",
                    code="price_tampered",
                )
        total = sum((i.listing.price * i.quantity for i in items), Decimal("0"))
        category = common_category([i.listing.category for i in items])
        fundings = parse_fundings(purchaser, total, plan_ids, amounts)
        if len(fundings) > 1:
            whole = policy.check(purchaser=purchaser, plan=fundings[0].plan, category=category, amount=total, mode=PurchaseMode.DIRECT)
            bad = [(t, c) for t, c in zip(whole.reasons, whole.codes) if c in BAND_CODES]
            if bad:
                raise policy.LimitRefused(policy.PolicyResult(allowed=False, reasons=[t for t, _ in bad], codes=[c for _, c in bad], mode="direct"))
        rules = rules_for(user.organization.subsite, cached=True)
        now = timezone.now()
        supplier = items[0].listing.supplier
        order = Order.objects.create(
            order_no=f"TMP{uuid.uuid4().hex[:20]}",
            subsite=user.organization.subsite,
            purchaser=purchaser,
            supplier=supplier,
            status=S.PENDING_APPROVAL if rules.approval_required else S.AWAITING_SUPPLIER,
            total=total,
            created_by=user,
            submit_token=token,
            submitted_at=now,
            delivery_address=(delivery_address or "").strip()[:200],
            contact=(contact or "").strip()[:100],
        )
        order.order_no = _order_no(order)
        if order.status == S.AWAITING_SUPPLIER:
            order.sent_to_supplier_at = now
            order.confirm_deadline = confirm_deadline_for(order, now, rules)
        order.save(update_fields=["order_no", "sent_to_supplier_at", "confirm_deadline"])
        order.parties.add(purchaser.organization_id, *([supplier.pk] if order.status == S.AWAITING_SUPPLIER else []))
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order, listing=i.listing, category=i.listing.category, title=i.listing.title, brand=i.listing.brand.name,
                    model=i.listing.model, unit_price=i.listing.price, quantity=i.quantity, amount=i.listing.price * i.quantity,
                    warranty_months=i.listing.warranty_months, delivery_days=i.listing.delivery_days,
                )  # fmt: skip
                for i in items
            ]
        )
        for index, part in enumerate(sorted(fundings, key=lambda p: p.plan.pk), start=1):
            res = limits.reserve(
                purchaser=purchaser, plan=part.plan, category=category, amount=part.amount, mode=PurchaseMode.DIRECT, reference=f"{order.order_no}-{index}"
            )
            OrderFunding.objects.create(order=order, plan=part.plan, amount=part.amount, reservation=res)
        log_create(
            order,
            fields=["order_no", "status", "total", "purchaser_id", "supplier_id", "confirm_deadline"],
            message=f"提交直购订单 {order.order_no}，金额 {wan(total)}，{len(items)} 种商品，资金来源：" + "、".join(f"{p.plan.plan_no} {wan(p.amount)}" for p in fundings),
        )
        CartItem.objects.filter(pk__in=[i.pk for i in items]).delete()
        if order.status == S.PENDING_APPROVAL:
            notify_org(
                organization_id=purchaser.organization_id,
                roles=(Role.PURCHASER_APPROVER,),
                title=f"直购订单待审批：{order.order_no}",
                body=f"{user.display_name or user.username} 提交了向 {supplier.name} 的订单，金额 {wan(total)}",
                link=f"/orders/approvals/{order.pk}/",
                dedupe_key=f"order:{order.pk}:approve",
            )
        else:
            _notify_new_to_supplier(order)
    return order


def _notify_new_to_supplier(order: Order) -> None:
    deadline = timezone.localtime(order.confirm_deadline).strftime("%Y-%m-%d %H:%M")
    _notify_supplier(order, f"新订单待确认：{order.order_no}", f"{order.purchaser.name} 订购金额 {wan(order.total)}，请于 {deadline} 前确认或拒绝", key="to_supplier")


# --- Approval --------------------------------------------------------------------------------


@locked_write
def order_approve(*, order: Order, user, note: str = "") -> Order:
    _require_purchaser_side(user, order, {Role.PURCHASER_APPROVER}, "审批订单")
    note = (note or "").strip()[:REASON_MAX]
    with transaction.atomic():
        now = timezone.now()
        _move(
            order, S.AWAITING_SUPPLIER, reason=f"审批通过{('：' + note) if note else ''}",
            extra={"approved_by": user, "approved_at": now, "approval_note": note, "sent_to_supplier_at": now, "confirm_deadline": confirm_deadline_for(order, now)},
            refusal="不能审批",
        )  # fmt: skip
        order.parties.add(order.supplier_id)
        _notify_purchaser(order, f"订单已审批通过：{order.order_no}", "订单已发送给供应商确认", key="approved")
        _notify_new_to_supplier(order)
    return order


@locked_write
def order_reject(*, order: Order, user, reason: str) -> Order:
    _require_purchaser_side(user, order, {Role.PURCHASER_APPROVER}, "审批订单")
    reason = _reason(reason, label="退回理由")
    with transaction.atomic():
        now = timezone.now()
        _move(
            order, S.REJECTED, reason=f"审批退回：{reason}",
            extra={"approved_by": user, "approved_at": now, "approval_note": reason, "closed_at": now}, refusal="不能退回",
        )  # fmt: skip
        _release_all(order, "审批退回")
        _notify_purchaser(order, f"订单被审批退回：{order.order_no}", reason, key="rejected")
    return order


# --- Supplier --------------------------------------------------------------------------------


@locked_write
def order_confirm(*, order: Order, user, now: dt.datetime | None = None) -> Order:
    """The supplier accepts the order; the registered on_confirmed hooks (contract
    generation) run in the same transaction."""
    _require_supplier_side(user, order, "确认订单")
    now = now or timezone.now()
    with transaction.atomic():
        locked = Order.objects.select_for_update().only("status", "confirm_deadline").get(pk=order.pk)
        if locked.status == S.LAPSED:
            raise BusinessError(f"订单 {order.order_no} 已超过确认时限而失效，不能再确认", field="status", code="state")
        if locked.status == S.AWAITING_SUPPLIER and locked.confirm_deadline and now > locked.confirm_deadline:
            raise BusinessError(
                f"订单 {order.order_no} 的确认时限 {timezone.localtime(locked.confirm_deadline):%Y-%m-%d %H:%M} 已过，不能再确认",
                field="status",
                code="state",
            )
        _move(order, S.CONFIRMED, reason="供应商确认订单", extra={"confirmed_at": now, "confirmed_by": user}, refusal="不能确认", current=locked.status)
        from govmall.products.services import listing_record_sale

        for listing_id, quantity in order.lines.values_list("listing_id", "quantity"):
            listing_record_sale(listing_id=listing_id, quantity=quantity, reference=order.order_no)
        hooks.run_on_confirmed(order)
        _notify_purchaser(order, f"供应商已确认订单：{order.order_no}", f"{order.supplier.name} 已确认，请签订合同", key="confirmed")
    return order


@locked_write
def order_refuse(*, order: Order, user, reason: str) -> Order:
    _require_supplier_side(user, order, "拒绝订单")
    reason = _reason(reason, label="拒绝理由")
    with transaction.atomic():
        now = timezone.now()
        _move(order, S.REFUSED, reason=f"供应商拒绝：{reason}", extra={"refusal_reason": reason, "closed_at": now}, refusal="不能拒绝")
        _release_all(order, "供应商拒绝")
        _notify_purchaser(order, f"供应商拒绝了订单：{order.order_no}", reason, key="refused")
    return order


@locked_write
def order_deliver(order: Order, note: str = "", *, user=None) -> Order:
    """Delivery notice (送货通知) by the supplier, after the contract is signed."""
    if user is not None:
        _require_supplier_side(user, order, "发出送达通知")
    note = (note or "").strip()
    if len(note) > REASON_MAX:
        raise BusinessError(f"送货说明不能超过 {REASON_MAX} 个字", field="note")
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status in (S.CONFIRMED, S.AWAITING_SUPPLIER, S.PENDING_APPROVAL):
            raise BusinessError(f"订单 {order.order_no} 尚未签订合同，不能发出送达通知", field="status", code="state")
        _move(order, S.DELIVERED, reason=f"送达通知{('：' + note) if note else ''}", extra={"delivered_at": timezone.now(), "delivery_note": note}, refusal="不能发出送达通知")
        _notify_purchaser(order, f"供应商已送货：{order.order_no}", note or "请组织验收", key=f"delivered:{timezone.now():%Y%m%d%H%M%S}")
    return order


# --- Purchaser cancellation ------------------------------------------------------------------


@locked_write
def order_cancel(*, order: Order, user, reason: str) -> Order:
    _require_purchaser_side(user, order, {Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER}, "取消订单")
    reason = _reason(reason, label="取消理由")
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status not in (S.PENDING_APPROVAL, S.AWAITING_SUPPLIER):
            raise BusinessError(
                f"订单 {order.order_no} 当前状态为「{ORDER_MACHINE.label(locked.status)}」：供应商确认后不能直接取消，只能经合同终止",
                field="status",
                code="state",
            )
        was_with_supplier = locked.status == S.AWAITING_SUPPLIER
        _move(order, S.CANCELLED, reason=f"采购人取消：{reason}", extra={"cancel_reason": reason, "closed_at": timezone.now()}, refusal="不能取消")
        _release_all(order, "采购人取消")
        if was_with_supplier:
            _notify_supplier(order, f"采购人取消了订单：{order.order_no}", reason, key="cancelled")
    return order


# --- Lapse -----------------------------------------------------------------------------------


def lapse_overdue(now: dt.datetime | None = None) -> int:
    """Orders the supplier did not confirm by the deadline lapse and release their money.
    Idempotent; run by the periodic task and at worker start."""
    now = now or timezone.now()
    count = 0
    ids = list(Order.objects.filter(status=S.AWAITING_SUPPLIER, confirm_deadline__lt=now).values_list("pk", flat=True))
    for pk in ids:
        if _lapse_one(pk, now):
            count += 1
    return count


@locked_write
def _lapse_one(pk: int, now: dt.datetime) -> bool:
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("purchaser__organization", "supplier").get(pk=pk)
        if order.status != S.AWAITING_SUPPLIER or not order.confirm_deadline or order.confirm_deadline >= now:
            return False
        _move(order, S.LAPSED, reason="供应商逾期未确认，订单失效", extra={"closed_at": now})
        _release_all(order, "供应商逾期未确认")
        deadline = timezone.localtime(order.confirm_deadline).strftime("%Y-%m-%d %H:%M")
        _notify_purchaser(order, f"订单超时失效：{order.order_no}", f"供应商未在 {deadline} 前确认，预留资金已释放", key="lapsed")
        _notify_supplier(order, f"订单超时失效：{order.order_no}", f"未在 {deadline} 前确认，订单已失效", key="lapsed")
    return True


# --- Steps reported by the contracts app ------------------------------------------------------


def order_mark_contracted(order: Order) -> Order:
    """Contract signed by both sides (contracts has consumed the reservations)."""
    with joined_atomic():
        _move(order, S.CONTRACTED, reason="合同已签订", extra={"contracted_at": timezone.now()}, refusal="不能标记为已签约")
        _notify_supplier(order, f"合同已签订：{order.order_no}", "请按合同约定送货，送达后发出送达通知", key="contracted")
    return order


def order_mark_delivery_rejected(order: Order, reason: str) -> Order:
    """Acceptance refused the delivery: back to CONTRACTED for a new delivery."""
    reason = _reason(reason, label="验收不通过理由")
    with transaction.atomic():
        _move(order, S.CONTRACTED, reason=f"验收不通过，须重新送货：{reason}", extra={"delivered_at": None}, refusal="不能退回送货")
        _notify_supplier(order, f"验收不通过：{order.order_no}", reason, key=f"redeliver:{timezone.now():%Y%m%d%H%M%S}")
    return order


def order_mark_accepted(order: Order) -> Order:
    with transaction.atomic():
        _move(order, S.ACCEPTED, reason="验收通过", extra={"accepted_at": timezone.now()}, refusal="不能标记为已验收（须先送货）")
        _notify_supplier(order, f"订单已验收：{order.order_no}", "", key="accepted")
    return order


def order_mark_completed(order: Order) -> Order:
    with transaction.atomic():
        now = timezone.now()
        _move(order, S.COMPLETED, reason="款项已付清", extra={"completed_at": now, "closed_at": now}, refusal="不能标记为已完成（须先验收）")
        _notify_supplier(order, f"订单已完成（款项付清）：{order.order_no}", "", key="completed")
    return order


@locked_write
def order_terminate(order: Order, reason: str) -> Order:
    """Termination after supplier confirmation (by agreement or with a recorded reason), done
    through the contracts app. Reservations not yet consumed are released."""
    reason = _reason(reason, label="终止理由")
    with transaction.atomic():
        _move(order, S.TERMINATED, reason=f"订单终止：{reason}", extra={"cancel_reason": reason, "closed_at": timezone.now()}, refusal="不能终止")
        _release_all(order, "订单终止")
        _notify_purchaser(order, f"订单已终止：{order.order_no}", reason, key="terminated")
        _notify_supplier(order, f"订单已终止：{order.order_no}", reason, key="terminated")
    return order
