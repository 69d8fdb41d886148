"""Limits engine writes: reservations (reserve / release / consume) and limit standards
(draft, edit, publish with a notice). Every write is audited in its own transaction;
statuses change through audit.states.transition."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from govmall.audit.models import Action
from govmall.audit.services import entry_insert_sql, entry_inserted, entry_values, log_create, log_update, record, snapshot
from govmall.audit.states import StateMachine, transition
from govmall.catalog.models import Category
from govmall.core.db import joined_atomic
from govmall.core.errors import BusinessError
from govmall.limits.locks import locked_write
from govmall.limits.models import (
    CapUsage,
    LimitNotice,
    LimitRule,
    LimitStandard,
    Reservation,
    ReservationStatus,
    SplitAction,
    StandardStatus,
)
from govmall.limits import ledger
from govmall.limits.policy import Facts, LimitRefused, PolicyResult, evaluate, prepare, reference_cache, window_first_day
from govmall.limits.selectors import standard_in_force
from govmall.purchasers.budget import parse_amount, parse_date, require_open_date, today, wan, year_closed_from
from govmall.purchasers.models import PurchaserLevel
from govmall.regions.models import Level, Region

RESERVATION_STATES = StateMachine(
    field="status",
    choices=ReservationStatus,
    allowed={ReservationStatus.RESERVED: frozenset({ReservationStatus.RELEASED, ReservationStatus.CONSUMED})},
)
STANDARD_STATES = StateMachine(
    field="status", choices=StandardStatus, allowed={StandardStatus.DRAFT: frozenset({StandardStatus.PUBLISHED})}
)


# --- Reservations ---------------------------------------------------------------------------


def lock_usage(*, purchaser_id: int, year: int, category: Category, form: str) -> CapUsage:
    """The cap usage row, locked (ORM form, for the restructure handler); created when missing."""
    key = {"purchaser_id": purchaser_id, "year": year, "category_id": category.pk, "form": form}
    row = CapUsage.objects.select_for_update().filter(**key).first()
    if row is None:
        CapUsage.objects.bulk_create([CapUsage(**key)], ignore_conflicts=True)
        row = CapUsage.objects.select_for_update().get(**key)
    return row


def _refused(reasons: list[str], codes: list[str], mode="") -> LimitRefused:
    return LimitRefused(PolicyResult(allowed=False, reasons=reasons, codes=codes, mode=str(mode or "")))


def reserve(*, purchaser, plan, category, amount, mode: str, reference: str = "", on: dt.date | None = None) -> Reservation:
    """Check and hold `amount` against the plan and the annual cap in one locked transaction.

    The plan row and then the cap usage row are locked (PostgreSQL; SQLite holds the database
    from BEGIN IMMEDIATE), their amounts read, the policy evaluated on them, and the money
    written — so two reservations can never both take the last of a plan or a cap.
    Returns the Reservation (with `.result`, the PolicyResult); raises LimitRefused with every
    reason when the purchase may not go ahead — then nothing is written."""
    def request(cached: bool):
        try:
            return prepare(purchaser=purchaser, plan=plan, category=category, amount=amount, mode=mode, on=on, fresh=False, cached=cached)
        except BusinessError as exc:
            raise _refused([exc.message], [exc.field or "invalid"], mode) from None

    req = request(cached=True)
    reference = (reference or "").strip()
    if len(reference) > 64:
        raise _refused(["业务单号不能超过 64 个字符"], ["reference"], mode)
    duplicate = _refused([f"业务单号 {reference} 已有额度预留，不能重复预留"], ["reference"], mode)
    if reference and Reservation.objects.filter(reference=reference).exists():
        raise duplicate  # checked before the locks; a race between two is the unique index's
    try:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            done = _reserve_at_once(req, reference, duplicate)
            if done is not None:
                return done
        return _reserve_locked(req, reference, duplicate, check_tokens=True)
    except _StaleReference:
        reference_cache.clear()  # a standard was published or the catalog changed meanwhile
    return _reserve_locked(request(cached=False), reference, duplicate, check_tokens=False)


def _reserve_at_once(req, reference: str, duplicate: LimitRefused) -> Reservation | None:
    """PostgreSQL, the usual case, in one statement (ledger.reserve_at_once): the request is
    evaluated on an unlocked read of plan, cap and window, then written on condition that
    plan and cap still have the amount left, locked for that statement alone. Returns None
    — nothing written — where the locked way must decide: a refusal (its reasons are given
    on locked figures), a standard that blocks split purchases (its window is read under the
    lock), a first reservation (the usage row is created there), or figures that changed
    so that the condition no longer holds."""
    if req.standard is None or req.standard.split_action == SplitAction.BLOCK:
        return None
    plan = copy.copy(req.plan)  # the caller's instance is left as it was given
    since = window_first_day(req.on, req.standard.split_window_days)
    read = ledger.lock_plan_and_usage(plan.pk, year=req.on.year, purchaser_id=req.purchaser.pk, category_id=req.cap_category.pk, window_from=since, lock=False)
    if read is None:
        return None
    row, usage, next_id = read
    _check_tokens(req, row)
    facts, result = _evaluate_on(req, plan, row, usage)
    if not result.allowed:
        return None
    res, values, entry = _new_reservation(req, plan, usage, result, reference, next_id)
    values["id"] = next_id
    message = _message_parts(req, plan, result)
    try:
        locked = ledger.reserve_at_once(
            values, plan_status=row.status, purchaser_status=row.purchaser_status, ceiling=req.rule.cap_for(plan.procurement_form),
            window=_window_bump(res, req.amount), entry=entry_values(Action.CREATE, res, **entry), message=message,
        )  # fmt: skip
    except IntegrityError:
        if reference:  # uniq_reservation_reference: another reservation took it meanwhile
            raise duplicate from None
        raise
    if locked is None:
        return None
    entry_inserted()
    plan.amount, plan.used, plan.reserved = locked[0], locked[1], locked[2]
    facts.cap_used, facts.cap_reserved = locked[3], locked[4]
    res.result = evaluate(facts)  # the answer on the figures as locked
    plan.reserved += req.amount
    return res


def _evaluate_on(req, plan, row, usage) -> tuple[Facts, PolicyResult]:
    """The policy on the plan, purchaser and cap figures read (`row`, `usage`)."""
    req.year_closed = year_closed_from(row.year_mark, req.on.year)
    plan.purchaser_id, plan.status, plan.amount, plan.used, plan.reserved = row.purchaser_id, row.status, row.amount, row.used, row.reserved
    if row.purchaser_id == req.purchaser.pk:  # a close or a restructure is seen
        req.purchaser.status, req.purchaser.effective_to = row.purchaser_status, row.purchaser_effective_to
    facts = Facts(
        on=req.on, amount=req.amount, mode=req.mode, purchaser=req.purchaser, plan=plan, category=req.category, cap_category=req.cap_category,
        standard=req.standard, rule=req.rule, year_closed=req.year_closed, cap_used=usage.used, cap_reserved=usage.reserved,
        window_total=usage.window_total, window_direct=usage.window_direct,
    )  # fmt: skip
    return facts, evaluate(facts)


def _new_reservation(req, plan, usage, result: PolicyResult, reference: str, next_id) -> tuple[Reservation, dict, dict]:
    """The reservation about to be written, its column values, and its audit entry's changes
    (the message is the caller's: it states the figures as locked)."""
    now = timezone.now()
    values = {
        "purchaser_id": req.purchaser.pk, "plan_id": plan.pk, "usage_id": usage.id, "category_id": req.category.pk,
        "cap_category_id": req.cap_category.pk, "form": plan.procurement_form, "year": plan.year, "amount": req.amount, "mode": req.mode,
        "status": ReservationStatus.RESERVED, "reference": reference, "standard_id": req.standard.pk, "split_flag": result.split_flag,
        "warnings": result.warnings, "release_reason": "", "created_at": now, "updated_at": now,
    }  # fmt: skip
    res = Reservation(id=next_id, **values)
    res._state.adding, res._state.db = False, "default"
    res.purchaser, res.plan, res.category, res.cap_category, res.standard = req.purchaser, plan, req.category, req.cap_category, req.standard
    entry = {
        "changes": {
            "amount": [None, str(req.amount)], "plan": [None, plan.plan_no], "cap_category": [None, req.cap_category.short_code],
            "form": [None, plan.procurement_form], "mode": [None, req.mode], "reference": [None, reference], "split_flag": [None, result.split_flag],
        },
    }  # fmt: skip
    return res, values, entry


class _StaleReference(Exception):
    """The reference data reserve() took from the cache changed since it was cached."""


def _check_tokens(req, row) -> None:
    """The parts of the request that came with a token (ReferenceCache) against the tokens
    read now with the plan."""
    if any(mine is not None and mine != now for mine, now in zip(req.tokens, row.tokens)):
        raise _StaleReference


def _message_parts(req, plan, result: PolicyResult) -> tuple[str, str, str]:
    """A reservation's audit message around its two figures, the plan's and the cap's
    remainder after it: (before, between, after)."""
    warnings = ("；" + "；".join(result.warnings)) if result.warnings else ""
    return f"预留 {wan(req.amount)}：计划 {plan.plan_no} 剩余 ", f"，{req.cap_category.short_code} 年度限额剩余 ", warnings


@locked_write
def _reserve_locked(req, reference: str, duplicate: LimitRefused, *, check_tokens: bool) -> Reservation:
    """The locked part of reserve(): only this holds the SQLite write gate (the reference
    reads before it need no lock). With `check_tokens`, the parts of the request that came
    with a token (ReferenceCache) are checked against the tokens read with the plan lock;
    nothing is written before that."""
    plan = copy.copy(req.plan)  # the caller's instance is left as it was given
    since = window_first_day(req.on, req.standard.split_window_days) if req.standard else None
    with transaction.atomic():
        both = ledger.lock_plan_and_usage(plan.pk, year=req.on.year, purchaser_id=req.purchaser.pk, category_id=req.cap_category.pk, window_from=since)
        if both is not None:
            row, usage, next_id = both
        else:  # the first reservation of this purchaser, year, category and form
            row, next_id = ledger.lock_plan(plan.pk, year=req.on.year), None
        if check_tokens:
            _check_tokens(req, row)
        if both is None:
            usage = ledger.lock_usage(
                purchaser_id=req.purchaser.pk, year=plan.year, category_id=req.cap_category.pk, form=plan.procurement_form, window_from=since
            )
        _facts, result = _evaluate_on(req, plan, row, usage)
        if not result.allowed:
            raise LimitRefused(result)
        res, values, entry = _new_reservation(req, plan, usage, result, reference, next_id)
        plan.reserved = row.reserved + req.amount
        before, between, after = _message_parts(req, plan, result)
        entry["message"] = f"{before}{wan(plan.remaining)}{between}{wan(result.cap_remaining - req.amount)}{after}"
        audit = None
        if next_id is not None:  # PostgreSQL: the entry goes in with the writes, one statement
            values["id"] = next_id
            audit = entry_insert_sql(entry_values(Action.CREATE, res, **entry))
        try:
            res.id = ledger.reserve_writes(
                values, plan_id=plan.pk, plan_used=row.used, plan_reserved=plan.reserved,
                usage_id=usage.id, usage_used=usage.used, usage_reserved=usage.reserved + req.amount, audit=audit,
                window=_window_bump(res, req.amount),
            )  # fmt: skip
        except IntegrityError:
            if reference:  # uniq_reservation_reference: another reservation took it meanwhile
                raise duplicate from None
            raise
        values.pop("id", None)
        if audit is not None:
            entry_inserted()
        else:
            record(Action.CREATE, res, **entry)
    res.result = result
    return res


def _window_bump(reservation: Reservation, delta) -> list:
    """The window-day parameters (ledger.WINDOW_BUMP) for `delta` more (or less) of this
    reservation in its day."""
    direct = delta if reservation.mode == "direct" else Decimal("0")
    return ledger.window_bump_params(
        purchaser_id=reservation.purchaser_id, cap_category_id=reservation.cap_category_id,
        day=timezone.localdate(reservation.created_at), total=delta, direct=direct,
    )  # fmt: skip


def _lock_for_finish(reservation: Reservation):
    """Lock plan, then cap usage, in the engine's order; the reservation row is locked by the
    transition that follows."""
    return ledger.lock_plan_and_usage_by_id(reservation.plan_id, reservation.usage_id)


@locked_write
def release(*, reservation: Reservation, reason: str) -> Reservation:
    """Give the money back to plan and cap (purchase cancelled)."""
    reason = (reason or "").strip()
    if not reason:
        raise BusinessError("请说明释放原因", field="reason")
    with joined_atomic():
        row, usage = _lock_for_finish(reservation)
        now = timezone.now()
        transition(
            reservation, ReservationStatus.RELEASED, machine=RESERVATION_STATES, reason=f"释放预留 {wan(reservation.amount)}：{reason}",
            extra_fields={"release_reason": reason[:200], "finished_at": now},
        )  # fmt: skip
        ledger.finish_writes(
            plan_id=row.id, plan_used=row.used, plan_reserved=row.reserved - reservation.amount, usage_id=usage.id, usage_used=usage.used,
            usage_reserved=usage.reserved - reservation.amount, now=now, window=_window_bump(reservation, -reservation.amount),
        )  # fmt: skip
    return reservation


@locked_write
def consume(*, reservation: Reservation, amount) -> Reservation:
    """The contract is signed for `amount` (at most what was reserved): that much becomes
    used on plan and cap, the rest of the reservation is freed."""
    amount = parse_amount(amount, label="签约金额")
    if amount > reservation.amount:
        raise BusinessError(f"签约金额 {wan(amount)} 超过预留金额 {wan(reservation.amount)}，超出部分须另行预留", field="amount")
    with joined_atomic():
        row, usage = _lock_for_finish(reservation)
        now = timezone.now()
        transition(
            reservation, ReservationStatus.CONSUMED, machine=RESERVATION_STATES, reason=f"签约 {wan(amount)}（预留 {wan(reservation.amount)}）",
            extra_fields={"consumed_amount": amount, "finished_at": now},
        )  # fmt: skip
        ledger.finish_writes(
            plan_id=row.id, plan_used=row.used + amount, plan_reserved=row.reserved - reservation.amount, usage_id=usage.id,
            usage_used=usage.used + amount, usage_reserved=usage.reserved - reservation.amount, now=now,
            window=_window_bump(reservation, amount - reservation.amount),
        )  # fmt: skip
    return reservation


@locked_write
def give_back(*, reservation: Reservation, amount, reason: str) -> Reservation:
    """A signed purchase ended early (contract terminated): `amount` of what it used goes back
    to the plan and the annual cap. The reservation stays consumed, for less."""
    amount = parse_amount(amount, label="退回金额")
    reason = (reason or "").strip()
    if not reason:
        raise BusinessError("请说明退回原因", field="reason")
    with transaction.atomic():
        row, usage = _lock_for_finish(reservation)
        locked = Reservation.objects.select_for_update().select_related("purchaser__organization__region").get(pk=reservation.pk)
        if locked.status != ReservationStatus.CONSUMED:
            raise BusinessError(f"额度预留当前为「{locked.get_status_display()}」，只有已签约的额度可以退回", field="status", code="state")
        if amount > (locked.consumed_amount or 0):
            raise BusinessError(f"退回金额 {wan(amount)} 超过签约金额 {wan(locked.consumed_amount or 0)}", field="amount")
        now = timezone.now()
        before = snapshot(locked, ["consumed_amount", "release_reason"])
        locked.consumed_amount -= amount
        locked.release_reason = reason[:200]
        locked.save(update_fields=["consumed_amount", "release_reason", "updated_at"])
        log_update(locked, before, message=f"退回 {wan(amount)} 至计划与年度限额：{reason}"[:500])
        ledger.finish_writes(
            plan_id=row.id, plan_used=row.used - amount, plan_reserved=row.reserved, usage_id=usage.id, usage_used=usage.used - amount,
            usage_reserved=usage.reserved, now=now, window=_window_bump(locked, -amount),
        )  # fmt: skip
    return locked


# --- Limit standards ------------------------------------------------------------------------

RULE_FIELDS = ["tender_threshold", "mall_limit", "direct_max", "bidding_min", "cap_centralized", "cap_department", "cap_decentralized"]
RULE_LABELS = {name: LimitRule._meta.get_field(name).verbose_name for name in RULE_FIELDS}
WAN = Decimal(10000)
WEIHAI_DEFAULTS = {
    # DOMAIN.md §5 [default]: threshold 200万; direct up to 50万 (city) / 30万 (district, town);
    # bidding above that; annual cap per level-2 category per form 200万.
    PurchaserLevel.CITY: {"tender_threshold": 200, "mall_limit": 200, "direct_max": 50, "bidding_min": 50, "cap_centralized": 200, "cap_department": 200, "cap_decentralized": 200},
    PurchaserLevel.COUNTY: {"tender_threshold": 200, "mall_limit": 200, "direct_max": 30, "bidding_min": 30, "cap_centralized": 200, "cap_department": 200, "cap_decentralized": 200},
    PurchaserLevel.TOWN: {"tender_threshold": 200, "mall_limit": 200, "direct_max": 30, "bidding_min": 30, "cap_centralized": 200, "cap_department": 200, "cap_decentralized": 200},
}  # fmt: skip


def levels_for(region: Region) -> list[str]:
    """The purchaser levels a region's standard covers: a city's covers its own units and its
    districts' (as their default); a district's covers its units and its towns'."""
    if region.level == Level.PROVINCE:
        return [PurchaserLevel.PROVINCE, PurchaserLevel.CITY, PurchaserLevel.COUNTY, PurchaserLevel.TOWN]
    if region.level == Level.CITY:
        return [PurchaserLevel.CITY, PurchaserLevel.COUNTY, PurchaserLevel.TOWN]
    if region.level == Level.COUNTY:
        return [PurchaserLevel.COUNTY, PurchaserLevel.TOWN]
    raise BusinessError(f"{region.name}是乡镇级区划，限额标准由所在区县财政部门制定", field="region")


def _figures_for(region: Region) -> dict[str, dict]:
    """Starting figures for a new draft: the standard in force for the region (its own or the
    city's), else the Weihai defaults."""
    base = standard_in_force(region, today()) or LimitStandard.objects.filter(region=region).order_by("-version").first()
    out = {}
    for level in levels_for(region):
        rule = base.rule_for(level) if base else None
        if rule is not None:
            out[level] = {f: getattr(rule, f) for f in RULE_FIELDS}
        else:
            defaults = WEIHAI_DEFAULTS.get(level, WEIHAI_DEFAULTS[PurchaserLevel.CITY])
            out[level] = {f: Decimal(v) * WAN for f, v in defaults.items()}
    return out


def standard_draft(*, region: Region) -> LimitStandard:
    """A new draft version for `region`, or the draft already being edited."""
    levels_for(region)
    existing = LimitStandard.objects.filter(region=region, status=StandardStatus.DRAFT).first()
    if existing is not None:
        return existing
    figures = _figures_for(region)
    base = standard_in_force(region, today())
    with transaction.atomic():
        version = (LimitStandard.objects.filter(region=region).aggregate(v=Max("version"))["v"] or 0) + 1
        std = LimitStandard.objects.create(
            region=region, version=version, title="政府采购网上商城限额标准", effective_from=today() + dt.timedelta(days=1),
            split_window_days=base.split_window_days if base else 30, split_action=base.split_action if base else SplitAction.FLAG,
        )  # fmt: skip
        for level, values in figures.items():
            LimitRule.objects.create(standard=std, level=level, **values)
        log_create(std, fields=["region_id", "version", "title", "effective_from", "status"], message=f"新建限额标准第 {version} 版草稿")
    return std


def _validate_rule(level: str, values: dict) -> dict:
    label = PurchaserLevel(level).label
    clean = {}
    for name in RULE_FIELDS:
        clean[name] = parse_amount(values.get(name), field=f"{level}_{name}", label=f"{label}{RULE_LABELS[name]}", allow_zero=name == "bidding_min")
    if not clean["direct_max"] < clean["tender_threshold"]:
        raise BusinessError(f"{label}直购单笔上限应低于公开招标数额标准", field=f"{level}_direct_max")
    if clean["mall_limit"] > clean["tender_threshold"]:
        raise BusinessError(f"{label}商城单笔上限不能高于公开招标数额标准（达到该标准须公开招标）", field=f"{level}_mall_limit")
    if clean["direct_max"] > clean["mall_limit"]:
        raise BusinessError(f"{label}直购单笔上限不能高于商城单笔上限", field=f"{level}_direct_max")
    if clean["bidding_min"] > clean["direct_max"]:
        raise BusinessError(
            f"{label}竞价起点 {wan(clean['bidding_min'])} 高于直购单笔上限 {wan(clean['direct_max'])}，两者之间的金额将无方式可用", field=f"{level}_bidding_min"
        )
    return clean


def standard_update(*, standard: LimitStandard, title: str, split_window_days, split_action: str, rules: dict[str, dict]) -> LimitStandard:
    """Edit a draft. Published versions are frozen: publish a new version instead."""
    if standard.status != StandardStatus.DRAFT:
        raise BusinessError("已发布的限额标准不能修改，请新建版本", code="state")
    title = (title or "").strip()
    if not title:
        raise BusinessError("请填写标题", field="title")
    try:
        window = int(split_window_days)
    except (TypeError, ValueError):
        raise BusinessError("化整为零检测窗口应为天数", field="split_window_days") from None
    if not 1 <= window <= 366:
        raise BusinessError("化整为零检测窗口应为 1–366 天", field="split_window_days")
    if split_action not in SplitAction.values:
        raise BusinessError("请选择化整为零的处理方式", field="split_action")
    levels = levels_for(standard.region)
    clean = {level: _validate_rule(level, rules.get(level, {})) for level in levels}
    with transaction.atomic():
        locked = LimitStandard.objects.select_for_update().get(pk=standard.pk)
        if locked.status != StandardStatus.DRAFT:
            raise BusinessError("已发布的限额标准不能修改，请新建版本", code="state")
        before = snapshot(locked, ["title", "split_window_days", "split_action"])
        locked.title, locked.split_window_days, locked.split_action = title[:100], window, split_action
        locked.save()
        changes = {}
        for level, values in clean.items():
            rule, _ = LimitRule.objects.get_or_create(standard=locked, level=level, defaults=values)
            for name, value in values.items():
                if getattr(rule, name) != value:
                    changes[f"{level}.{name}"] = [str(getattr(rule, name)), str(value)]
                    setattr(rule, name, value)
            rule.save()
        log_update(locked, before)
        if changes:
            record(Action.UPDATE, locked, changes=changes, message="修改限额数值")
    return locked


def notice_text(standard: LimitStandard) -> str:
    lines = [f"{standard.region.name}财政局发布{standard.title}（第 {standard.version} 版），自 {standard.effective_from:%Y年%m月%d日} 起施行。"]
    for rule in standard.rules.all().order_by("id"):
        lines.append(
            f"{rule.get_level_display()}采购人：单笔达到 {wan(rule.tender_threshold)} 须公开招标，商城不受理；商城单笔上限 {wan(rule.mall_limit)}；"
            f"{wan(rule.direct_max)} 及以下可直购，{wan(rule.bidding_min)} 以上采用网上竞价；每个二级品目年度限额：集中采购 {wan(rule.cap_centralized)}、"
            f"部门集中采购 {wan(rule.cap_department)}、分散采购 {wan(rule.cap_decentralized)}。"
        )
    lines.append(
        f"同一采购人 {standard.split_window_days} 日内同一二级品目多次采购累计跨越金额档次的，系统"
        + ("禁止下单。" if standard.split_action == SplitAction.BLOCK else "予以提示并记录，供监督检查。")
    )
    if standard.region.level == Level.CITY:
        lines.append("各区市财政部门未另行制定的，执行本标准。")
    return "\n".join(lines)


def standard_publish(*, standard: LimitStandard, notice_no: str, effective_from, notice_body: str = "") -> LimitStandard:
    """Publish a draft with its notice. It takes effect on `effective_from` (today or later,
    in an open year); earlier versions stay in force until then."""
    day = parse_date(effective_from, field="effective_from", label="生效日期")
    require_open_date(day, what="生效日期")
    if day < today():
        raise BusinessError(f"生效日期 {day} 早于今天，限额标准不能追溯生效", field="effective_from")
    notice_no = (notice_no or "").strip()[:64]
    with transaction.atomic():
        locked = LimitStandard.objects.select_for_update().select_related("region").get(pk=standard.pk)
        if locked.status != StandardStatus.DRAFT:
            raise BusinessError("该版本已发布", code="state")
        missing = [PurchaserLevel(level).label for level in levels_for(locked.region) if locked.rule_for(level) is None]
        if missing:
            raise BusinessError(f"缺少{'、'.join(missing)}采购人的限额数值", field="rules")
        before = snapshot(locked, ["notice_no", "effective_from", "notice_body"])
        locked.notice_no, locked.effective_from = notice_no, day
        locked.notice_body = (notice_body or "").strip() or notice_text(locked)
        locked.save()
        log_update(locked, before)
        now = timezone.now()
        transition(locked, StandardStatus.PUBLISHED, machine=STANDARD_STATES, reason=f"发布{notice_no or ''}，{day} 起施行", extra_fields={"published_at": now})
        notice = LimitNotice.objects.create(
            standard=locked, region=locked.region, notice_no=notice_no, title=f"{locked.region.name}{locked.title}（第 {locked.version} 版）",
            body=locked.notice_body, effective_from=day, published_at=now,
        )  # fmt: skip
        log_create(notice, fields=["standard_id", "region_id", "notice_no", "title", "effective_from"], message="发布限额标准公告")
    return locked
