"""The policy check (限额校验): the one function every purchase path calls.

`check(purchaser=, plan=, category=, amount=, mode=)` answers whether a purchase may go
ahead, with every reason in plain Chinese naming the rule and the numbers, and what remains
of the plan and of the annual cap. It reads without locks; `services.reserve` evaluates the
same rules (`evaluate`) again on the figures it has locked, so what it reserves never exceeds
either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from govmall.catalog.models import Category
from govmall.catalog.selectors import cap_category as cap_category_of
from govmall.core.errors import BusinessError
from govmall.limits import ledger
from govmall.limits.models import CapUsage, LimitRule, LimitStandard, PurchaseMode, SplitAction, WindowDay
from govmall.limits.selectors import standard_label
from govmall.plans.models import Plan, PlanStatus, ProcurementForm
from govmall.purchasers.budget import is_year_closed, parse_amount, today, wan, year_closed_from
from govmall.purchasers.models import Purchaser, PurchaserLevel, PurchaserStatus
from govmall.purchasers.services import resolve_purchaser

ZERO = Decimal("0")


@dataclass
class PolicyResult:
    """The answer of the policy check. Amounts are Decimal yuan; None where unknown (e.g. the
    plan of another purchaser is never shown)."""

    allowed: bool
    reasons: list[str] = field(default_factory=list)  # why not, one rule each, plain Chinese
    codes: list[str] = field(default_factory=list)  # machine codes of the reasons, same order
    warnings: list[str] = field(default_factory=list)  # allowed, but recorded (e.g. split flag)
    amount: Decimal | None = None
    year: int | None = None
    mode: str = ""
    mode_required: str | None = None  # the one mode this amount allows, when only one does
    modes_allowed: list[str] = field(default_factory=list)
    plan_no: str = ""
    plan_amount: Decimal | None = None
    plan_used: Decimal | None = None
    plan_reserved: Decimal | None = None
    plan_remaining: Decimal | None = None
    cap_category_code: str = ""
    cap_category_name: str = ""
    form: str = ""
    cap_ceiling: Decimal | None = None
    cap_used: Decimal | None = None
    cap_reserved: Decimal | None = None
    cap_remaining: Decimal | None = None
    split_flag: bool = False
    split_total: Decimal | None = None
    standard_id: int | None = None
    standard: str = ""

    @property
    def message(self) -> str:
        return "；".join(self.reasons)

    def as_dict(self) -> dict:
        out = {}
        for k, v in vars(self).items():
            out[k] = str(v) if isinstance(v, Decimal) else v
        return out


class LimitRefused(BusinessError):
    """A reservation was refused; `result` holds every reason and the figures."""

    def __init__(self, result: PolicyResult):
        super().__init__(result.message, field="amount", code="limit_exceeded")
        self.result = result


@dataclass
class Facts:
    """Everything the rules look at. `check` fills it without locks, `reserve` with the plan
    and cap usage rows locked."""

    on: dt.date
    amount: Decimal
    mode: str
    purchaser: Purchaser
    plan: Plan
    category: Category
    cap_category: Category
    standard: LimitStandard | None
    rule: LimitRule | None
    cap_used: Decimal = ZERO
    cap_reserved: Decimal = ZERO
    window_total: Decimal = ZERO  # mall purchases of this purchaser in the category within the window
    window_direct: Decimal = ZERO  # of which by direct purchase
    year_closed: bool = False


def evaluate(f: Facts) -> PolicyResult:
    r = PolicyResult(allowed=False, amount=f.amount, mode=f.mode, year=f.plan.year, plan_no=f.plan.plan_no, form=f.plan.procurement_form)
    r.cap_category_code, r.cap_category_name = f.cap_category.short_code, f.cap_category.name

    def refuse(code: str, text: str) -> None:
        r.codes.append(code)
        r.reasons.append(text)

    p, plan = f.purchaser, f.plan
    if p.status != PurchaserStatus.ACTIVE:
        refuse("purchaser_inactive", f"采购人「{p.name}」已停用{('（' + p.effective_to.isoformat() + ' 起）') if p.effective_to else ''}，不能再发起采购")
    own_plan = plan.purchaser_id == p.pk
    if not own_plan:
        refuse("plan_not_own", f"采购计划 {plan.plan_no} 不属于「{p.name}」，不能用于本单位的采购")
    else:
        r.plan_amount, r.plan_used, r.plan_reserved = plan.amount, plan.used, plan.reserved
        r.plan_remaining = max(plan.remaining, ZERO)
        if plan.status == PlanStatus.CANCELLED:
            refuse("plan_cancelled", f"采购计划 {plan.plan_no} 已撤销，不能使用")
        if plan.year != f.on.year:
            refuse("plan_year", f"采购计划 {plan.plan_no} 是 {plan.year} 年度计划，本次采购属于 {f.on.year} 年度，不能使用")
        elif f.year_closed:
            refuse("closed_year", f"{plan.year} 年度已结转（关闭），不能再使用该年度的采购计划")
        if not f.category.path.startswith(plan.category.path):
            refuse(
                "plan_category",
                f"品目 {f.category.short_code} {f.category.name} 不在采购计划 {plan.plan_no} 的品目「{plan.category.short_code} {plan.category.name}」范围内",
            )
        if plan.status != PlanStatus.CANCELLED:
            if plan.remaining <= 0:
                refuse("plan_exhausted", f"采购计划 {plan.plan_no} 已用完：计划金额 {wan(plan.amount)}，已使用 {wan(plan.used)}，已预留 {wan(plan.reserved)}")
            elif f.amount > plan.remaining:
                refuse(
                    "plan_exceeded",
                    f"超出采购计划 {plan.plan_no} 的可用余额：计划金额 {wan(plan.amount)}，已使用 {wan(plan.used)}"
                    f"{('，已预留 ' + wan(plan.reserved)) if plan.reserved else ''}，剩余 {wan(plan.remaining)}",
                )

    if f.mode not in PurchaseMode.values:
        refuse("mode_unknown", f"采购方式「{f.mode}」无法识别，应为直购或网上竞价")
    rule = f.rule
    if rule is None:
        level = PurchaserLevel(p.level).label if p.level in PurchaserLevel.values else p.level
        refuse("no_standard", f"未找到适用于{p.district.name}{level}采购人的限额标准，请联系财政部门")
    else:
        std = standard_label(f.standard)
        r.standard_id, r.standard = f.standard.pk, std
        level = rule.get_level_display()
        amount = f.amount
        if amount >= rule.tender_threshold:
            refuse(
                "tender_threshold",
                f"单笔金额 {wan(amount)} 达到公开招标数额标准 {wan(rule.tender_threshold)}（{std}），不能在商城采购，应依法公开招标",
            )
        elif amount > rule.mall_limit:
            refuse("mall_limit", f"单笔金额 {wan(amount)} 超过商城单笔上限 {wan(rule.mall_limit)}（{level}采购人，{std}），不能在商城采购")
        else:
            allowed_modes = []
            if amount <= rule.direct_max:
                allowed_modes.append(PurchaseMode.DIRECT.value)
            if amount > rule.bidding_min:
                allowed_modes.append(PurchaseMode.BIDDING.value)
            r.modes_allowed = allowed_modes
            r.mode_required = allowed_modes[0] if len(allowed_modes) == 1 else None
            if f.mode == PurchaseMode.DIRECT and PurchaseMode.DIRECT not in allowed_modes:
                refuse("mode_band", f"直购单笔上限为 {wan(rule.direct_max)}（{level}采购人，{std}），本次 {wan(amount)} 应采用网上竞价")
            elif f.mode == PurchaseMode.BIDDING and PurchaseMode.BIDDING not in allowed_modes:
                refuse("mode_band", f"网上竞价适用于 {wan(rule.bidding_min)} 以上的采购（{level}采购人，{std}），本次 {wan(amount)} 请采用直购")

        ceiling = rule.cap_for(plan.procurement_form)
        form_label = ProcurementForm(plan.procurement_form).label
        r.cap_ceiling, r.cap_used, r.cap_reserved = ceiling, f.cap_used, f.cap_reserved
        left = ceiling - f.cap_used - f.cap_reserved
        r.cap_remaining = max(left, ZERO)
        if amount > left:
            refuse(
                "cap_exceeded",
                f"超出本年度 {f.cap_category.short_code} {f.cap_category.name} 采购限额（{form_label}）：上限 {wan(ceiling)}，已用 {wan(f.cap_used)}"
                f"{('，已预留 ' + wan(f.cap_reserved)) if f.cap_reserved else ''}，剩余 {wan(r.cap_remaining)}",
            )

        # Splitting (化整为零): the window's purchases in this category cross a band edge
        # that this purchase alone stays under.
        days = f.standard.split_window_days
        flags = []
        if f.mode == PurchaseMode.DIRECT and amount <= rule.direct_max and f.window_direct + amount > rule.direct_max:
            total = f.window_direct + amount
            r.split_total = total
            flags.append(
                f"疑似化整为零：本单位 {days} 日内已直购 {f.cap_category.short_code} {f.cap_category.name} {wan(f.window_direct)}，"
                f"加上本次 {wan(amount)} 共 {wan(total)}，超过直购单笔上限 {wan(rule.direct_max)}"
            )
        if amount < rule.tender_threshold and f.window_total + amount >= rule.tender_threshold:
            total = f.window_total + amount
            r.split_total = max(total, r.split_total or ZERO)
            flags.append(
                f"疑似化整为零：本单位 {days} 日内在商城采购 {f.cap_category.short_code} {f.cap_category.name} {wan(f.window_total)}，"
                f"加上本次 {wan(amount)} 共 {wan(total)}，达到公开招标数额标准 {wan(rule.tender_threshold)}"
            )
        if flags:
            r.split_flag = True
            if f.standard.split_action == SplitAction.BLOCK:
                for text in flags:
                    refuse("split", text + "（按限额标准禁止下单）")
            else:
                r.warnings.extend(flags)
    r.allowed = not r.reasons
    return r


# --- Gathering the facts --------------------------------------------------------------------


def resolve_plan(value) -> Plan:
    """The plan as it is now in the database (an instance given is read again: its figures
    may be stale)."""
    qs = Plan.objects.select_related("purchaser", "category", "cap_category")
    if isinstance(value, Plan):
        found = qs.filter(pk=value.pk).first()
    else:
        found = qs.filter(plan_no=str(value)).first()
    if found is None and str(value).isdigit():
        found = qs.filter(pk=int(value)).first()
    if found is None:
        raise BusinessError(f"采购计划「{value}」不存在", field="plan")
    return found


def window_sums(purchaser_id: int, cap_category_id: int, days: int, on: dt.date) -> tuple[Decimal, Decimal]:
    """(all mall purchases, direct purchases) of the purchaser in the category, placed within
    the last `days` days and not released; a signed one counts at its contract amount (the
    days' sums that the reservation services keep, WindowDay)."""
    agg = WindowDay.objects.filter(
        purchaser_id=purchaser_id, cap_category_id=cap_category_id, day__gte=window_first_day(on, days)
    ).aggregate(total=Sum("total_cents"), direct=Sum("direct_cents"))
    return ledger.yuan(agg["total"]), ledger.yuan(agg["direct"])


@dataclass
class Request:
    """A purchase request with its parts resolved (what `check` and `reserve` share). The
    plan's amounts here may be stale: `reserve` reads them again under the lock."""

    on: dt.date
    amount: Decimal
    mode: str
    purchaser: Purchaser
    plan: Plan
    category: Category
    cap_category: Category
    standard: LimitStandard | None
    rule: LimitRule | None
    year_closed: bool
    tokens: tuple = ()  # (edition, standards) tokens of what was read (ReferenceCache)


class ReferenceCache:
    """reserve()'s reference reads (the purchase's categories, the rule in force), kept per
    process so that a reservation does not read them again every time.

    Each entry keeps the token of the data it came from (ledger.EDITION_TOKEN: the current
    catalog edition; ledger.STANDARDS_TOKEN: the published limit standards, which never change
    once published). reserve() reads the tokens again with its lock and, when they differ,
    empties the cache and starts over with fresh reads: an entry is never used once the data
    it came from has changed. The budget year's mark is not cached: reserve() reads it under
    the lock. check() never uses the cache."""

    MAX_ENTRIES = 4096

    def __init__(self):
        self.categories: dict = {}
        self.rules: dict = {}

    def clear(self) -> None:
        self.categories.clear()
        self.rules.clear()

    def _put(self, table: dict, key, value) -> None:
        if len(table) >= self.MAX_ENTRIES:
            table.clear()  # bounded: a process never holds more than this
        table[key] = value


reference_cache = ReferenceCache()


def category_with_cap(code, *, also_id: int | None = None) -> tuple[Category, Category, Category | None]:
    """The purchase's category in the current catalog edition (by code or short code), its
    level-2 category (二级品目) that annual caps count on, and (when `also_id` is given) one
    more category by id (the plan's) — in one query."""
    category, cap, extra, _closed, _token = _category_lookup(code, also_id, today().year)
    return category, cap, extra


def _category_lookup(code, also_id: int | None, year: int, *, cached: bool = False):
    """category_with_cap, plus whether budget `year` is closed (asked in the same round trip)
    and the catalog edition's token. `cached`: from ReferenceCache when there (the year's
    mark is then None: the caller reads it under its lock)."""
    from django.conf import settings

    from govmall.catalog.national import level_of, parent_code
    if isinstance(code, Category):
        if cached and code.code:  # a current-edition category (an order's) is looked up as its code, cached
            try:
                found = _category_lookup(code.code, also_id, year, cached=True)
            except BusinessError:
                found = None
            if found is not None and found[0].pk == code.pk:
                return found
        extra = Category.objects.filter(pk=also_id).first() if also_id else None
        return code, cap_category_of(code), extra, is_year_closed(year), None
    text = str(code or "").strip().upper()
    key = (text, also_id)
    if cached and key in reference_cache.categories:
        category, cap, extra, token = reference_cache.categories[key]
        return category, cap, extra, None, token
    if not (text in ("A", "B", "C") or (text[:1] in ("A", "B", "C") and text[1:].isdigit() and len(text) in (3, 5, 7, 9))):
        raise BusinessError(f"品目编码「{text}」格式不正确，应如 A0201 或 A02010105", field="category_code")
    full = text if len(text) in (1, 9) else text + "0" * (9 - len(text))
    cap_code = full
    while level_of(cap_code) > settings.CAP_CATEGORY_LEVEL:
        cap_code = parent_code(cap_code)
    rows, mark, token = ledger.categories({full, cap_code}, also_id, year=year)
    extra = next((c for c in rows if c.pk == also_id), None)
    found = {c.code: c for c in rows if c.is_current_edition and c.code in (full, cap_code)}
    if full not in found:
        raise BusinessError(f"品目编码「{text}」不在现行《政府采购品目分类目录》中", field="category_code")
    closed = year_closed_from(mark, year)
    category, cap = found[full], found.get(cap_code, found[full])
    if token is not None and (also_id is None or extra is not None):
        reference_cache._put(reference_cache.categories, key, (category, cap, extra, token))
    return category, cap, extra, closed, token


def _rule_lookup(purchaser: Purchaser, on: dt.date, *, cached: bool = False):
    codes = tuple(c for c in purchaser.district.path.strip("/").split("/") if c)
    key = (codes, purchaser.level, on)
    if cached and key in reference_cache.rules:
        return reference_cache.rules[key]
    found, token = ledger.rules_in_force(region_codes=list(codes), level=purchaser.level, on=on)
    answer = (None, None, token)
    for code in reversed(codes):  # the nearest region with a standard in force decides
        match = next(((standard, rule) for region_code, standard, rule in found if region_code == code), None)
        if match is not None:
            answer = (*match, token)
            break
    if token is not None:
        reference_cache._put(reference_cache.rules, key, answer)
    return answer


def prepare(*, purchaser, plan, category, amount, mode, on: dt.date | None = None, fresh: bool = True, cached: bool = False) -> Request:
    """Resolve the parts of a request; a BusinessError names the one that is wrong.
    `fresh=False` trusts a Purchaser instance given (reserve re-reads its status under lock).
    `cached=True` (reserve only) takes categories and the rule from ReferenceCache; the
    request's `tokens` then say what they came from, and `year_closed` is left for the lock."""
    amount = parse_amount(amount, label="采购金额")
    if isinstance(purchaser, Purchaser) and not fresh and purchaser.district_id:
        purchaser = purchaser
    else:
        purchaser = resolve_purchaser(purchaser.pk if isinstance(purchaser, Purchaser) else purchaser)
    on = on or today()
    if isinstance(plan, Plan) and not fresh:
        # The caller's plan: its number, year, form and category never change; its amounts
        # are read under the lock by reserve.
        category, cap, plan.category, year_closed, edition = _category_lookup(category, plan.category_id, on.year, cached=cached)
    else:
        plan = resolve_plan(plan)
        category, cap, _extra, year_closed, edition = _category_lookup(category, None, on.year, cached=cached)
    standard, rule, standards = _rule_lookup(purchaser, on, cached=cached)
    req = Request(on, amount, str(mode or ""), purchaser, plan, category, cap, standard, rule, bool(year_closed))
    req.tokens = (edition, standards)
    return req


def window_first_day(on: dt.date, days: int) -> dt.date:
    """The first day of a split-detection window of `days` days ending on `on`."""
    return on - dt.timedelta(days=max(days - 1, 0))


def facts_for(req: Request, *, plan: Plan | None = None, usage: CapUsage | None = None) -> Facts:
    f = Facts(
        on=req.on, amount=req.amount, mode=req.mode, purchaser=req.purchaser, plan=plan or req.plan, category=req.category,
        cap_category=req.cap_category, standard=req.standard, rule=req.rule, year_closed=req.year_closed,
    )  # fmt: skip
    if usage is not None:
        f.cap_used, f.cap_reserved = usage.used, usage.reserved
    if req.standard is not None:
        f.window_total, f.window_direct = window_sums(req.purchaser.pk, req.cap_category.pk, req.standard.split_window_days, req.on)
    return f


def check(*, purchaser, plan, category, amount, mode: str, on: dt.date | None = None) -> PolicyResult:
    """May this purchase go ahead? Never raises for a refusal: bad input is a reason too."""
    try:
        req = prepare(purchaser=purchaser, plan=plan, category=category, amount=amount, mode=mode, on=on)
    except BusinessError as exc:
        return PolicyResult(allowed=False, reasons=[exc.message], codes=[exc.field or "invalid"], mode=str(mode or ""))
    usage = CapUsage.objects.filter(purchaser=req.purchaser, year=req.plan.year, category=req.cap_category, form=req.plan.procurement_form).first()
    return evaluate(facts_for(req, usage=usage))
