"""The limits part of a restructure (registered with purchasers.restructuring in ready()).

The year's cap usage of each predecessor moves to its successors: split by share (to the
cent, the last successor taking what rounding leaves), merged by summing. A restructure
cannot take effect while a predecessor has purchases in progress (reservations): they are
finished or cancelled first, so every reservation stays with one plan and one cap row."""

from __future__ import annotations

from django.db.models import Sum

from govmall.audit.models import Action
from govmall.audit.services import record
from govmall.core.errors import BusinessError
from govmall.limits.models import CapTransfer, CapUsage, Reservation, ReservationStatus
from govmall.limits.services import lock_usage
from govmall.purchasers.budget import today, wan
from govmall.purchasers.models import Restructure
from govmall.purchasers.restructuring import Handler, RestructureSpec, links_by_predecessor, split_by_share


def _in_progress(purchaser_ids) -> None:
    pending = Reservation.objects.filter(purchaser_id__in=list(purchaser_ids), status=ReservationStatus.RESERVED)
    agg = pending.aggregate(total=Sum("amount"))
    n = pending.count()
    if n:
        raise BusinessError(
            f"原单位尚有 {n} 笔进行中的采购（已预留 {wan(agg['total'])}），请完成签约或取消后再办理机构改革", field="predecessors", code="state"
        )


def validate(spec: RestructureSpec) -> None:
    if spec.effective_date <= today():
        _in_progress(p.pk for p in spec.predecessors)


def apply(r: Restructure) -> dict:
    links = links_by_predecessor(r)
    _in_progress(links)
    moved = 0
    rows = list(CapUsage.objects.select_for_update().filter(purchaser_id__in=list(links), year=r.effective_date.year).order_by("pk").select_related("category"))
    for row in rows:
        if not row.used:
            continue
        pred_links = links[row.purchaser_id]
        parts = split_by_share(row.used, [link.share for link in pred_links])
        for link, part in zip(pred_links, parts):
            if part <= 0:
                continue
            target = lock_usage(purchaser_id=link.successor_id, year=row.year, category=row.category, form=row.form)
            CapUsage.objects.filter(pk=target.pk).update(used=target.used + part)
            CapTransfer.objects.create(restructure_number=r.number, from_usage=row, to_usage=target, amount=part)
            record(
                Action.UPDATE, target, changes={"used": [str(target.used), str(target.used + part)]},
                message=f"机构改革 {r.number}：承继「{row.purchaser.name}」{row.year} 年 {row.category.short_code} 已用限额 {wan(part)}",
            )  # fmt: skip
        record(Action.UPDATE, row, changes={"used": [str(row.used), "0.00"]}, message=f"机构改革 {r.number}：已用限额 {wan(row.used)} 划转至新单位")
        CapUsage.objects.filter(pk=row.pk).update(used=0)
        moved += 1
    return {"cap_rows": moved}


HANDLER = Handler(name="limits", validate=validate, apply=apply, order=20)
