"""Procurement plan writes (采购计划): the finance bureau's pages and, later, the budget
system through the integration API call the same functions. Every write is audited; status
changes go through the state machine; amounts are checked under the plan's row lock."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from govmall.audit.services import log_create, log_update, snapshot
from govmall.audit.states import StateMachine, transition
from govmall.catalog.models import Category
from govmall.catalog.selectors import cap_category, current_edition
from govmall.core.errors import BusinessError
from govmall.plans.locks import lock_plan
from govmall.plans.models import FundSource, Plan, PlanSource, PlanStatus, ProcurementForm
from govmall.purchasers.budget import parse_amount, require_open_year, today, wan
from govmall.purchasers.models import PurchaserStatus
from govmall.purchasers.services import resolve_purchaser

PLAN_NO_RE = re.compile(r"^[^\s/\\?#%]{1,64}$")
PLAN_FIELDS = [
    "plan_no", "year", "purchaser_id", "original_purchaser_id", "category_id", "cap_category_id", "description", "amount",
    "used", "reserved", "fund_source", "procurement_form", "approved_at", "status", "source", "derived_from_id",
]  # fmt: skip

PLAN_STATES = StateMachine(
    field="status",
    choices=PlanStatus,
    allowed={
        PlanStatus.APPROVED: frozenset({PlanStatus.ADJUSTED, PlanStatus.CANCELLED}),
        PlanStatus.ADJUSTED: frozenset({PlanStatus.ADJUSTED, PlanStatus.CANCELLED}),
    },
)


def find_category(code) -> Category:
    """A category of the current national catalog by its code (A02010105) or short code
    (A0201), or the Category itself."""
    if isinstance(code, Category):
        return code
    text = str(code or "").strip().upper()
    if not text:
        raise BusinessError("请选择品目", field="category_code")
    edition = current_edition()
    found = Category.objects.filter(edition=edition, code=text).first() or Category.objects.filter(edition=edition, short_code=text).first()
    if found is None:
        raise BusinessError(f"品目编码「{text}」不在现行《政府采购品目分类目录》（{edition.code}）中", field="category_code")
    return found


def _choice(value, choices, *, field: str, label: str) -> str:
    if value not in choices.values:
        raise BusinessError(f"{label}「{value}」无法识别，应为：{'、'.join(choices.labels)}", field=field)
    return value


def _approved_at(value) -> dt.datetime:
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        return timezone.make_aware(dt.datetime.combine(value, dt.time(9, 0)))
    try:
        parsed = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise BusinessError(f"批复时间「{value}」格式不正确，应为 YYYY-MM-DD 或 ISO 8601 时间", field="approved_at") from None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def plan_create(
    *,
    plan_no: str,
    year: int,
    purchaser,
    category,
    amount,
    procurement_form: str,
    fund_source: str = FundSource.BUDGET,
    description: str = "",
    approved_at=None,
    source: str = PlanSource.MANUAL,
) -> Plan:
    plan_no = str(plan_no or "").strip()
    if not PLAN_NO_RE.match(plan_no):
        raise BusinessError("计划编号应为 1–64 个字符，不含空格和 / ? # %", field="plan_no")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise BusinessError(f"年度「{year}」不是有效年份", field="year") from None
    if not 2000 <= year <= today().year + 1:
        raise BusinessError(f"年度应在 2000 至 {today().year + 1} 之间，现为 {year}", field="year")
    require_open_year(year, what="计划所属")
    purchaser = resolve_purchaser(purchaser)
    if purchaser.status != PurchaserStatus.ACTIVE:
        raise BusinessError(f"采购人「{purchaser.name}」已停用，不能下达新的采购计划", field="purchaser_code", code="state")
    category = find_category(category)
    amount = parse_amount(amount, label="计划金额")
    _choice(procurement_form, ProcurementForm, field="procurement_form", label="采购形式")
    _choice(fund_source, FundSource, field="fund_source", label="资金来源")
    if Plan.objects.filter(plan_no=plan_no).exists():
        raise BusinessError(f"计划编号 {plan_no} 已存在；如需修改金额请办理调整", field="plan_no")
    with transaction.atomic():
        plan = Plan.objects.create(
            plan_no=plan_no, year=year, purchaser=purchaser, category=category, cap_category=cap_category(category),
            description=str(description or "").strip()[:200], amount=amount, procurement_form=procurement_form, fund_source=fund_source,
            approved_at=_approved_at(approved_at), source=source,
        )  # fmt: skip
        log_create(plan, fields=PLAN_FIELDS, message=f"下达采购计划 {plan_no}：{wan(amount)}")
    return plan


def plan_adjust(*, plan: Plan, amount, reason: str = "", description: str | None = None) -> Plan:
    """Change a plan's amount. Never below what is already used or held by purchases in
    progress; a cancelled plan cannot be adjusted."""
    new = parse_amount(amount, label="调整后金额")
    with transaction.atomic():
        locked = lock_plan(plan.pk)
        if locked.status == PlanStatus.CANCELLED:
            raise BusinessError(f"采购计划 {locked.plan_no} 已撤销，不能调整", field="amount", code="state")
        require_open_year(locked.year, what="计划所属")
        committed = locked.used + locked.reserved
        if new < committed:
            raise BusinessError(
                f"调整后金额 {wan(new)} 低于已使用的 {wan(committed)}（已支付或签约 {wan(locked.used)}，进行中的采购预留 {wan(locked.reserved)}），不能调整",
                field="amount", code="state",
            )  # fmt: skip
        before = snapshot(locked, ["amount", "description"])
        old = locked.amount
        locked.amount = new
        if description is not None:
            locked.description = description.strip()[:200]
        locked.save(update_fields=["amount", "description", "updated_at"])
        log_update(locked, before, message=f"调整计划金额 {wan(old)} → {wan(new)}{('：' + reason) if reason else ''}")
        transition(locked, PlanStatus.ADJUSTED, machine=PLAN_STATES, reason=reason or "计划调整")
    return locked


def plan_cancel(*, plan: Plan, reason: str = "") -> Plan:
    """Withdraw a plan that nothing has drawn on."""
    with transaction.atomic():
        locked = lock_plan(plan.pk)
        if locked.status == PlanStatus.CANCELLED:
            raise BusinessError(f"采购计划 {locked.plan_no} 已撤销", code="state")
        require_open_year(locked.year, what="计划所属")
        if locked.used or locked.reserved:
            raise BusinessError(
                f"采购计划 {locked.plan_no} 已使用 {wan(locked.used)}、预留 {wan(locked.reserved)}，不能撤销；如需减少请调整金额（不低于已使用部分）",
                code="state",
            )
        transition(locked, PlanStatus.CANCELLED, machine=PLAN_STATES, reason=reason or "撤销计划")
    return locked


# --- The one entry point for the budget system (integration API, later) --------------------


@dataclass
class PlanItemError:
    path: str
    code: str
    message: str


class PlanBatchRejected(BusinessError):
    def __init__(self, errors: list[PlanItemError]):
        super().__init__(f"{len(errors)} 项有误，整批未接收", code="invalid")
        self.errors = errors


PLAN_ITEM_FIELDS = {"plan_no", "year", "purchaser_code", "category_code", "description", "amount", "fund_source", "procurement_form", "approved_at", "status"}


def plan_receive(*, item: dict, source: str = PlanSource.API) -> Plan:
    """One plan as the budget system sends it (INTERFACE §4 POST plans): a new plan_no
    creates; a known one is an adjustment (status adjusted, or approved with a new amount) or
    a cancellation (status cancelled, only while unused)."""
    status = item.get("status") or PlanStatus.APPROVED
    _choice(status, PlanStatus, field="status", label="状态")
    existing = Plan.objects.filter(plan_no=str(item.get("plan_no", "")).strip()).first()
    if existing is None:
        if status == PlanStatus.CANCELLED:
            raise BusinessError(f"计划 {item.get('plan_no')} 不存在，不能撤销", field="plan_no", code="not_found")
        return plan_create(
            plan_no=item.get("plan_no", ""), year=item.get("year"), purchaser=str(item.get("purchaser_code", "")), category=item.get("category_code"),
            amount=item.get("amount"), procurement_form=item.get("procurement_form"), fund_source=item.get("fund_source") or FundSource.BUDGET,
            description=item.get("description", ""), approved_at=item.get("approved_at"), source=source,
        )  # fmt: skip
    code = str(item.get("purchaser_code", "")).strip()
    if code and code != existing.purchaser.code and code != (existing.original_purchaser.code if existing.original_purchaser_id else None):
        raise BusinessError(f"计划 {existing.plan_no} 属于「{existing.purchaser.name}」，不能改到其他采购人", field="purchaser_code", code="state")
    if status == PlanStatus.CANCELLED:
        return plan_cancel(plan=existing, reason="预算系统撤销")
    if item.get("amount") is not None and parse_amount(item["amount"], label="计划金额") != existing.amount:
        return plan_adjust(plan=existing, amount=item["amount"], reason="预算系统调整", description=item.get("description"))
    return existing


def plans_receive_batch(*, items: list[dict], source: str = PlanSource.API) -> list[Plan]:
    """A batch is all or nothing (INTERFACE §3): every bad item is named, nothing is written."""
    errors: list[PlanItemError] = []
    done: list[Plan] = []
    with transaction.atomic():
        for i, item in enumerate(items):
            try:
                with transaction.atomic():
                    done.append(plan_receive(item=item, source=source))
            except BusinessError as exc:
                field = exc.field or "plan_no"
                errors.append(PlanItemError(path=f"plans[{i}].{field}", code=exc.code, message=exc.message))
        if errors:
            raise PlanBatchRejected(errors)
    return done
