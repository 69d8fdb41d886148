"""Contract business rules: generation, signing, publication, delivery, acceptance, payment,
cancellation and termination. Views, the API, tasks and tests call these functions only.

Every change is audited; every status change goes through `audit.states.transition` with
CONTRACT_MACHINE; a refused attempt raises BusinessError (Chinese, naming the field) after
writing nothing, and `refused()` records the attempt in the audit log."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from govmall.accounts.models import Role
from govmall.accounts.services import notify, notify_org
from govmall.audit.models import Action
from govmall.audit.services import log_create, log_update, record, snapshot
from govmall.audit.states import transition
from govmall.bidding.models import Bidding
from govmall.bidding.services import bidding_mark_contracted, bidding_mark_terminated
from govmall.contracts.amounts import capitals
from govmall.contracts.models import (
    SME_MAX_TERM_DAYS,
    Acceptance,
    AcceptanceConclusion,
    AcceptanceLine,
    Contract,
    ContractFunding,
    ContractLine,
    ContractMode,
    ContractRules,
    ContractStatus,
    Payment,
    PaymentSource,
)
from govmall.contracts.states import CONTRACT_MACHINE
from govmall.core.errors import BusinessError
from govmall.core.memo import ProcessCache
from govmall.core.money import CENT, format_yuan
from govmall.disclosure.models import AnnouncementKind
from govmall.disclosure.services import publish
from govmall.limits.locks import locked_write
from govmall.limits.models import ReservationStatus
from govmall.limits.services import consume, give_back, release
from govmall.ordering.models import Order
from govmall.ordering.services import (
    order_deliver,
    order_mark_accepted,
    order_mark_completed,
    order_mark_contracted,
    order_mark_delivery_rejected,
    order_terminate,
)
from govmall.purchasers.budget import parse_amount
from govmall.suppliers.selectors import is_sme, profile_of
from govmall.workdays.services import add_working_days

BUYER_ROLES = frozenset({Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER})
SUPPLIER_ROLES = frozenset({Role.SUPPLIER_STAFF})
PUBLISH_WORKING_DAYS = 2  # 实施条例 第五十条: contract notice within 2 working days of signing


# --- Rules ----------------------------------------------------------------------------------


rules_cache = ProcessCache("contract-rules")  # emptied on a change (apps.py)


def rules_for(subsite, *, cached: bool = False) -> ContractRules:
    """The sub-site's rules, or the defaults (unsaved) until the centre edits them.
    `cached`: as kept per process for a minute (core.memo), for a new contract; the rules
    page reads them fresh."""
    if cached:
        return copy.copy(rules_cache.get(subsite.pk, lambda: rules_for(subsite)))
    rules = ContractRules.objects.filter(subsite=subsite).first()
    return rules or ContractRules(subsite=subsite)


def rules_update(*, subsite, payment_term_days, acceptance_days, unsigned_alert_days, late_interest_rate) -> ContractRules:
    values = {
        "payment_term_days": _int_in(payment_term_days, "payment_term_days", "默认付款期限", 1, 365),
        "acceptance_days": _int_in(acceptance_days, "acceptance_days", "验收期限", 1, 90),
        "unsigned_alert_days": _int_in(unsigned_alert_days, "unsigned_alert_days", "未签约提示天数", 1, 90),
    }
    try:
        rate = Decimal(str(late_interest_rate))
    except Exception:  # noqa: BLE001 - any unparsable input is the same refusal
        raise BusinessError("逾期利息须为数字，如 0.0005（每日万分之五）", field="late_interest_rate") from None
    if not (Decimal("0") < rate <= Decimal("0.01")) or rate != rate.quantize(Decimal("0.00001")):
        raise BusinessError("逾期利息须大于 0、不超过每日 1%，最多 5 位小数", field="late_interest_rate")
    values["late_interest_rate"] = rate
    with transaction.atomic():
        rules = ContractRules.objects.select_for_update().filter(subsite=subsite).first()
        if rules is None:
            rules = ContractRules.objects.create(subsite=subsite, **values)
            log_create(rules, message="设置合同规则")
            return rules
        before = snapshot(rules, list(values))
        for k, v in values.items():
            setattr(rules, k, v)
        rules.save()
        log_update(rules, before, message="修改合同规则")
    return rules


def _int_in(value, field, label, low, high) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise BusinessError(f"{label}须为整数", field=field) from None
    if not low <= n <= high:
        raise BusinessError(f"{label}须在 {low}–{high} 之间", field=field)
    return n


def payment_term_for(*, supplier, rules: ContractRules, requested: int | None = None, sme: bool | None = None) -> int:
    """The payment term of a new contract: the sub-site default (30 days), never beyond 60
    days for an SME supplier (保障中小企业款项支付条例, 国务院令第802号; DOMAIN.md §7)."""
    term = rules.payment_term_days if requested is None else requested
    if is_sme(supplier) if sme is None else sme:
        term = min(term, SME_MAX_TERM_DAYS)
    return term


# --- Who is acting --------------------------------------------------------------------------


def side_of(user, contract: Contract) -> str | None:
    """'purchaser' or 'supplier' when `user` may act for that party of the contract."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.organization_id:
        return None
    roles = user.role_set
    if roles & BUYER_ROLES and user.organization_id == contract.purchaser.organization_id:
        return "purchaser"
    if roles & SUPPLIER_ROLES and user.organization_id == contract.supplier_id:
        return "supplier"
    return None


def _require_side(user, contract: Contract, side: str, what: str) -> None:
    if side_of(user, contract) != side:
        party = "采购人（甲方）" if side == "purchaser" else "供应商（乙方）"
        raise BusinessError(f"只有本合同{party}的经办人员可以{what}", field="user", code="forbidden")


def refused(contract: Contract | None, what: str, exc: BusinessError) -> None:
    """Write the refused attempt to the audit log (outside the rolled-back transaction)."""
    record(Action.SYSTEM, contract, message=f"操作被拒绝（{what}）：{exc.message}", changes={"refused": what, "field": exc.field or ""})


# --- Generation -----------------------------------------------------------------------------


def _party_fields(contract: Contract, *, purchaser, supplier) -> None:
    org = purchaser.organization
    contract.purchaser_name = org.name
    contract.purchaser_uscc = org.uscc or ""
    contract.purchaser_address = org.address
    contract.purchaser_contact = org.contact_name
    contract.purchaser_phone = org.contact_phone
    contract.supplier_name = supplier.name
    contract.supplier_uscc = supplier.uscc or ""
    contract.supplier_address = supplier.address
    contract.supplier_contact = supplier.contact_name
    contract.supplier_phone = supplier.contact_phone
    profile = profile_of(supplier)
    contract.supplier_bank = f"{getattr(profile, 'bank_name', '')} {getattr(profile, 'bank_account', '')}".strip()
    contract.supplier_is_sme = bool(profile and profile.is_sme)


def clauses_for(contract: Contract, lines: list[ContractLine]) -> list[list[str]]:
    """The contract text (条款) of the mode's template, filled in."""
    mode_text = {
        ContractMode.DIRECT: "甲方通过威海市政府采购网上商城以直购方式向乙方采购下列货物，乙方已确认订单",
        ContractMode.BIDDING: "甲方通过威海市政府采购网上商城以网上竞价方式采购下列货物，乙方为成交供应商并已确认成交",
    }[ContractMode(contract.mode)]
    source_no = contract.order.order_no if contract.order_id else contract.bidding.bidding_no
    warranty_months = sorted({ln.warranty_months for ln in lines if ln.warranty_months})
    warranty = contract.warranty_text or (
        f"乙方按明细所列质保期（{'、'.join(f'{m} 个月' for m in warranty_months)}）提供原厂质保及售后服务，质保期自验收合格之日起计算。"
        if warranty_months else "乙方按国家三包规定及生产厂家标准提供质保及售后服务，质保期自验收合格之日起计算。"
    )  # fmt: skip
    sme_text = (
        f"乙方为中小企业。依据《保障中小企业款项支付条例》（国务院令第802号），付款期限自验收合格之日起不超过 {SME_MAX_TERM_DAYS} 日。"
        if contract.supplier_is_sme else ""
    )  # fmt: skip
    rate_pct = contract.late_rate_percent
    return [
        ["一、合同依据", f"根据《中华人民共和国政府采购法》《中华人民共和国民法典》及相关规定，{mode_text}（{'订单号' if contract.order_id else '竞价编号'}：{source_no}），双方协商一致，订立本合同。"],
        ["二、合同金额", f"合同总价为人民币（大写）{capitals(contract.amount)}（¥{contract.amount:,.2f}），含货物、运输、安装调试、税费及质保期内服务等全部费用。明细见附表。"],
        ["三、交货", f"交货地点：{contract.delivery_place or '甲方指定地点'}。交货期限：合同签订后 {contract.delivery_days} 日内。乙方送达后在系统中发出送达通知。"],
        ["四、验收", f"甲方在收到送达通知后 {contract.acceptance_days} 日内，按合同约定的品名、品牌、型号、数量、技术与服务要求及安全标准逐项验收，并在系统中签署验收书；验收不合格的，乙方应在甲方指定期限内更换或补足，费用由乙方承担。"],
        ["五、质量保证", warranty],
        ["六、付款", f"甲方自验收合格之日起 {contract.payment_term_days} 日内，将合同款支付至乙方账户{('（' + contract.supplier_bank + '）') if contract.supplier_bank else ''}。{sme_text}"],
        ["七、违约责任", f"甲方逾期付款的，按每日 {rate_pct} 的标准向乙方支付逾期利息。乙方逾期交货或货物不符合约定的，按每日合同总价 {rate_pct} 向甲方支付违约金，并继续履行或更换；逾期超过 30 日的，甲方可解除合同。"],
        ["八、合同变更与终止", "合同签订后，经双方协商一致或有法定事由的，可以变更或终止本合同，变更或终止情况在指定媒体公告。补充合同的金额不超过原合同金额的 10%。"],
        ["九、争议解决", "因本合同发生争议的，双方协商解决；协商不成的，向甲方所在地人民法院提起诉讼。"],
        ["十、其他", "本合同自双方在威海市政府采购网上商城签署之日起生效，电子文本与纸质文本具有同等效力。合同签订之日起 2 个工作日内，甲方在政府采购指定媒体公告本合同。"],
    ]  # fmt: skip


def _contract_no(prefix: str, source_no: str) -> str:
    return f"HT-{source_no}"[:40]


def _create(contract: Contract, lines: list[ContractLine], fundings: list[ContractFunding]) -> Contract:
    contract.clauses = clauses_for(contract, lines)
    contract.save()
    contract.parties.add(contract.purchaser.organization_id, contract.supplier_id)  # a new contract: nothing to replace
    for ln in lines:
        ln.contract = contract
    ContractLine.objects.bulk_create(lines)
    for f in fundings:
        f.contract = contract
    ContractFunding.objects.bulk_create(fundings)
    log_create(contract, fields=["contract_no", "mode", "amount", "payment_term_days", "supplier_is_sme", "status"], message=f"生成合同 {contract.contract_no}，金额 {format_yuan(contract.amount)}")
    # The purchaser has just been told by ordering / bidding that the supplier confirmed and a
    # contract follows; the supplier is told here that the contract waits for its signature.
    _notify_parties(contract, title=f"合同 {contract.contract_no} 待签署", body=f"{contract.title}，金额 {format_yuan(contract.amount)}。请双方在系统中签署。", only="supplier")
    schedule_pdf(contract)
    return contract


def _split(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`amount` in proportion to `weights`, to the cent; the last takes the rounding."""
    total = sum(weights)
    parts = [(amount * w / total).quantize(CENT) for w in weights[:-1]]
    return [*parts, amount - sum(parts)]


def contract_from_order(order: Order) -> Contract:
    """The contract of a confirmed direct-purchase order (ordering calls this in the confirming
    transaction). Idempotent: an order has at most one contract."""
    if Contract.objects.filter(order=order).exists():
        return Contract.objects.get(order=order)
    rules = rules_for(order.subsite, cached=True)
    order_lines = list(order.lines.select_related("category").order_by("id"))
    order_fundings = list(order.fundings.order_by("id"))
    if not order_lines or not order_fundings:
        raise BusinessError(f"订单 {order.order_no} 缺少明细或资金来源，不能生成合同", field="order")
    contract = Contract(
        contract_no=_contract_no("HT", order.order_no), mode=ContractMode.DIRECT, subsite=order.subsite, purchaser=order.purchaser,
        supplier=order.supplier, order=order, amount=order.total,
        title=order_lines[0].title + (f" 等 {len(order_lines)} 项" if len(order_lines) > 1 else ""),
        delivery_place=order.delivery_address or order.purchaser.organization.address,
        delivery_days=max(ln.delivery_days for ln in order_lines), acceptance_days=rules.acceptance_days,
        late_interest_rate=rules.late_interest_rate,
        payment_term_days=0,
    )  # fmt: skip
    _party_fields(contract, purchaser=order.purchaser, supplier=order.supplier)
    contract.payment_term_days = payment_term_for(supplier=order.supplier, rules=rules, sme=contract.supplier_is_sme)
    if order.contact:
        contract.purchaser_contact = order.contact[:50]
    lines = [
        ContractLine(
            line_no=i, category_code=ln.category.code, category_name=ln.category.name, title=ln.title, brand=ln.brand, model=ln.model,
            quantity=ln.quantity, unit_price=ln.unit_price, amount=ln.amount, warranty_months=ln.warranty_months, delivery_days=ln.delivery_days,
        )
        for i, ln in enumerate(order_lines, start=1)
    ]  # fmt: skip
    shares = _split(order.total, [f.amount for f in order_fundings])
    fundings = [ContractFunding(plan_id=f.plan_id, reservation_id=f.reservation_id, amount=s) for f, s in zip(order_fundings, shares)]
    return _create(contract, lines, fundings)


def contract_from_bidding(bidding: Bidding) -> Contract:
    """The contract of a confirmed bidding award (bidding calls this when the winner confirms)."""
    existing = Contract.objects.filter(bidding=bidding).first()
    if existing is not None:
        return existing
    quote = bidding.awarded_quote
    if quote is None or bidding.reservation_id is None:
        raise BusinessError(f"竞价 {bidding.bidding_no} 没有成交报价或额度预留，不能生成合同", field="bidding")
    rules = rules_for(bidding.subsite, cached=True)
    supplier = quote.supplier
    contract = Contract(
        contract_no=_contract_no("HT", bidding.bidding_no), mode=ContractMode.BIDDING, subsite=bidding.subsite, purchaser=bidding.purchaser,
        supplier=supplier, bidding=bidding, amount=quote.price, title=bidding.title,
        delivery_place=bidding.delivery_place or bidding.purchaser.organization.address, delivery_days=bidding.delivery_days,
        acceptance_days=rules.acceptance_days, late_interest_rate=rules.late_interest_rate,
        payment_term_days=0,
    )  # fmt: skip
    _party_fields(contract, purchaser=bidding.purchaser, supplier=supplier)
    contract.payment_term_days = payment_term_for(supplier=supplier, rules=rules, sme=contract.supplier_is_sme)
    unit_price = (quote.price / bidding.quantity).quantize(CENT)
    brand_model = (quote.brand_model or "").strip()
    specs = bidding.specs or "；".join(f"{i.get('key', '')}：{i.get('value', '')}" for i in (bidding.spec_items or []))
    if bidding.delivery_terms:
        specs = f"{specs}\n交付要求：{bidding.delivery_terms}".strip()
    lines = [
        ContractLine(
            line_no=1, category_code=bidding.category.code, category_name=bidding.category.name, title=bidding.title,
            brand=brand_model[:100], model="", specs=specs, quantity=bidding.quantity, unit_price=unit_price, amount=quote.price,
            delivery_days=bidding.delivery_days,
        )
    ]  # fmt: skip
    fundings = [ContractFunding(plan=bidding.plan, reservation_id=bidding.reservation_id, amount=quote.price)]
    return _create(contract, lines, fundings)


def contract_update_terms(*, contract: Contract, user, payment_term_days, delivery_place: str) -> Contract:
    """The purchaser may set the payment term and delivery place before anyone has signed.
    An SME supplier's term never goes beyond 60 days."""
    try:
        _require_side(user, contract, "purchaser", "修改合同条款")
        term = _int_in(payment_term_days, "payment_term_days", "付款期限（天）", 1, 365)
        if contract.supplier_is_sme and term > SME_MAX_TERM_DAYS:
            raise BusinessError(
                f"乙方为中小企业，付款期限不得超过 {SME_MAX_TERM_DAYS} 日（《保障中小企业款项支付条例》国务院令第802号）", field="payment_term_days"
            )
        place = (delivery_place or "").strip()
        if not place:
            raise BusinessError("请填写交货地点", field="delivery_place")
        if len(place) > 200:
            raise BusinessError("交货地点不能超过 200 个字符", field="delivery_place")
        with transaction.atomic():
            locked = Contract.objects.select_for_update().get(pk=contract.pk)
            if locked.status != ContractStatus.PENDING or locked.signed_by_purchaser_at or locked.signed_by_supplier_at:
                raise BusinessError("已有一方签署，合同条款不能再修改", field="status", code="state")
            before = snapshot(locked, ["payment_term_days", "delivery_place"])
            locked.payment_term_days, locked.delivery_place = term, place
            locked.clauses = clauses_for(locked, list(locked.lines.all()))
            locked.pdf_version += 1
            locked.pdf, locked.pdf_sha256 = "", ""
            locked.save(update_fields=["payment_term_days", "delivery_place", "clauses", "pdf_version", "pdf", "pdf_sha256", "updated_at"])
            log_update(locked, before, message="修改合同条款")
            schedule_pdf(locked)
    except BusinessError as exc:
        refused(contract, "修改合同条款", exc)
        raise
    return locked


# --- Signing --------------------------------------------------------------------------------


def contract_sign(*, contract: Contract, user) -> Contract:
    """One side signs. When both have, the contract is signed: the reservations are consumed
    with the contract amount, the order (or bidding) is marked contracted and the publication
    deadline set (2 working days, the statutory calendar)."""
    try:
        side = side_of(user, contract)
        if side is None:
            raise BusinessError("您不是本合同的当事方经办人员，不能签署", field="user", code="forbidden")
        result = _sign(contract.pk, side, user)
    except BusinessError as exc:
        refused(contract, "签署合同", exc)
        raise
    return result


@locked_write
def _sign(contract_id: int, side: str, user) -> Contract:
    with transaction.atomic():
        # the order or bidding is read only by the second signature (_complete_signing)
        c = Contract.objects.select_for_update(of=("self",)).select_related("purchaser__organization__region").get(pk=contract_id)
        if c.status != ContractStatus.PENDING:
            raise BusinessError(f"合同当前状态为「{c.get_status_display()}」，不能签署", field="status", code="state")
        now = timezone.now()
        if side == "purchaser":
            if c.signed_by_purchaser_at:
                raise BusinessError(f"甲方已于 {timezone.localtime(c.signed_by_purchaser_at):%Y-%m-%d %H:%M} 签署，不能重复签署", field="status", code="duplicate")
            c.signed_by_purchaser, c.signed_by_purchaser_at = user, now
            fields = ["signed_by_purchaser", "signed_by_purchaser_at"]
        else:
            if c.signed_by_supplier_at:
                raise BusinessError(f"乙方已于 {timezone.localtime(c.signed_by_supplier_at):%Y-%m-%d %H:%M} 签署，不能重复签署", field="status", code="duplicate")
            c.signed_by_supplier, c.signed_by_supplier_at = user, now
            fields = ["signed_by_supplier", "signed_by_supplier_at"]
        c.save(update_fields=[*fields, "updated_at"])
        party = "甲方（采购人）" if side == "purchaser" else "乙方（供应商）"
        record(Action.UPDATE, c, changes={f"{side}_signed": [None, now]}, message=f"{party}签署合同：{user.display_name or user.username}")
        if c.signed_by_purchaser_at and c.signed_by_supplier_at:
            _complete_signing(c, now)
        else:
            other = "supplier" if side == "purchaser" else "purchaser"
            _notify_parties(c, title=f"合同 {c.contract_no} 待您签署", body=f"{party}已签署，请尽快签署。", only=other)
    return c


def _complete_signing(c: Contract, now) -> None:
    for f in c.fundings.select_related("reservation"):
        if f.reservation.purchaser_id == c.purchaser_id:
            f.reservation.purchaser = c.purchaser  # the reservation's audit entry is scoped by it: not read again
        if f.reservation.status != ReservationStatus.RESERVED:
            raise BusinessError(f"计划 {f.plan.plan_no} 的额度预留已{f.reservation.get_status_display()}，不能签约", field="reservation")
        consume(reservation=f.reservation, amount=f.amount)
    deadline = add_working_days(now, PUBLISH_WORKING_DAYS)
    transition(
        c, ContractStatus.SIGNED, machine=CONTRACT_MACHINE, reason="双方签署，合同签订", current=c.status,  # read under _sign's lock
        extra_fields={"signed_at": now, "publish_deadline": deadline.date, "publish_deadline_known": deadline.known, "pdf_version": c.pdf_version + 1, "pdf": "", "pdf_sha256": ""},
    )  # fmt: skip
    if c.order_id:
        order = c.order
        if order.purchaser_id == c.purchaser_id:
            order.purchaser = c.purchaser  # the order's audit entry is scoped by it: not read again
        order_mark_contracted(order)
    else:
        bidding_mark_contracted(c.bidding)
    # ordering tells the supplier of an order to deliver (order_mark_contracted); bidding does not
    _notify_parties(c, title=f"合同 {c.contract_no} 已签订", body=f"双方已签署。请采购人于 {deadline.date:%Y-%m-%d} 前发布合同公告。", only="purchaser" if c.order_id else None)
    schedule_pdf(c)


# --- Cancellation before signing, termination after -----------------------------------------


def contract_cancel(*, contract: Contract, user, reason: str) -> Contract:
    """Before both have signed the purchaser may withdraw: the reservations are released and
    the order (or bidding) is ended with the reason."""
    try:
        _require_side(user, contract, "purchaser", "取消合同")
        reason = (reason or "").strip()
        if not reason:
            raise BusinessError("请填写取消原因", field="reason")
        if len(reason) > 300:
            raise BusinessError("取消原因不能超过 300 个字符", field="reason")
        result = _cancel(contract.pk, reason)
    except BusinessError as exc:
        refused(contract, "取消合同", exc)
        raise
    return result


@locked_write
def _cancel(contract_id: int, reason: str) -> Contract:
    with transaction.atomic():
        c = Contract.objects.select_for_update(of=("self",)).select_related("order", "bidding").get(pk=contract_id)
        transition(c, ContractStatus.CANCELLED, machine=CONTRACT_MACHINE, reason=f"签订前取消：{reason}", extra_fields={"cancel_reason": reason})
        if c.order_id:
            # ordering releases the order's own reservations when it ends a confirmed order
            order_terminate(c.order, f"合同签订前取消：{reason}")
        else:
            for f in c.fundings.select_related("reservation"):
                if f.reservation.status == ReservationStatus.RESERVED:
                    release(reservation=f.reservation, reason=f"合同 {c.contract_no} 签订前取消：{reason}"[:200])
            bidding_mark_terminated(c.bidding, f"合同签订前取消：{reason}")
        _notify_parties(c, title=f"合同 {c.contract_no} 已取消", body=f"采购人在签订前取消了合同：{reason}")
    return c


TERMINATION_KINDS = {"mutual": "双方协商一致", "reason": "依法或依约解除"}


def _give_back_unpaid(c: Contract, reason: str) -> None:
    """What a terminated contract will never pay goes back to its plans and annual caps, in
    proportion to each plan's share of the contract (the last plan takes the rounding)."""
    unpaid = c.amount - c.paid_total
    fundings = list(c.fundings.select_related("reservation").order_by("id"))
    if unpaid <= 0 or not fundings:
        return
    for f, part in zip(fundings, _split(unpaid, [f.amount for f in fundings])):
        if part > 0 and f.reservation.status == ReservationStatus.CONSUMED:
            give_back(reservation=f.reservation, amount=part, reason=reason[:200])


def contract_terminate(*, contract: Contract, user, kind: str, reason: str) -> Contract:
    """End a signed contract by mutual agreement or a recorded reason; the termination is
    published (合同变更/终止公告) and the order terminated."""
    try:
        _require_side(user, contract, "purchaser", "终止合同")
        if kind not in TERMINATION_KINDS:
            raise BusinessError("请选择终止方式", field="kind")
        reason = (reason or "").strip()
        if len(reason) < 4:
            raise BusinessError("请填写终止原因（至少 4 个字）", field="reason")
        if len(reason) > 300:
            raise BusinessError("终止原因不能超过 300 个字符", field="reason")
        with transaction.atomic():
            c = Contract.objects.select_for_update(of=("self",)).select_related("order", "purchaser__organization__region").get(pk=contract.pk)
            if c.paid_total >= c.amount:
                raise BusinessError("合同已付清，不能终止", field="status", code="state")
            now = timezone.now()
            text = f"{TERMINATION_KINDS[kind]}：{reason}"
            transition(c, ContractStatus.TERMINATED, machine=CONTRACT_MACHINE, reason=f"终止合同（{text}）",
                       extra_fields={"terminated_kind": kind, "terminated_reason": reason, "terminated_at": now})  # fmt: skip
            if c.order_id:
                order_terminate(c.order, f"合同终止（{text}）")
            else:
                bidding_mark_terminated(c.bidding, f"合同终止（{text}）")
            _give_back_unpaid(c, f"合同 {c.contract_no} 终止（{TERMINATION_KINDS[kind]}）")
            org = c.purchaser.organization
            publish(
                kind=AnnouncementKind.CONTRACT_CHANGE, title=f"{c.purchaser_name}关于{c.title}合同终止的公告"[:200],
                body=(
                    f"合同编号：{c.contract_no}\n采购人：{c.purchaser_name}\n供应商：{c.supplier_name}\n合同金额：{format_yuan(c.amount)}\n"
                    f"签订日期：{timezone.localtime(c.signed_at):%Y-%m-%d}\n终止日期：{timezone.localtime(now):%Y-%m-%d}\n终止方式：{TERMINATION_KINDS[kind]}\n终止原因：{reason}\n"
                    f"已支付金额：{format_yuan(c.paid_total)}"
                ),
                subsite=c.subsite, region=org.region, organization=org, subject=c,
            )  # fmt: skip
            _notify_parties(c, title=f"合同 {c.contract_no} 已终止", body=text)
    except BusinessError as exc:
        refused(contract, "终止合同", exc)
        raise
    return c


# --- Publication ----------------------------------------------------------------------------


def notice_body(c: Contract) -> str:
    lines = "\n".join(f"{ln.line_no}. {ln.title} {ln.brand} {ln.model} × {ln.quantity}，单价 {format_yuan(ln.unit_price)}，金额 {format_yuan(ln.amount)}" for ln in c.lines.all())
    return (
        f"合同编号：{c.contract_no}\n合同名称：{c.title}\n采购方式：网上商城{c.get_mode_display()}\n"
        f"采购人：{c.purchaser_name}（地址：{c.purchaser_address or '—'}，联系人：{c.purchaser_contact or '—'} {c.purchaser_phone}）\n"
        f"供应商：{c.supplier_name}（统一社会信用代码：{c.supplier_uscc or '—'}，地址：{c.supplier_address or '—'}）\n"
        f"合同金额：{format_yuan(c.amount)}（人民币{capitals(c.amount)}）\n主要标的：\n{lines}\n"
        f"交货地点：{c.delivery_place or '—'}；交货期限：签订后 {c.delivery_days} 日内\n付款期限：验收合格后 {c.payment_term_days} 日内\n"
        f"签订日期：{timezone.localtime(c.signed_at):%Y-%m-%d}\n合同文本见附件。"
    )


def contract_publish(*, contract: Contract, user) -> Contract:
    """The purchaser publishes the contract notice (合同公告). Chosen over automatic publication
    so the duty stays visibly with the purchaser (实施条例 第五十条) and an overdue notice can be
    flagged; the text is generated and the public may download the signed contract PDF."""
    try:
        _require_side(user, contract, "purchaser", "发布合同公告")
        with transaction.atomic():
            c = Contract.objects.select_for_update(of=("self",)).select_related("purchaser__organization__region").get(pk=contract.pk)
            if c.signed_at is None or c.status in (ContractStatus.PENDING, ContractStatus.CANCELLED):
                raise BusinessError("合同尚未签订，不能公告", field="status", code="state")
            if c.published_at is not None:
                raise BusinessError(f"合同公告已于 {timezone.localtime(c.published_at):%Y-%m-%d %H:%M} 发布，不能重复发布", field="status", code="duplicate")
            org = c.purchaser.organization
            ann = publish(
                kind=AnnouncementKind.CONTRACT, title=f"{c.purchaser_name}{c.title}合同公告"[:200], body=notice_body(c),
                subsite=c.subsite, region=org.region, organization=org, subject=c,
                link=reverse("contracts:public_pdf", args=[c.contract_no]),
            )  # fmt: skip
            before = snapshot(c, ["published_at"])
            c.published_at = ann.published_at
            c.save(update_fields=["published_at", "updated_at"])
            late = c.publish_deadline and timezone.localdate(ann.published_at) > c.publish_deadline
            log_update(c, before, message="发布合同公告" + ("（已超过公告期限）" if late else ""))
    except BusinessError as exc:
        refused(contract, "发布合同公告", exc)
        raise
    return c


# --- Delivery and acceptance ----------------------------------------------------------------


def _sync_delivery(c: Contract) -> Contract:
    """An order delivered through the ordering pages moves its contract to DELIVERED."""
    if c.status == ContractStatus.SIGNED and c.order_id and c.order.delivered_at and not c.delivered_at:
        transition(c, ContractStatus.DELIVERED, machine=CONTRACT_MACHINE, reason="订单已送达",
                   extra_fields={"delivered_at": c.order.delivered_at, "delivery_note": c.order.delivery_note[:300]})  # fmt: skip
    return c


def contract_deliver(*, contract: Contract, user, note: str = "") -> Contract:
    """The supplier's delivery notice (送达通知). For an order the order records it too."""
    try:
        _require_side(user, contract, "supplier", "发出送达通知")
        note = (note or "").strip()
        if len(note) > 300:
            raise BusinessError("送达说明不能超过 300 个字符", field="note")
        with transaction.atomic():
            c = Contract.objects.select_for_update(of=("self",)).select_related("order").get(pk=contract.pk)
            if c.status != ContractStatus.SIGNED:
                raise BusinessError(f"合同当前状态为「{c.get_status_display()}」，不能发出送达通知（须先双方签署）", field="status", code="state")
            now = timezone.now()
            if c.order_id and c.order.delivered_at is None:
                order_deliver(c.order, note)
            transition(c, ContractStatus.DELIVERED, machine=CONTRACT_MACHINE, reason=f"供应商送达通知：{note}" if note else "供应商送达通知",
                       extra_fields={"delivered_at": now, "delivery_note": note})  # fmt: skip
            _notify_parties(c, title=f"合同 {c.contract_no} 货物已送达", body=f"请在 {c.acceptance_days} 日内完成验收。{note}", only="purchaser")
    except BusinessError as exc:
        refused(contract, "送达通知", exc)
        raise
    return c


@dataclass
class AcceptanceInput:
    line_id: int
    accepted_quantity: int
    rejected_quantity: int = 0
    reject_reason: str = ""


def acceptance_sign(*, contract: Contract, user, lines: list[AcceptanceInput], conclusion: str, remarks: str = "", accepted_on: dt.date | None = None) -> Acceptance:
    """The purchaser signs off the acceptance report: per line the accepted and rejected
    quantities (together the contracted quantity; a rejection needs its reason) and the
    conclusion. Passed: the contract is accepted, the payment due date set and the order
    marked accepted. Failed: the supplier must deliver again (the contract returns to signed)."""
    try:
        _require_side(user, contract, "purchaser", "签署验收书")
        if conclusion not in AcceptanceConclusion.values:
            raise BusinessError("请选择验收结论", field="conclusion")
        remarks = (remarks or "").strip()
        if len(remarks) > 2000:
            raise BusinessError("验收意见不能超过 2000 个字符", field="remarks")
        today = timezone.localdate()
        accepted_on = accepted_on or today
        if accepted_on > today:
            raise BusinessError("验收日期不能晚于今天", field="accepted_on")
        with transaction.atomic():
            c = Contract.objects.select_for_update(of=("self",)).select_related("order").get(pk=contract.pk)
            _sync_delivery(c)
            if c.status != ContractStatus.DELIVERED:
                if c.status in (ContractStatus.PENDING, ContractStatus.SIGNED):
                    raise BusinessError("供应商尚未发出送达通知，不能验收", field="status", code="state")
                raise BusinessError(f"合同当前状态为「{c.get_status_display()}」，不能验收", field="status", code="state")
            if c.delivered_at and accepted_on < timezone.localdate(c.delivered_at):
                raise BusinessError("验收日期不能早于送达日期", field="accepted_on")
            contract_lines = {ln.pk: ln for ln in c.lines.all()}
            given = {i.line_id: i for i in lines}
            if set(given) != set(contract_lines):
                raise BusinessError("请逐项填写每一项明细的验收数量", field="lines")
            rows = []
            for ln in sorted(contract_lines.values(), key=lambda x: x.line_no):
                i = given[ln.pk]
                label = f"第 {ln.line_no} 项（{ln.title}）"
                try:
                    acc, rej = int(i.accepted_quantity), int(i.rejected_quantity or 0)
                except (TypeError, ValueError):
                    raise BusinessError(f"{label}数量须为整数", field=f"line-{ln.pk}") from None
                if acc < 0 or rej < 0:
                    raise BusinessError(f"{label}数量不能为负数", field=f"line-{ln.pk}")
                if acc > ln.quantity:
                    raise BusinessError(f"{label}验收合格数量 {acc} 超过合同数量 {ln.quantity}", field=f"line-{ln.pk}")
                if acc + rej != ln.quantity:
                    raise BusinessError(f"{label}合格数量与拒收数量之和（{acc + rej}）须等于合同数量 {ln.quantity}", field=f"line-{ln.pk}")
                reason = (i.reject_reason or "").strip()
                if rej and not reason:
                    raise BusinessError(f"{label}有拒收数量，请填写拒收原因", field=f"line-{ln.pk}")
                if len(reason) > 300:
                    raise BusinessError(f"{label}拒收原因不能超过 300 个字符", field=f"line-{ln.pk}")
                rows.append(AcceptanceLine(contract_line=ln, accepted_quantity=acc, rejected_quantity=rej, reject_reason=reason))
            any_rejected = any(r.rejected_quantity for r in rows)
            if conclusion == AcceptanceConclusion.PASSED and any_rejected:
                raise BusinessError("存在拒收数量时验收结论不能为「验收合格」；请选择「验收不合格」，供应商更换或补足后重新验收", field="conclusion")
            if conclusion == AcceptanceConclusion.FAILED and not (any_rejected or remarks):
                raise BusinessError("验收不合格时请填写拒收数量及原因或验收意见", field="remarks")
            now = timezone.now()
            n = c.acceptances.count() + 1
            acc_obj = Acceptance.objects.create(
                contract=c, number=f"YS-{c.contract_no[3:]}-{n}"[:48], conclusion=conclusion, remarks=remarks, accepted_on=accepted_on,
                signed_by=user, signed_at=now,
            )  # fmt: skip
            for r in rows:
                r.acceptance = acc_obj
            AcceptanceLine.objects.bulk_create(rows)
            log_create(acc_obj, fields=["number", "conclusion", "accepted_on", "signed_by_id"], message=f"采购人签署验收书 {acc_obj.number}：{acc_obj.get_conclusion_display()}")
            if conclusion == AcceptanceConclusion.PASSED:
                due = accepted_on + dt.timedelta(days=c.payment_term_days)
                transition(c, ContractStatus.ACCEPTED, machine=CONTRACT_MACHINE, reason=f"验收合格（{acc_obj.number}），付款到期日 {due:%Y-%m-%d}",
                           extra_fields={"accepted_at": now, "payment_due_on": due})  # fmt: skip
                if c.order_id:
                    order_mark_accepted(c.order)
                _notify_parties(c, title=f"合同 {c.contract_no} 验收合格", body=f"付款到期日 {due:%Y-%m-%d}。", only="supplier")
            else:
                transition(c, ContractStatus.SIGNED, machine=CONTRACT_MACHINE, reason=f"验收不合格（{acc_obj.number}），待供应商更换或补足后重新送达",
                           extra_fields={"delivered_at": None})  # fmt: skip
                if c.order_id:
                    order_mark_delivery_rejected(c.order, f"验收不合格（{acc_obj.number}）" + (f"：{remarks}" if remarks else ""))
                _notify_parties(c, title=f"合同 {c.contract_no} 验收不合格", body="请按验收书更换或补足后重新发出送达通知。", only="supplier")
            schedule_acceptance_pdf(acc_obj)
    except BusinessError as exc:
        refused(contract, "签署验收书", exc)
        raise
    return acc_obj


# --- Payment --------------------------------------------------------------------------------


def payment_record(*, contract: Contract, user, amount, paid_on, voucher_no: str, idempotency_key: str = "", source: str = PaymentSource.MANUAL) -> tuple[Payment, bool]:
    """Record a payment. Returns (payment, created). The same idempotency key returns the
    payment it first made (a double click, a retried API call) without paying twice. The total
    paid never exceeds the contract amount: checked and written under the contract's row lock.
    The payment that completes the amount completes the contract and the order."""
    try:
        _require_side(user, contract, "purchaser", "登记付款")
        key = (idempotency_key or "").strip()[:80]
        if key:
            existing = Payment.objects.filter(contract=contract, idempotency_key=key).first()
            if existing is not None:
                return existing, False
        amount = parse_amount(amount, field="amount", label="支付金额")
        if isinstance(paid_on, str):
            try:
                paid_on = dt.date.fromisoformat(paid_on.strip())
            except ValueError:
                raise BusinessError("支付日期格式应为 YYYY-MM-DD", field="paid_on") from None
        if not isinstance(paid_on, dt.date):
            raise BusinessError("请填写支付日期", field="paid_on")
        if paid_on > timezone.localdate():
            raise BusinessError("支付日期不能晚于今天", field="paid_on")
        voucher_no = (voucher_no or "").strip()
        if not voucher_no:
            raise BusinessError("请填写支付凭证号", field="voucher_no")
        if len(voucher_no) > 64:
            raise BusinessError("支付凭证号不能超过 64 个字符", field="voucher_no")
        result = _pay(contract.pk, user, amount, paid_on, voucher_no, key, source)
    except BusinessError as exc:
        refused(contract, "登记付款", exc)
        raise
    return result


@locked_write
def _pay(contract_id, user, amount, paid_on, voucher_no, key, source) -> tuple[Payment, bool]:
    with transaction.atomic():
        c = Contract.objects.select_for_update(of=("self",)).select_related("order").get(pk=contract_id)
        if key:  # re-read under the lock: a concurrent request with the same key may have won
            existing = Payment.objects.filter(contract=c, idempotency_key=key).first()
            if existing is not None:
                return existing, False
        if c.status != ContractStatus.ACCEPTED:
            if c.status == ContractStatus.COMPLETED:
                raise BusinessError("合同已付清，不能再登记付款", field="amount", code="state")
            raise BusinessError(f"合同当前状态为「{c.get_status_display()}」，验收合格后方可登记付款", field="status", code="state")
        if paid_on < timezone.localdate(c.signed_at):
            raise BusinessError("支付日期不能早于合同签订日期", field="paid_on")
        paid = Payment.objects.filter(contract=c).aggregate(s=Sum("amount"))["s"] or Decimal("0")
        remaining = c.amount - paid
        if amount > remaining:
            raise BusinessError(f"支付金额 {format_yuan(amount)} 超过未付金额 {format_yuan(remaining)}（合同金额 {format_yuan(c.amount)}，已付 {format_yuan(paid)}）", field="amount")
        if Payment.objects.filter(contract=c, voucher_no=voucher_no).exists():
            raise BusinessError(f"支付凭证号 {voucher_no} 已登记，不能重复登记", field="voucher_no", code="duplicate")
        try:
            with transaction.atomic():
                p = Payment.objects.create(contract=c, amount=amount, paid_on=paid_on, voucher_no=voucher_no, source=source, idempotency_key=key, entered_by=user)
        except IntegrityError:
            raise BusinessError("该付款已登记，请勿重复提交", field="amount", code="duplicate") from None
        log_create(p, fields=["amount", "paid_on", "voucher_no", "source", "idempotency_key"], message=f"登记付款 {format_yuan(amount)}，凭证号 {voucher_no}")
        new_total = paid + amount
        before = snapshot(c, ["paid_total"])
        c.paid_total = new_total
        c.save(update_fields=["paid_total", "updated_at"])
        log_update(c, before, message=f"已付 {format_yuan(new_total)} / {format_yuan(c.amount)}")
        if new_total == c.amount:
            transition(c, ContractStatus.COMPLETED, machine=CONTRACT_MACHINE, reason="合同款已付清", extra_fields={"completed_at": timezone.now()})
            if c.order_id:
                order_mark_completed(c.order)
        _notify_parties(c, title=f"合同 {c.contract_no} 收到付款 {format_yuan(amount)}", body=f"凭证号 {voucher_no}，累计已付 {format_yuan(new_total)}，未付 {format_yuan(c.amount - new_total)}。", only="supplier")
    return p, True


# --- Notifications and PDFs ---------------------------------------------------------------


def party_users(c: Contract, side: str):
    from govmall.accounts.models import User

    if side == "purchaser":
        return User.objects.filter(is_active=True, organization_id=c.purchaser.organization_id, roles__role__in=BUYER_ROLES).distinct()
    return User.objects.filter(is_active=True, organization_id=c.supplier_id, roles__role__in=SUPPLIER_ROLES).distinct()


def _notify_parties(c: Contract, *, title: str, body: str, only: str | None = None) -> None:
    link = reverse("contracts:detail", args=[c.contract_no])
    for side in ("purchaser", "supplier"):
        if only in (None, side):
            org_id = c.purchaser.organization_id if side == "purchaser" else c.supplier_id
            notify_org(organization_id=org_id, roles=BUYER_ROLES if side == "purchaser" else SUPPLIER_ROLES, title=title, body=body, link=link)


def schedule_pdf(c: Contract) -> None:
    """Render the contract PDF in the worker once this transaction commits."""
    from govmall.contracts.tasks import render_contract_pdf

    cid, version = c.pk, c.pdf_version
    transaction.on_commit(lambda: render_contract_pdf(cid, version))


def schedule_acceptance_pdf(a: Acceptance) -> None:
    from govmall.contracts.tasks import render_acceptance_pdf

    aid = a.pk
    transaction.on_commit(lambda: render_acceptance_pdf(aid))


def late_interest(c: Contract, on: dt.date) -> tuple[int, Decimal]:
    """(days overdue, late interest) of the unpaid amount at `on`: 0.05 %/day by default."""
    if c.payment_due_on is None or on <= c.payment_due_on or c.remaining <= 0:
        return 0, Decimal("0.00")
    days = (on - c.payment_due_on).days
    return days, (c.remaining * c.late_interest_rate * days).quantize(CENT, rounding=ROUND_HALF_UP)
