"""The plans part of a restructure (registered with purchasers.restructuring in ready()).

Merge and rename: every open plan of the predecessors moves whole to the successor (same
plan number; `original_purchaser` remembers whose it was). Split: plans named in
plan_transfers move whole to the successor named; every other open plan is divided by
share — the part not yet used becomes one new plan per successor ("{plan_no}-1", "-2", …)
and the original keeps only what was used (cancelled when nothing was)."""

from __future__ import annotations

from govmall.audit.services import log_create, log_update, snapshot
from govmall.audit.states import transition
from govmall.core.errors import BusinessError
from govmall.plans.locks import lock_plans
from govmall.plans.models import OPEN_STATUSES, Plan, PlanSource, PlanStatus
from govmall.plans.services import PLAN_FIELDS, PLAN_STATES
from govmall.purchasers.budget import wan
from govmall.purchasers.models import Restructure, RestructureType
from govmall.purchasers.restructuring import Handler, RestructureSpec, links_by_predecessor, split_by_share


def _open_plans(purchaser_ids, from_year: int):
    return Plan.objects.filter(purchaser_id__in=purchaser_ids, status__in=OPEN_STATUSES, year__gte=from_year)


def validate(spec: RestructureSpec) -> None:
    pred_ids = [p.pk for p in spec.predecessors]
    seen = set()
    for t in spec.plan_transfers:
        if t["plan_no"] in seen:
            raise BusinessError(f"计划 {t['plan_no']} 重复指定划转", field="plan_transfers")
        seen.add(t["plan_no"])
        plan = Plan.objects.filter(plan_no=t["plan_no"]).select_related("purchaser__organization").first()
        if plan is None:
            raise BusinessError(f"划转的计划 {t['plan_no']} 不存在", field="plan_transfers")
        if plan.purchaser_id not in pred_ids:
            raise BusinessError(f"划转的计划 {t['plan_no']} 属于「{plan.purchaser.name}」，不是原单位的计划", field="plan_transfers")
        if plan.status not in OPEN_STATUSES:
            raise BusinessError(f"划转的计划 {t['plan_no']} 已撤销", field="plan_transfers")
    if spec.type == RestructureType.SPLIT:
        for plan in _open_plans(pred_ids, spec.effective_date.year).exclude(plan_no__in=seen):
            for i in range(1, len(spec.successors) + 1):
                if Plan.objects.filter(plan_no=f"{plan.plan_no}-{i}").exists():
                    raise BusinessError(f"分立计划 {plan.plan_no} 所需的新编号 {plan.plan_no}-{i} 已被占用，请在计划划转中指定该计划的去向", field="plan_transfers")


def _move(plan: Plan, successor, r: Restructure) -> None:
    before = snapshot(plan, ["purchaser_id", "original_purchaser_id"])
    if plan.original_purchaser_id is None:
        plan.original_purchaser_id = plan.purchaser_id
    plan.purchaser = successor
    plan.save(update_fields=["purchaser", "original_purchaser", "updated_at"])
    log_update(plan, before, message=f"机构改革 {r.number}：计划整体划转至「{successor.name}」")


def apply(r: Restructure) -> dict:
    links = links_by_predecessor(r)
    year = r.effective_date.year
    transfers = {t["plan_no"]: t["to_code"] for t in r.plan_transfers}
    moved = divided = created = 0
    plans = lock_plans(_open_plans(list(links), year).values_list("pk", flat=True))
    for plan in plans:
        pred_links = links[plan.purchaser_id]
        by_code = {link.successor.code: link.successor for link in pred_links}
        if r.type != RestructureType.SPLIT:
            _move(plan, pred_links[0].successor, r)
            moved += 1
            continue
        if plan.plan_no in transfers:
            _move(plan, by_code[transfers[plan.plan_no]], r)
            moved += 1
            continue
        if plan.reserved:
            raise BusinessError(f"计划 {plan.plan_no} 尚有进行中的采购预留 {wan(plan.reserved)}，请完成或取消后再办理分立", code="state")
        free = plan.amount - plan.used
        if free <= 0:
            continue  # fully used: stays with the predecessor as history
        parts = split_by_share(free, [link.share for link in pred_links])
        for i, (link, part) in enumerate(zip(pred_links, parts), start=1):
            if part <= 0:
                continue
            child = Plan.objects.create(
                plan_no=f"{plan.plan_no}-{i}", year=plan.year, purchaser=link.successor, original_purchaser=plan.purchaser,
                category=plan.category, cap_category=plan.cap_category, description=plan.description, amount=part,
                fund_source=plan.fund_source, procurement_form=plan.procurement_form, approved_at=plan.approved_at,
                source=PlanSource.RESTRUCTURE, derived_from=plan,
            )  # fmt: skip
            log_create(child, fields=PLAN_FIELDS, message=f"机构改革 {r.number}：由计划 {plan.plan_no} 按份额 {link.share.normalize()} 分立")
            created += 1
        before = snapshot(plan, ["amount"])
        plan.amount = plan.used
        plan.save(update_fields=["amount", "updated_at"])
        log_update(plan, before, message=f"机构改革 {r.number}：未使用的 {wan(free)} 按份额分给新单位")
        transition(plan, PlanStatus.ADJUSTED if plan.used else PlanStatus.CANCELLED, machine=PLAN_STATES, reason=f"机构改革 {r.number} 分立")
        divided += 1
    return {"moved": moved, "divided": divided, "created": created}


HANDLER = Handler(name="plans", validate=validate, apply=apply, order=10)
