"""Online bidding writes: requirement drafts, publication with the limits reservation, sealed
quotes, the close with evaluation, the award and its confirmation, cancellation, re-bid, and
the sub-site's rules. Every status change goes through `audit.states.transition` with the
machines in states.py; money checks run in one locked transaction (`limits.locks.locked_write`).

Sealing: a quote's price is never written to the audit log before the close (the log is
readable by staff); the close writes one entry per quote with its price and evaluation.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from govmall.accounts.models import Organization, OrgKind, Role
from govmall.accounts.services import notify
from govmall.audit.models import Action
from govmall.audit.services import log_create, log_update, record, snapshot
from govmall.audit.states import InvalidTransition, transition
from govmall.bidding import evaluation, hooks
from govmall.bidding.models import Bidding, BiddingRules, BiddingStatus, LowQuoteMethod, Quote, QuoteStatus
from govmall.bidding.states import BIDDING_MACHINE, QUOTE_MACHINE
from govmall.catalog.models import Category
from govmall.catalog.selectors import listable_categories
from govmall.core.errors import BusinessError
from govmall.disclosure.models import AnnouncementKind
from govmall.limits.locks import locked_write
from govmall.limits.policy import LimitRefused, check as policy_check
from govmall.limits.services import release, reserve
from govmall.plans.models import OPEN_STATUSES, Plan
from govmall.purchasers.budget import parse_amount, wan
from govmall.purchasers.models import Purchaser
from govmall.workdays.services import add_working_days

SME_RATE_MIN, SME_RATE_MAX = Decimal("0.10"), Decimal("0.20")  # DOMAIN.md §6, 财库〔2022〕19号
MAX_QUANTITY = 1_000_000
MAX_SPEC_LINES = 50
DEFAULT_CLOSE_TIME = dt.time(17, 0)
MAX_WINDOW_DAYS = 60
CLOSED_STATUSES = (BiddingStatus.AWARDED, BiddingStatus.CONFIRMED, BiddingStatus.CONTRACTED, BiddingStatus.FAILED)


class BiddingRefused(BusinessError):
    """Publication refused; `reasons` lists every reason (own checks and the limits policy)."""

    def __init__(self, reasons: list[str], field: str | None = None):
        super().__init__("；".join(reasons), field=field, code="refused")
        self.reasons = reasons


# --- Refused attempts -----------------------------------------------------------------------


def _redacted(message: str) -> str:
    # A refused quote's amount is as sealed as an accepted one.
    return re.sub(r"[\d,]+(\.\d+)? ?元", "（金额密封）", message)


def refusals_audited(what: str):
    """Keep every refused attempt in the audit log (outside the rolled-back transaction),
    naming the action, the bidding and the reason; quote amounts are redacted."""

    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except BusinessError as exc:
                user = kwargs.get("user")
                org = getattr(user, "organization", None) if user is not None else None
                bidding = kwargs.get("bidding")
                ref = bidding.bidding_no if isinstance(bidding, Bidding) else (f"#{bidding}" if bidding else "")
                reasons = getattr(exc, "reasons", None) or [exc.message]
                record(
                    Action.SYSTEM, None, object_type="bidding.attempt", object_id=str(getattr(bidding, "pk", bidding) or ""),
                    object_repr=f"{what}被拒绝 {ref}".strip(), owner_org_id=org.pk if org else None, scope_path=org.region.path if org else "",
                    changes={"field": exc.field or "", "code": exc.code}, message=_redacted("；".join(reasons))[:1000],
                )  # fmt: skip
                raise

        return inner

    return wrap


# --- Rules ----------------------------------------------------------------------------------


def rules_for(subsite) -> BiddingRules:
    rules = BiddingRules.objects.filter(subsite=subsite).first()
    if rules is None:
        BiddingRules.objects.bulk_create([BiddingRules(subsite=subsite)], ignore_conflicts=True)
        rules = BiddingRules.objects.get(subsite=subsite)
    return rules


def _percent_value(value, *, field: str, label: str) -> Decimal:
    """A percentage typed by a person ("10", "12.5", "10%") as a fraction (0.10, 0.125)."""
    text = str(value if value is not None else "").strip().rstrip("%％").strip()
    if not text:
        raise BusinessError(f"请填写{label}", field=field)
    try:
        number = Decimal(text)
    except Exception:  # noqa: BLE001 - decimal raises several kinds
        raise BusinessError(f"{label}「{text}」不是有效的数字", field=field) from None
    if not number.is_finite():
        raise BusinessError(f"{label}不是有效的数字", field=field)
    return (number / 100).quantize(Decimal("0.001"))


def _int_value(value, *, field: str, label: str, low: int, high: int) -> int:
    text = str(value if value is not None else "").strip()
    if not re.fullmatch(r"\d{1,9}", text):
        raise BusinessError(f"{label}应为 {low}–{high} 之间的整数", field=field)
    number = int(text)
    if not low <= number <= high:
        raise BusinessError(f"{label}应为 {low}–{high} 之间的整数，现为 {number}", field=field)
    return number


def rules_update(*, subsite, data: dict) -> BiddingRules:
    """The procurement centre edits its sub-site's bidding rules. Percentages are given as
    percent (10 = 10 %). The SME deduction must stay within 10–20 % (DOMAIN.md §6)."""
    rate = _percent_value(data.get("sme_deduction_percent"), field="sme_deduction_percent", label="小微企业价格扣除比例")
    if not SME_RATE_MIN <= rate <= SME_RATE_MAX:
        raise BusinessError(
            f"小微企业价格扣除比例应在 10%–20% 之间（财库〔2022〕19号），现为 {evaluation.percent(rate)}", field="sme_deduction_percent"
        )
    min_valid = _int_value(data.get("min_valid_quotes"), field="min_valid_quotes", label="最少有效报价数", low=3, high=20)  # §6: at least 3
    window = _int_value(data.get("quote_window_working_days"), field="quote_window_working_days", label="报价期（工作日）", low=1, high=20)
    hours = _int_value(data.get("winner_confirm_hours"), field="winner_confirm_hours", label="成交确认时限（小时）", low=24, high=240)
    method = str(data.get("low_quote_method") or "")
    if method not in LowQuoteMethod.values:
        raise BusinessError("请选择异常低价判定方法", field="low_quote_method")
    ratio = _percent_value(data.get("low_quote_percent"), field="low_quote_percent", label="异常低价比例")
    if not Decimal("0.10") <= ratio <= Decimal("0.90"):
        raise BusinessError(f"异常低价比例应在 10%–90% 之间，现为 {evaluation.percent(ratio)}", field="low_quote_percent")
    with transaction.atomic():
        rules = rules_for(subsite)
        rules = BiddingRules.objects.select_for_update().get(pk=rules.pk)
        before = snapshot(rules, ["sme_deduction_rate", "min_valid_quotes", "quote_window_working_days", "winner_confirm_hours", "low_quote_method", "low_quote_ratio"])
        rules.sme_deduction_rate, rules.min_valid_quotes, rules.quote_window_working_days = rate, min_valid, window
        rules.winner_confirm_hours, rules.low_quote_method, rules.low_quote_ratio = hours, method, ratio
        rules.save()
        log_update(rules, before, message="修改竞价规则")
    return rules


# --- Requirement drafts ---------------------------------------------------------------------


def purchaser_of(user) -> Purchaser:
    org = getattr(user, "organization", None)
    purchaser = Purchaser.objects.filter(organization=org).select_related("organization", "district").first() if org else None
    if purchaser is None or Role.PURCHASER_CLERK not in user.role_set:
        raise BusinessError("只有采购人经办人可以发起网上竞价", code="forbidden")
    return purchaser


def parse_spec_lines(text: str) -> list[dict]:
    """Key/value lines "内存：16GB" (or "内存: 16GB") → [{"key": "内存", "value": "16GB"}];
    a bad line is refused naming its row."""
    items = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = re.split(r"[:：]", line, maxsplit=1)
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise BusinessError(f"技术参数第 {number} 行「{line[:30]}」格式应为「参数名：参数值」", field="spec_lines")
        key, value = parts[0].strip(), parts[1].strip()
        if len(key) > 40 or len(value) > 200:
            raise BusinessError(f"技术参数第 {number} 行过长（参数名不超过 40 字，参数值不超过 200 字）", field="spec_lines")
        items.append({"key": key, "value": value})
    if len(items) > MAX_SPEC_LINES:
        raise BusinessError(f"技术参数最多 {MAX_SPEC_LINES} 行", field="spec_lines")
    return items


def spec_lines_text(items: list[dict]) -> str:
    return "\n".join(f"{i['key']}：{i['value']}" for i in items or [])


def _parse_datetime(value, *, field: str, label: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = str(value).strip().replace("T", " ")
        moment = None
        for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
            try:
                moment = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if moment is None:
            raise BusinessError(f"{label}「{text}」格式应为 2026-12-03 17:00", field=field)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _clean(purchaser: Purchaser, data: dict) -> dict:
    """Validated draft fields; the first wrong field raises, naming it."""
    title = str(data.get("title") or "").strip()
    if not title:
        raise BusinessError("请填写项目名称", field="title")
    if len(title) > 120:
        raise BusinessError("项目名称不能超过 120 个字", field="title")
    category = data.get("category")
    if not isinstance(category, Category):
        text = str(category or "").strip()
        if not text:
            raise BusinessError("请选择品目", field="category")
        lookup = {"pk": int(text)} if text.isdigit() else {"code": text.upper()}
        category = listable_categories(purchaser.organization.subsite).filter(**lookup).first()
        if category is None:
            raise BusinessError(f"品目「{text}」不在本分站商城品目目录中，不能竞价", field="category")
    elif not listable_categories(purchaser.organization.subsite).filter(pk=category.pk).exists():
        raise BusinessError(f"品目「{category}」不在本分站商城品目目录中，不能竞价", field="category")
    plan = data.get("plan")
    if not isinstance(plan, Plan):
        text = str(plan or "").strip()
        plan = Plan.objects.filter(pk=int(text)).first() if text.isdigit() else None
        if plan is None:
            raise BusinessError("请选择本单位已批复的采购计划", field="plan")
    if plan.purchaser_id != purchaser.pk:
        raise BusinessError(f"采购计划 {plan.plan_no} 不属于本单位，不能使用", field="plan")
    if plan.status not in OPEN_STATUSES:
        raise BusinessError(f"采购计划 {plan.plan_no} 已撤销，不能使用", field="plan")
    quantity_text = str(data.get("quantity") or "").strip()
    if not re.fullmatch(r"\d{1,12}", quantity_text) or int(quantity_text) < 1:
        raise BusinessError("数量应为正整数", field="quantity")
    quantity = int(quantity_text)
    if quantity > MAX_QUANTITY:
        raise BusinessError(f"数量 {quantity} 过大（不超过 {MAX_QUANTITY:,}），请核对", field="quantity")
    unit = str(data.get("unit") or "").strip() or "台"
    if len(unit) > 10:
        raise BusinessError("单位不能超过 10 个字", field="unit")
    ceiling = parse_amount(data.get("ceiling_price"), field="ceiling_price", label="最高限价")
    delivery_days = _int_value(data.get("delivery_days") or "15", field="delivery_days", label="交付期限（日历天）", low=1, high=365)
    closes = _parse_datetime(data.get("quote_closes_at"), field="quote_closes_at", label="报价截止时间")
    place = str(data.get("delivery_place") or "").strip()
    if len(place) > 200:
        raise BusinessError("交付地点不能超过 200 个字", field="delivery_place")
    return {
        "title": title, "category": category, "plan": plan, "quantity": quantity, "unit": unit, "ceiling_price": ceiling,
        "specs": str(data.get("specs") or "").strip()[:5000], "spec_items": parse_spec_lines(str(data.get("spec_lines") or "")),
        "delivery_terms": str(data.get("delivery_terms") or "").strip()[:2000], "delivery_place": place, "delivery_days": delivery_days,
        "eligibility_note": str(data.get("eligibility_note") or "").strip()[:2000], "quote_closes_at": closes,
    }  # fmt: skip


def _next_number(now: dt.datetime) -> str:
    day = timezone.localtime(now).strftime("%Y%m%d")
    prefix = f"JJ{day}"
    last = Bidding.objects.filter(bidding_no__startswith=prefix).order_by("-bidding_no").values_list("bidding_no", flat=True).first()
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


DRAFT_FIELDS = [
    "title", "category_id", "plan_id", "quantity", "unit", "ceiling_price", "specs", "spec_items", "delivery_terms",
    "delivery_place", "delivery_days", "eligibility_note", "quote_closes_at",
]  # fmt: skip


@refusals_audited("新建竞价")
def bidding_create(*, user, data: dict, rebid_of: Bidding | None = None) -> Bidding:
    purchaser = purchaser_of(user)
    clean = _clean(purchaser, data)
    for attempt in range(5):
        try:
            with transaction.atomic():
                bidding = Bidding.objects.create(
                    bidding_no=_next_number(timezone.now()), subsite=purchaser.organization.subsite, purchaser=purchaser,
                    created_by=user, rebid_of=rebid_of, **clean,
                )  # fmt: skip
                log_create(bidding, fields=["bidding_no", *DRAFT_FIELDS, "rebid_of_id"], message="新建竞价需求草稿" + (f"（{rebid_of.bidding_no} 重新竞价）" if rebid_of else ""))
            return bidding
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


@refusals_audited("修改竞价草稿")
def bidding_update(*, bidding: Bidding, user, data: dict) -> Bidding:
    purchaser = purchaser_of(user)
    if bidding.purchaser_id != purchaser.pk:
        raise BusinessError("只能修改本单位的竞价", code="forbidden")
    clean = _clean(purchaser, data)
    with transaction.atomic():
        locked = Bidding.objects.select_for_update().get(pk=bidding.pk)
        if locked.status != BiddingStatus.DRAFT:
            raise InvalidTransition(f"竞价当前状态为「{locked.get_status_display()}」，只有草稿可以修改")
        before = snapshot(locked, DRAFT_FIELDS)
        for name, value in clean.items():
            setattr(locked, name, value)
        locked.save()
        log_update(locked, before, message="修改竞价需求草稿")
    return locked


# --- Publication ----------------------------------------------------------------------------


def earliest_close(published_at: dt.datetime, rules: BiddingRules) -> tuple[dt.datetime, bool]:
    """The earliest allowed close: the same time of day N working days after publication
    (DOMAIN.md §6 default N = 2; working days per §9). `known` is False when the holiday
    table lacks a year and the weekend rule was used."""
    local = timezone.localtime(published_at)
    answer = add_working_days(local.date(), rules.quote_window_working_days)
    moment = timezone.make_aware(dt.datetime.combine(answer.date, local.time().replace(second=0, microsecond=0)), timezone.get_default_timezone())
    if moment < published_at:
        moment += dt.timedelta(minutes=1)
    return moment, answer.known


def default_close(published_at: dt.datetime, rules: BiddingRules) -> dt.datetime:
    """The close offered when the purchaser named none: 17:00 on the first working day
    whose 17:00 is not before the earliest allowed close (never a close at midnight)."""
    moment, _known = earliest_close(published_at, rules)
    tz = timezone.get_default_timezone()
    local = timezone.localtime(moment)
    candidate = timezone.make_aware(dt.datetime.combine(local.date(), DEFAULT_CLOSE_TIME), tz)
    if candidate < moment:
        candidate = timezone.make_aware(dt.datetime.combine(add_working_days(local.date(), 1).date, DEFAULT_CLOSE_TIME), tz)
    return candidate


def _publish_reasons(bidding: Bidding, rules: BiddingRules, now: dt.datetime) -> list[str]:
    reasons = []
    if not listable_categories(bidding.subsite).filter(pk=bidding.category_id).exists():
        reasons.append(f"品目 {bidding.category} 已不在本分站商城品目目录中，不能竞价")
    if bidding.quote_closes_at is not None:
        earliest, _known = earliest_close(now, rules)
        if bidding.quote_closes_at < earliest:
            reasons.append(
                f"报价截止时间 {timezone.localtime(bidding.quote_closes_at):%Y-%m-%d %H:%M} 过早：报价期至少 {rules.quote_window_working_days} 个工作日，"
                f"最早可定于 {timezone.localtime(earliest):%Y-%m-%d %H:%M}"
            )
        elif bidding.quote_closes_at > now + dt.timedelta(days=MAX_WINDOW_DAYS):
            reasons.append(f"报价截止时间 {timezone.localtime(bidding.quote_closes_at):%Y-%m-%d %H:%M} 过晚：报价期不超过 {MAX_WINDOW_DAYS} 天")
    return reasons


@refusals_audited("发布竞价")
@locked_write
def bidding_publish(*, bidding: Bidding, user) -> Bidding:
    """Publish a draft: check it, reserve the ceiling on the plan and the annual cap (limits,
    mode bidding), open the quote window. Every reason for a refusal is given at once."""
    purchaser = purchaser_of(user)
    if bidding.purchaser_id != purchaser.pk:
        raise BusinessError("只能发布本单位的竞价", code="forbidden")
    now = timezone.now()
    rules = rules_for(bidding.subsite)
    with transaction.atomic():
        locked = Bidding.objects.select_for_update(of=("self",)).select_related("category", "plan", "subsite").get(pk=bidding.pk)
        if locked.status != BiddingStatus.DRAFT:
            raise InvalidTransition(f"竞价当前状态为「{locked.get_status_display()}」，不能重复发布")
        reasons = _publish_reasons(locked, rules, now)
        if reasons:
            result = policy_check(purchaser=purchaser, plan=locked.plan, category=locked.category, amount=locked.ceiling_price, mode="bidding")
            raise BiddingRefused(reasons + result.reasons)
        try:
            reservation = reserve(
                purchaser=purchaser, plan=locked.plan, category=locked.category, amount=locked.ceiling_price, mode="bidding", reference=locked.bidding_no
            )
        except LimitRefused as exc:
            raise BiddingRefused(exc.result.reasons, field="ceiling_price") from None
        closes = locked.quote_closes_at or default_close(now, rules)
        transition(
            locked, BiddingStatus.OPEN, machine=BIDDING_MACHINE,
            reason=f"发布竞价，最高限价 {wan(locked.ceiling_price)}，报价截止 {timezone.localtime(closes):%Y-%m-%d %H:%M}",
            extra_fields={
                "published_at": now, "quote_opens_at": now, "quote_closes_at": closes, "reservation": reservation,
                "sme_deduction_rate": rules.sme_deduction_rate, "min_valid_quotes": rules.min_valid_quotes,
            },
        )  # fmt: skip
        bidding_id = locked.pk
        transaction.on_commit(lambda: _announce_opening(bidding_id))
    bidding.refresh_from_db()
    return bidding


def _announce_opening(bidding_id: int) -> None:
    from govmall.bidding.tasks import notify_eligible_suppliers

    notify_eligible_suppliers(bidding_id)


def eligible_supplier_users(bidding: Bidding):
    """Active supplier staff of the sub-site's suppliers that may quote on the bidding."""
    from govmall.suppliers.selectors import can_quote

    from govmall.accounts.models import User

    orgs = Organization.objects.filter(kind=OrgKind.SUPPLIER, subsite=bidding.subsite, is_active=True)
    ok = [org.pk for org in orgs if can_quote(org, bidding.category)[0]]
    return User.objects.filter(is_active=True, organization_id__in=ok, roles__role=Role.SUPPLIER_STAFF).distinct()


# --- Quotes ---------------------------------------------------------------------------------


def supplier_of(user) -> Organization:
    org = getattr(user, "organization", None)
    if org is None or org.kind != OrgKind.SUPPLIER or Role.SUPPLIER_STAFF not in user.role_set:
        raise BusinessError("只有供应商业务员可以报价", code="forbidden")
    return org


def may_quote(org: Organization, bidding: Bidding) -> tuple[bool, list[str]]:
    from govmall.suppliers.selectors import can_quote

    if bidding.subsite_id != org.subsite_id:
        return False, ["本竞价不属于贵单位入驻的分站"]
    return can_quote(org, bidding.category)


def _log_quote(action: str, quote: Quote, message: str, changes: dict | None = None) -> None:
    # The price is sealed: the audit entry names the action, never the amount.
    record(action, quote, changes=changes or {}, message=message)


@refusals_audited("报价")
@locked_write
def quote_submit(*, bidding: Bidding, user, price, brand_model: str = "", note: str = "") -> Quote:
    """Quote (or revise the quote) on an open bidding. Refused at or after the close — by
    the server's clock, in the transaction that locks the bidding and re-reads its status."""
    org = supplier_of(user)
    amount = parse_amount(price, field="price", label="报价")
    brand_model, note = str(brand_model or "").strip(), str(note or "").strip()
    if len(brand_model) > 200:
        raise BusinessError("品牌型号不能超过 200 个字", field="brand_model")
    if len(note) > 2000:
        raise BusinessError("响应说明不能超过 2000 个字", field="note")
    with transaction.atomic():
        locked = Bidding.objects.select_for_update(of=("self",)).select_related("category", "subsite").get(pk=bidding.pk)
        now = timezone.now()
        if locked.status != BiddingStatus.OPEN:
            if locked.status == BiddingStatus.DRAFT:
                raise BusinessError("竞价尚未发布，不能报价", code="state")
            raise InvalidTransition(f"竞价当前状态为「{locked.get_status_display()}」，报价已截止，不能报价")
        if now >= locked.quote_closes_at:
            raise InvalidTransition(f"报价已于 {timezone.localtime(locked.quote_closes_at):%Y-%m-%d %H:%M} 截止，不能再报价")
        ok, reasons = may_quote(org, locked)
        if not ok:
            raise BusinessError("贵单位不能参与本次竞价：" + "；".join(reasons), field="price", code="forbidden")
        if amount > locked.ceiling_price:
            raise BusinessError(f"报价 {amount:,.2f} 元超过最高限价 {locked.ceiling_price:,.2f} 元", field="price")
        quote = Quote.objects.select_for_update().filter(bidding=locked, supplier=org).first()
        if quote is None:
            quote = Quote.objects.create(
                bidding=locked, supplier=org, submitted_by=user, price=amount, brand_model=brand_model, note=note,
                first_submitted_at=now, submitted_at=now,
            )  # fmt: skip
            _log_quote(Action.CREATE, quote, f"提交报价（{locked.bidding_no}，报价密封至截止）")
            return quote
        was = quote.status
        quote.price, quote.brand_model, quote.note, quote.submitted_by, quote.submitted_at = amount, brand_model, note, user, now
        quote.revisions += 1
        quote.save(update_fields=["price", "brand_model", "note", "submitted_by", "submitted_at", "revisions", "updated_at"])
        if was == QuoteStatus.WITHDRAWN:
            transition(quote, QuoteStatus.SUBMITTED, machine=QUOTE_MACHINE, reason="撤回后重新报价")
        else:
            _log_quote(Action.UPDATE, quote, f"修改报价（第 {quote.revisions} 次，报价密封至截止）", {"revisions": [quote.revisions - 1, quote.revisions]})
    return quote


@refusals_audited("撤回报价")
@locked_write
def quote_withdraw(*, bidding: Bidding, user) -> Quote:
    org = supplier_of(user)
    with transaction.atomic():
        locked = Bidding.objects.select_for_update().get(pk=bidding.pk)
        quote = Quote.objects.filter(bidding=locked, supplier=org).first()
        if quote is None:
            raise BusinessError("贵单位未在本竞价中报价", code="state")
        if locked.status != BiddingStatus.OPEN or timezone.now() >= locked.quote_closes_at:
            raise InvalidTransition("报价已截止，不能撤回报价")
        transition(quote, QuoteStatus.WITHDRAWN, machine=QUOTE_MACHINE, reason="供应商撤回报价")
    return quote


# --- Close and evaluation -------------------------------------------------------------------


def _supplier_users(org_ids):
    from govmall.accounts.models import User

    return User.objects.filter(is_active=True, organization_id__in=list(org_ids)).distinct()


def _purchaser_users(bidding: Bidding):
    from govmall.accounts.models import User

    return User.objects.filter(is_active=True, organization_id=bidding.purchaser.organization_id).distinct()


def _link(bidding: Bidding) -> str:
    return reverse("bidding:detail", args=[bidding.pk])


def result_lines(bidding: Bidding) -> list[str]:
    rows = bidding.quotes.exclude(status__in=[QuoteStatus.WITHDRAWN, QuoteStatus.SUBMITTED]).select_related("supplier").order_by("rank", "submitted_at", "id")
    rate = evaluation.percent(bidding.sme_deduction_rate or Decimal("0"))
    lines = []
    for q in rows:
        if q.rank is None:
            lines.append(f"— {q.supplier.name}：报价 {q.price:,.2f} 元，无效（{q.invalid_reason}）")
            continue
        deduction = f"小微企业，价格扣除 {rate}" if q.is_small_or_micro else "不适用价格扣除"
        lines.append(f"第 {q.rank} 名 {q.supplier.name}：报价 {q.price:,.2f} 元，{deduction}，评审价 {q.evaluated_price:,.2f} 元")
    return lines


def _publish_notice(bidding: Bidding, *, kind: str, title: str, opening: str) -> None:
    from govmall.disclosure.services import publish

    body = "\n".join(
        [
            opening,
            f"采购人：{bidding.purchaser.name}；品目：{bidding.category}；数量：{bidding.quantity} {bidding.unit}；最高限价：{bidding.ceiling_price:,.2f} 元。",
            f"报价时间：{timezone.localtime(bidding.quote_opens_at):%Y-%m-%d %H:%M} 至 {timezone.localtime(bidding.quote_closes_at):%Y-%m-%d %H:%M}。",
            f"小微企业价格扣除比例：{evaluation.percent(bidding.sme_deduction_rate or Decimal('0'))}（财库〔2020〕46号、财库〔2022〕19号）。评审价 = 报价 ×（1 − 扣除比例），以评审价最低者成交。",
            "报价情况：" if bidding.quotes.exists() else "无供应商报价。",
            *result_lines(bidding),
        ]
    )
    publish(
        kind=kind, title=title, body=body, subsite=bidding.subsite, region=bidding.purchaser.organization.region,
        organization=bidding.purchaser.organization, subject=bidding, link=reverse("bidding:public", args=[bidding.pk]),
    )  # fmt: skip


def _participants(bidding: Bidding) -> set[int]:
    return set(bidding.quotes.values_list("supplier_id", flat=True))


@refusals_audited("截止竞价")
@locked_write
def bidding_close(*, bidding: Bidding | int, now: dt.datetime | None = None) -> Bidding:
    """Close an open bidding whose quote window has ended and evaluate it. Locked and
    idempotent in effect: a second close (another worker, a double click) is refused with a
    message and changes nothing."""
    now = now or timezone.now()
    pk = bidding.pk if isinstance(bidding, Bidding) else bidding
    with transaction.atomic():
        locked = Bidding.objects.select_for_update(of=("self",)).select_related("purchaser__organization", "subsite", "category").get(pk=pk)
        if locked.status != BiddingStatus.OPEN:
            raise InvalidTransition(f"竞价当前状态为「{locked.get_status_display()}」，不能重复截止")
        if now < locked.quote_closes_at:
            raise BusinessError(f"报价截止时间 {timezone.localtime(locked.quote_closes_at):%Y-%m-%d %H:%M} 未到，不能截止", code="state")
        from govmall.suppliers.selectors import is_small_or_micro

        quotes = list(Quote.objects.select_for_update(of=("self",)).filter(bidding=locked, status=QuoteStatus.SUBMITTED).select_related("supplier"))
        sizes = {q.pk: bool(is_small_or_micro(q.supplier)) for q in quotes}
        rules = rules_for(locked.subsite)
        rate = locked.sme_deduction_rate if locked.sme_deduction_rate is not None else rules.sme_deduction_rate
        min_valid = locked.min_valid_quotes or rules.min_valid_quotes
        ev = evaluation.evaluate(
            [evaluation.QuoteIn(q.pk, q.price, q.submitted_at, sizes[q.pk]) for q in quotes],
            ceiling=locked.ceiling_price, rate=rate, min_valid=min_valid, low_method=rules.low_quote_method, low_ratio=rules.low_quote_ratio,
        )  # fmt: skip
        for q in quotes:
            out = ev.results[q.pk]
            q.is_small_or_micro, q.evaluated_price, q.rank = sizes[q.pk], out.evaluated_price, out.rank
            q.invalid_reason, q.low_flag, q.low_flag_note = out.invalid_reason[:200], out.low_flag, out.low_flag_note[:200]
            q.save(update_fields=["is_small_or_micro", "evaluated_price", "rank", "invalid_reason", "low_flag", "low_flag_note", "updated_at"])
            transition(
                q, QuoteStatus.VALID if out.valid else QuoteStatus.INVALID, machine=QUOTE_MACHINE,
                reason=(f"开启报价 {q.price:,.2f} 元" + (f"，小微企业扣除后评审价 {out.evaluated_price:,.2f} 元" if out.deduction_applied else "")
                        + (f"，排名第 {out.rank}" if out.rank else f"，{out.invalid_reason}") + ("；异常低价：" + out.low_flag_note if out.low_flag else "")),
            )  # fmt: skip
        if ev.failed:
            _fail(locked, now=now, reason=ev.failure_reason)
        else:
            first = next(q for q in quotes if q.pk == ev.ranked[0])
            _award(
                locked, first, now=now, prefix=f"报价截止，有效报价 {ev.valid_count} 家；",
                extra={"closed_at": now, "sme_deduction_rate": rate, "min_valid_quotes": min_valid},
            )  # fmt: skip
            _publish_notice(locked, kind=AnnouncementKind.BIDDING_RESULT, title=f"{locked.title}竞价结果公告", opening=(
                f"{locked.bidding_no}「{locked.title}」于 {timezone.localtime(locked.quote_closes_at):%Y-%m-%d %H:%M} 报价截止，"
                f"有效报价 {ev.valid_count} 家。成交供应商（待确认）：{first.supplier.name}，成交金额 {first.price:,.2f} 元。"
            ))  # fmt: skip
            others = _participants(locked) - {first.supplier_id}
            notify(users=_supplier_users(others), title=f"竞价结果：{locked.title}", body="竞价已截止并完成评审，请查看排名与评审价。", link=_link(locked), dedupe_key=f"bidding:{locked.pk}:result")
            notify(users=_purchaser_users(locked), title=f"竞价已截止：{locked.title}", body=f"有效报价 {ev.valid_count} 家，{first.supplier.name} 排名第 1，待其确认成交。", link=_link(locked), dedupe_key=f"bidding:{locked.pk}:result")
    return locked


def _fail(locked: Bidding, *, now: dt.datetime, reason: str) -> None:
    closing = locked.status == BiddingStatus.OPEN
    extra = {"failure_reason": reason[:300]}
    if closing:
        extra["closed_at"] = now
    transition(locked, BiddingStatus.FAILED, machine=BIDDING_MACHINE, reason=f"竞价失败：{reason}", extra_fields=extra)
    if locked.reservation_id:
        release(reservation=locked.reservation, reason=f"竞价 {locked.bidding_no} 失败：{reason}"[:200])
    _publish_notice(locked, kind=AnnouncementKind.BIDDING_FAILED, title=f"{locked.title}竞价失败公告", opening=f"{locked.bidding_no}「{locked.title}」竞价失败：{reason}。")
    notify(users=_purchaser_users(locked), title=f"竞价失败：{locked.title}", body=f"{reason}。额度预留已释放，可重新竞价。", link=_link(locked), dedupe_key=f"bidding:{locked.pk}:failed")
    notify(users=_supplier_users(_participants(locked)), title=f"竞价失败：{locked.title}", body=reason, link=_link(locked), dedupe_key=f"bidding:{locked.pk}:failed")


def _award(locked: Bidding, quote: Quote, *, now: dt.datetime, prefix: str = "", extra: dict | None = None) -> None:
    hours = rules_for(locked.subsite).winner_confirm_hours
    deadline = now + dt.timedelta(hours=hours)
    quote.awarded_at = now
    quote.save(update_fields=["awarded_at", "updated_at"])
    transition(
        locked, BiddingStatus.AWARDED, machine=BIDDING_MACHINE,
        reason=f"{prefix}成交通知 {quote.supplier.name}（第 {quote.rank} 名，评审价 {quote.evaluated_price:,.2f} 元），须于 {hours} 小时内确认",
        extra_fields={**(extra or {}), "awarded_quote": quote, "award_deadline": deadline},
    )  # fmt: skip
    notify(
        users=_supplier_users([quote.supplier_id]), title=f"竞价成交通知：{locked.title}",
        body=f"贵单位报价 {quote.price:,.2f} 元（评审价 {quote.evaluated_price:,.2f} 元）排名第 {quote.rank}，请于 {timezone.localtime(deadline):%Y-%m-%d %H:%M} 前确认成交。",
        link=_link(locked), dedupe_key=f"bidding:{locked.pk}:award:{quote.pk}",
    )  # fmt: skip


def _pass_award(locked: Bidding, *, now: dt.datetime, why: str) -> None:
    """The award passes to the next-ranked valid quote; the bidding fails when none is left."""
    current = locked.awarded_quote
    candidates = Quote.objects.filter(bidding=locked, status=QuoteStatus.VALID, rank__gt=current.rank).select_related("supplier").order_by("rank")
    for nxt in candidates:
        ok, reasons = may_quote(nxt.supplier, locked)
        if ok:
            _award(locked, nxt, now=now)
            _publish_notice(locked, kind=AnnouncementKind.BIDDING_RESULT, title=f"{locked.title}竞价结果变更公告", opening=(
                f"{locked.bidding_no}「{locked.title}」原成交供应商 {current.supplier.name}{why}，成交顺延至第 {nxt.rank} 名 "
                f"{nxt.supplier.name}（待确认），成交金额 {nxt.price:,.2f} 元。"
            ))  # fmt: skip
            notify(users=_purchaser_users(locked), title=f"成交顺延：{locked.title}", body=f"{current.supplier.name}{why}，成交顺延至 {nxt.supplier.name}。", link=_link(locked), dedupe_key=f"bidding:{locked.pk}:pass:{nxt.pk}")
            return
        record(Action.UPDATE, nxt, message="成交顺延时跳过：" + "；".join(reasons))
    _fail(locked, now=now, reason=f"成交供应商{why}，且无其他可顺延的有效报价")


@refusals_audited("确认成交")
@locked_write
def award_confirm(*, bidding: Bidding, user) -> Bidding:
    org = supplier_of(user)
    with transaction.atomic():
        locked = Bidding.objects.select_for_update(of=("self",)).select_related("awarded_quote", "purchaser__organization", "subsite").get(pk=bidding.pk)
        if locked.status != BiddingStatus.AWARDED:
            raise InvalidTransition(f"竞价当前状态为「{locked.get_status_display()}」，不能确认成交")
        if locked.awarded_quote is None or locked.awarded_quote.supplier_id != org.pk:
            raise BusinessError("只有成交供应商可以确认成交", code="forbidden")
        now = timezone.now()
        if now > locked.award_deadline:
            raise InvalidTransition(f"成交确认期限已于 {timezone.localtime(locked.award_deadline):%Y-%m-%d %H:%M} 届满，不能再确认")
        transition(locked, BiddingStatus.CONFIRMED, machine=BIDDING_MACHINE, reason=f"{org.name} 确认成交", extra_fields={"award_confirmed_at": now})
        hooks.award_confirmed(locked)
        notify(users=_purchaser_users(locked), title=f"供应商已确认成交：{locked.title}", body=f"{org.name} 已确认成交，成交金额 {locked.awarded_quote.price:,.2f} 元。", link=_link(locked), dedupe_key=f"bidding:{locked.pk}:confirmed")
    return locked


@refusals_audited("放弃成交")
@locked_write
def award_decline(*, bidding: Bidding, user, reason: str) -> Bidding:
    org = supplier_of(user)
    reason = str(reason or "").strip()
    if not reason:
        raise BusinessError("请填写放弃成交的原因", field="reason")
    if len(reason) > 300:
        raise BusinessError("原因不能超过 300 个字", field="reason")
    with transaction.atomic():
        locked = Bidding.objects.select_for_update(of=("self",)).select_related("awarded_quote__supplier", "purchaser__organization", "subsite", "category").get(pk=bidding.pk)
        if locked.status != BiddingStatus.AWARDED:
            raise InvalidTransition(f"竞价当前状态为「{locked.get_status_display()}」，不能放弃成交")
        quote = locked.awarded_quote
        if quote is None or quote.supplier_id != org.pk:
            raise BusinessError("只有成交供应商可以放弃成交", code="forbidden")
        quote.decline_reason = reason
        quote.save(update_fields=["decline_reason", "updated_at"])
        transition(quote, QuoteStatus.DECLINED, machine=QUOTE_MACHINE, reason=f"放弃成交：{reason}")
        _pass_award(locked, now=timezone.now(), why=f"放弃成交（{reason}）")
    return locked


@locked_write
def award_expire(*, bidding: Bidding | int, now: dt.datetime | None = None) -> Bidding:
    """The winner let the confirmation deadline pass: the award goes to the next-ranked."""
    now = now or timezone.now()
    pk = bidding.pk if isinstance(bidding, Bidding) else bidding
    with transaction.atomic():
        locked = Bidding.objects.select_for_update(of=("self",)).select_related("awarded_quote__supplier", "purchaser__organization", "subsite", "category").get(pk=pk)
        if locked.status != BiddingStatus.AWARDED:
            raise InvalidTransition(f"竞价当前状态为「{locked.get_status_display()}」，无待确认的成交")
        if now <= locked.award_deadline:
            raise BusinessError("成交确认期限未到", code="state")
        quote = locked.awarded_quote
        transition(quote, QuoteStatus.LAPSED, machine=QUOTE_MACHINE, reason="成交确认期限届满未确认")
        _pass_award(locked, now=now, why="逾期未确认成交")
    return locked


def close_overdue(now: dt.datetime | None = None) -> dict:
    """Close every open bidding past its deadline and pass every award past its confirmation
    deadline (the periodic task and the worker's start-up catch-up). Safe to run twice at once."""
    now = now or timezone.now()
    done = {"closed": 0, "expired": 0}
    for pk in Bidding.objects.filter(status=BiddingStatus.OPEN, quote_closes_at__lte=now).values_list("pk", flat=True):
        try:
            bidding_close(bidding=pk, now=now)
            done["closed"] += 1
        except BusinessError:
            pass  # another worker closed it first
    for pk in Bidding.objects.filter(status=BiddingStatus.AWARDED, award_deadline__lt=now).values_list("pk", flat=True):
        try:
            award_expire(bidding=pk, now=now)
            done["expired"] += 1
        except BusinessError:
            pass
    return done


# --- Cancellation, re-bid, contract ---------------------------------------------------------


@refusals_audited("取消竞价")
@locked_write
def bidding_cancel(*, bidding: Bidding, user, reason: str) -> Bidding:
    """The purchaser cancels before the close (a draft any time): the reservation is
    released and every supplier that quoted is told. Quotes stay sealed."""
    purchaser = purchaser_of(user)
    reason = str(reason or "").strip()
    if not reason:
        raise BusinessError("请填写取消原因", field="reason")
    if len(reason) > 300:
        raise BusinessError("取消原因不能超过 300 个字", field="reason")
    with transaction.atomic():
        locked = Bidding.objects.select_for_update().get(pk=bidding.pk)
        if locked.purchaser_id != purchaser.pk:
            raise BusinessError("只能取消本单位的竞价", code="forbidden")
        if locked.status == BiddingStatus.OPEN and timezone.now() >= locked.quote_closes_at:
            raise InvalidTransition("报价已截止，不能取消；请等待评审结果")
        if locked.status not in (BiddingStatus.DRAFT, BiddingStatus.OPEN):
            raise InvalidTransition(f"竞价当前状态为「{locked.get_status_display()}」，不能取消")
        transition(locked, BiddingStatus.CANCELLED, machine=BIDDING_MACHINE, reason=f"采购人取消：{reason}", extra_fields={"cancel_reason": reason})
        if locked.reservation_id:
            release(reservation=locked.reservation, reason=f"竞价 {locked.bidding_no} 取消：{reason}"[:200])
        notify(users=_supplier_users(_participants(locked)), title=f"竞价已取消：{locked.title}", body=f"采购人取消了本次竞价，原因：{reason}", link=_link(locked), dedupe_key=f"bidding:{locked.pk}:cancelled")
    return locked


@refusals_audited("重新竞价")
def bidding_rebid(*, bidding: Bidding, user) -> Bidding:
    """A failed bidding's requirement copied into a new draft (rebid_of), to publish again."""
    purchaser = purchaser_of(user)
    if bidding.purchaser_id != purchaser.pk:
        raise BusinessError("只能对本单位的竞价重新竞价", code="forbidden")
    if bidding.status != BiddingStatus.FAILED:
        raise InvalidTransition(f"竞价当前状态为「{bidding.get_status_display()}」，只有竞价失败的项目可以重新竞价")
    existing = Bidding.objects.filter(rebid_of=bidding, status=BiddingStatus.DRAFT).first()
    if existing is not None:
        return existing
    data = {
        "title": bidding.title, "category": bidding.category, "plan": bidding.plan, "quantity": bidding.quantity, "unit": bidding.unit,
        "ceiling_price": bidding.ceiling_price, "specs": bidding.specs, "spec_lines": spec_lines_text(bidding.spec_items),
        "delivery_terms": bidding.delivery_terms, "delivery_place": bidding.delivery_place, "delivery_days": bidding.delivery_days,
        "eligibility_note": bidding.eligibility_note,
    }  # fmt: skip
    return bidding_create(user=user, data=data, rebid_of=bidding)


def bidding_mark_contracted(bidding: Bidding) -> Bidding:
    """The contract for the confirmed award was signed (called by contracts)."""
    return transition(bidding, BiddingStatus.CONTRACTED, machine=BIDDING_MACHINE, reason="合同已签订")


def bidding_mark_terminated(bidding: Bidding, reason: str) -> Bidding:
    """Its contract was cancelled before signing or terminated after (called by contracts,
    which releases or gives back the money)."""
    return transition(bidding, BiddingStatus.TERMINATED, machine=BIDDING_MACHINE, reason=reason[:300])
