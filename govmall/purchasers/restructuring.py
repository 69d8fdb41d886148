"""Restructuring (机构改革): split (分立), merge (合并), rename (更名).

`restructure_register` checks everything, creates the successor purchasers (inactive until the
effective date) and the lineage links, and applies the restructure at once when its date has
come; `restructure_apply_due` (the daily worker job) applies the others on their date.

Applying moves everything to the successors in one transaction: people (accounts.User),
and — through handlers that the higher apps register here in their AppConfig.ready — open
plans (plans) and the year's cap usage (limits). Purchasers sits below those apps, so it
calls them through this explicit registry instead of importing them (no Django signals).
Any handler refusing rolls the whole restructure back: nothing is partly applied.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from govmall.accounts.models import Organization, User
from govmall.accounts.services import validate_uscc
from govmall.audit.models import Action
from govmall.audit.services import log_create, log_update, record, snapshot
from govmall.audit.states import StateMachine, transition
from govmall.core.errors import BusinessError
from govmall.purchasers.budget import parse_date, require_open_date, today
from govmall.purchasers.models import (
    Purchaser,
    PurchaserStatus,
    Restructure,
    RestructureLink,
    RestructureStatus,
    RestructureType,
)
from govmall.purchasers.services import (
    CODE_RE,
    ORG_FIELDS,
    PURCHASER_STATES,
    PurchaserData,
    _set_org_active,
    purchaser_upsert,
)

log = logging.getLogger("govmall.purchasers")

RESTRUCTURE_STATES = StateMachine(
    field="status", choices=RestructureStatus, allowed={RestructureStatus.SCHEDULED: frozenset({RestructureStatus.APPLIED})}
)


# --- Handler registry ----------------------------------------------------------------------


@dataclass(frozen=True)
class SuccessorSpec:
    code: str
    name: str
    share: Decimal


@dataclass(frozen=True)
class RestructureSpec:
    """What a handler is shown before anything is written (to refuse early, with reasons)."""

    type: str
    effective_date: dt.date
    predecessors: list[Purchaser]
    successors: list[SuccessorSpec]
    plan_transfers: list[dict]


@dataclass(frozen=True)
class Handler:
    name: str
    validate: Callable[[RestructureSpec], None]  # raise BusinessError to refuse
    apply: Callable[[Restructure], dict]  # runs inside the restructure's transaction; returns a summary
    order: int = 100


_HANDLERS: dict[str, Handler] = {}


def register_handler(handler: Handler) -> None:
    """Called by higher apps from AppConfig.ready (plans: open plans; limits: cap usage)."""
    _HANDLERS[handler.name] = handler


def handlers() -> list[Handler]:
    return sorted(_HANDLERS.values(), key=lambda h: (h.order, h.name))


def links_by_predecessor(restructure: Restructure) -> dict[int, list[RestructureLink]]:
    """{predecessor id: [links in the order the successors were given]}."""
    out: dict[int, list[RestructureLink]] = {}
    for link in restructure.links.select_related("predecessor__organization", "successor__organization").order_by("id"):
        out.setdefault(link.predecessor_id, []).append(link)
    return out


def split_by_share(amount: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Amounts by share to the cent; the last takes what rounding left so the parts sum exactly."""
    parts = [(amount * s).quantize(Decimal("0.01")) for s in shares[:-1]]
    parts.append(amount - sum(parts, Decimal("0")))
    return parts


# --- Register ------------------------------------------------------------------------------


@dataclass
class SuccessorInput:
    code: str
    name: str
    uscc: str = ""
    region_code: str = ""
    share: str | Decimal | None = None
    level: str = ""
    kind: str = ""
    extra: dict = field(default_factory=dict)


def _share(value, *, index: int) -> Decimal:
    try:
        share = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise BusinessError(f"第 {index} 个新单位的份额「{value}」不是有效数字", field="successors") from None
    if not share.is_finite() or share <= 0 or share > 1:
        raise BusinessError(f"第 {index} 个新单位的份额应大于 0 且不超过 1，现为 {share}", field="successors")
    if share.as_tuple().exponent < -4:
        raise BusinessError(f"第 {index} 个新单位的份额最多四位小数，现为 {share}", field="successors")
    return share


def restructure_register(
    *,
    number: str,
    type: str,
    effective_date,
    predecessor_codes: list[str],
    successors: list[SuccessorInput],
    plan_transfers: list[dict] | None = None,
    note: str = "",
) -> Restructure:
    """Register a restructure; applied at once when `effective_date` is today or earlier."""
    number = (number or "").strip()
    if not number:
        raise BusinessError("请填写机构改革文号或编号", field="number")
    if len(number) > 64:
        raise BusinessError("文号或编号不能超过 64 个字符", field="number")
    if Restructure.objects.filter(number=number).exists():
        raise BusinessError(f"编号 {number} 已登记过", field="number")
    if type not in RestructureType.values:
        raise BusinessError(f"改革类型「{type}」无法识别，应为分立、合并或更名", field="type")
    day = parse_date(effective_date, field="effective_date", label="生效日期")
    require_open_date(day, what="生效日期")

    codes = [c.strip() for c in predecessor_codes if c and c.strip()]
    if len(set(codes)) != len(codes):
        raise BusinessError("原单位重复填写", field="predecessors")
    preds = []
    for code in codes:
        p = Purchaser.objects.select_related("organization", "organization__region", "district").filter(organization__code=code).first()
        if p is None:
            raise BusinessError(f"原单位编码「{code}」不存在", field="predecessors")
        if p.status != PurchaserStatus.ACTIVE:
            raise BusinessError(f"原单位「{p.name}」已停用，不能再进行改革", field="predecessors")
        pending = Restructure.objects.filter(status=RestructureStatus.SCHEDULED, links__predecessor=p).first()
        if pending is not None:
            raise BusinessError(f"原单位「{p.name}」已在待生效的改革 {pending.number} 中", field="predecessors")
        preds.append(p)
    n_pred, n_succ = len(preds), len(successors)
    shape = {
        RestructureType.SPLIT: (n_pred == 1 and n_succ >= 2, "分立应为 1 个原单位分为 2 个及以上新单位"),
        RestructureType.MERGE: (n_pred >= 2 and n_succ == 1, "合并应为 2 个及以上原单位合并为 1 个新单位"),
        RestructureType.RENAME: (n_pred == 1 and n_succ == 1, "更名应为 1 个原单位对应 1 个新单位"),
    }[RestructureType(type)]
    if not shape[0]:
        raise BusinessError(f"{shape[1]}（现为 {n_pred} 个原单位、{n_succ} 个新单位）", field="successors")

    specs: list[SuccessorSpec] = []
    seen_codes: set[str] = set()
    pred_usccs = {p.organization.uscc for p in preds}
    for i, s in enumerate(successors, start=1):
        code = (s.code or "").strip()
        if not CODE_RE.match(code):
            raise BusinessError(f"第 {i} 个新单位的预算单位编码应为 1–32 位数字、字母或短横线", field="successors")
        if code in seen_codes:
            raise BusinessError(f"新单位编码 {code} 重复填写", field="successors")
        seen_codes.add(code)
        existing = Organization.objects.filter(code=code).first()
        if existing is not None:
            raise BusinessError(f"新单位编码 {code} 已存在（「{existing.name}」），新单位须使用新的编码", field="successors")
        if not (s.name or "").strip():
            raise BusinessError(f"第 {i} 个新单位的名称不能为空", field="successors")
        if type == RestructureType.SPLIT:
            if s.share in (None, ""):
                raise BusinessError(f"分立须为每个新单位填写份额（第 {i} 个未填）", field="successors")
            share = _share(s.share, index=i)
        else:
            share = Decimal("1") if s.share in (None, "") else _share(s.share, index=i)
            if share != 1:
                raise BusinessError(f"{RestructureType(type).label}时新单位承继原单位的全部，份额应为 1，现为 {share}", field="successors")
        if s.uscc:
            uscc = validate_uscc(s.uscc)
            if uscc in pred_usccs and type != RestructureType.RENAME:
                raise BusinessError(f"第 {i} 个新单位的统一社会信用代码与原单位相同，只有更名可以沿用", field="successors")
        specs.append(SuccessorSpec(code=code, name=s.name.strip(), share=share))
    if type == RestructureType.SPLIT:
        total = sum((s.share for s in specs), Decimal("0"))
        if total != 1:
            raise BusinessError(f"分立各新单位份额之和应为 1，现为 {total.normalize()}", field="successors")

    transfers = []
    for t in plan_transfers or []:
        plan_no, to_code = str(t.get("plan_no", "")).strip(), str(t.get("to_code", "")).strip()
        if type != RestructureType.SPLIT:
            raise BusinessError("只有分立需要指定计划划转", field="plan_transfers")
        if to_code not in seen_codes:
            raise BusinessError(f"计划 {plan_no} 划转的新单位编码「{to_code}」不在本次新单位中", field="plan_transfers")
        transfers.append({"plan_no": plan_no, "to_code": to_code})
    spec = RestructureSpec(type=type, effective_date=day, predecessors=preds, successors=specs, plan_transfers=transfers)
    for h in handlers():
        h.validate(spec)

    with transaction.atomic():
        locked = list(Purchaser.objects.select_for_update().filter(pk__in=[p.pk for p in preds]).order_by("pk"))
        if any(p.status != PurchaserStatus.ACTIVE for p in locked):
            raise BusinessError("原单位状态已变化，请刷新后重试", field="predecessors", code="state")
        first = preds[0]
        restructure = Restructure.objects.create(
            number=number, type=type, effective_date=day, region=first.district, note=note.strip()[:300], plan_transfers=transfers
        )
        log_create(restructure, fields=["number", "type", "effective_date", "region_id", "note", "plan_transfers"])
        for s_in, s in zip(successors, specs):
            uscc = s_in.uscc
            if uscc and type == RestructureType.RENAME and validate_uscc(uscc) in pred_usccs:
                _retire_uscc(first)
            succ, _ = purchaser_upsert(
                data=PurchaserData(
                    code=s.code, name=s.name, uscc=uscc, region_code=s_in.region_code or first.organization.region.code,
                    kind=s_in.kind or first.kind, level=s_in.level or first.level,
                    parent_code=first.parent.code if first.parent_id else "", status=PurchaserStatus.INACTIVE,
                )
            )  # fmt: skip
            before = snapshot(succ, ["effective_from"])
            succ.effective_from = day
            succ.save(update_fields=["effective_from", "updated_at"])
            log_update(succ, before, message=f"机构改革 {number} 新设单位")
            for p in preds:
                RestructureLink.objects.create(restructure=restructure, predecessor=p, successor=succ, share=s.share)
        record(
            Action.UPDATE, restructure, message=f"登记{restructure.get_type_display()}：{'、'.join(p.name for p in preds)} → {'、'.join(s.name for s in specs)}，{day} 生效"
        )
        if day <= today():
            restructure_apply(restructure=restructure)
    restructure.refresh_from_db()
    return restructure


def _retire_uscc(p: Purchaser) -> None:
    """A renamed unit keeps its USCC: move it off the predecessor's organization."""
    org = p.organization
    before = snapshot(org, ORG_FIELDS)
    Purchaser.objects.filter(pk=p.pk).update(retired_uscc=org.uscc or "")
    org.uscc = None
    org.save(update_fields=["uscc", "updated_at"])
    log_update(org, before, message="更名：统一社会信用代码由新单位沿用")


# --- Apply ---------------------------------------------------------------------------------


def restructure_apply(*, restructure: Restructure) -> Restructure:
    """Make a registered restructure take effect: people, plans and cap usage move to the
    successors, predecessors close, successors open. All or nothing."""
    with transaction.atomic():
        r = Restructure.objects.select_for_update().get(pk=restructure.pk)
        if r.status != RestructureStatus.SCHEDULED:
            raise BusinessError(f"改革 {r.number} 已生效，不能重复执行", code="state")
        links = links_by_predecessor(r)
        preds = list(Purchaser.objects.select_for_update().filter(pk__in=list(links)).order_by("pk").select_related("organization"))
        for p in preds:
            if p.status != PurchaserStatus.ACTIVE:
                raise BusinessError(f"原单位「{p.name}」已停用，改革 {r.number} 不能执行", code="state")
        summary: dict = {}
        for h in handlers():
            summary[h.name] = h.apply(r)
        moved_people = 0
        for p in preds:
            target = max(links[p.pk], key=lambda link: link.share).successor  # ties: the first given
            for person in User.objects.filter(organization=p.organization).order_by("pk"):
                person.organization = target.organization
                person.save(update_fields=["organization"])
                record(
                    Action.UPDATE, person, changes={"organization_id": [p.organization_id, target.organization_id]},
                    message=f"机构改革 {r.number}：人员随单位划转至「{target.name}」",
                )  # fmt: skip
                moved_people += 1
        summary["users"] = moved_people
        for p in preds:
            transition(p, PurchaserStatus.INACTIVE, machine=PURCHASER_STATES, reason=f"机构改革 {r.number}（{r.get_type_display()}）", extra_fields={"effective_to": r.effective_date})
            _set_org_active(p.organization, False)
        for s in r.successors():
            if s.status != PurchaserStatus.ACTIVE:
                transition(s, PurchaserStatus.ACTIVE, machine=PURCHASER_STATES, reason=f"机构改革 {r.number} 生效")
            _set_org_active(s.organization, True)
        r.summary = summary
        r.last_error = ""
        r.save(update_fields=["summary", "last_error"])
        transition(r, RestructureStatus.APPLIED, machine=RESTRUCTURE_STATES, reason="改革生效", extra_fields={"applied_at": timezone.now()})
    return r


def restructure_apply_due(*, on: dt.date | None = None) -> list[str]:
    """Apply every scheduled restructure whose date has come (daily job; idempotent).
    One that cannot be applied keeps its reason in `last_error` and is tried again."""
    applied = []
    day = on or today()
    for r in Restructure.objects.filter(status=RestructureStatus.SCHEDULED, effective_date__lte=day).order_by("effective_date", "pk"):
        try:
            restructure_apply(restructure=r)
        except BusinessError as exc:
            Restructure.objects.filter(pk=r.pk).update(last_error=exc.message[:500])
            log.warning("restructure %s not applied: %s", r.number, exc.message)
        else:
            applied.append(r.number)
    return applied
