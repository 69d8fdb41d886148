"""Reads: which limit standard is in force for a region or purchaser, and cap usage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from govmall.limits.models import CapUsage, LimitRule, LimitStandard, StandardStatus
from govmall.plans.models import OPEN_STATUSES, Plan
from govmall.purchasers.budget import today
from govmall.purchasers.models import Purchaser
from govmall.regions.models import Region

ZERO = Decimal("0")


def region_chain(region: Region) -> list[Region]:
    """The region and its ancestors, nearest first."""
    chain, node = [], region
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain


def standard_in_force(region: Region, on: dt.date | None = None) -> LimitStandard | None:
    """The standard that applies in `region` on `on`: the region's own latest published
    version in force, else its parent's (a district without its own uses the city's)."""
    on = on or today()
    chain = region_chain(region)
    found = list(
        LimitStandard.objects.filter(region__in=chain, status=StandardStatus.PUBLISHED, effective_from__lte=on)
        .select_related("region")
        .prefetch_related("rules")
        .order_by("-effective_from", "-version")
    )
    for node in chain:
        for s in found:
            if s.region_id == node.pk:
                return s
    return None


def rule_for_purchaser(purchaser: Purchaser, on: dt.date | None = None) -> tuple[LimitStandard | None, LimitRule | None]:
    standard = standard_in_force(purchaser.district, on)
    if standard is None:
        return None, None
    return standard, standard.rule_for(purchaser.level)


def standard_label(standard: LimitStandard) -> str:
    text = f"{standard.region.name}限额标准第 {standard.version} 版"
    return f"{text}，{standard.notice_no}" if standard.notice_no else text


def counties_of(city: Region):
    return Region.objects.filter(parent=city).order_by("code")


@dataclass
class CapLine:
    category_code: str
    category_name: str
    form: str
    form_label: str
    ceiling: Decimal | None
    used: Decimal
    reserved: Decimal
    plan_amount: Decimal
    plan_remaining: Decimal

    @property
    def remaining(self) -> Decimal | None:
        if self.ceiling is None:
            return None
        return max(self.ceiling - self.used - self.reserved, ZERO)

    @property
    def percent(self) -> int:
        if not self.ceiling:
            return 0
        return min(100, int((self.used + self.reserved) * 100 / self.ceiling))


def cap_lines(purchaser_ids: list[int], year: int, rule: LimitRule | None) -> list[CapLine]:
    """Per level-2 category and form: the ceiling, used, reserved and what plans hold, for
    the purchasers given (one, or a lineage rolled up)."""
    from govmall.plans.models import ProcurementForm

    lines: dict[tuple[str, str], CapLine] = {}

    def line(cat, form):
        key = (cat.short_code, form)
        if key not in lines:
            lines[key] = CapLine(cat.short_code, cat.name, form, ProcurementForm(form).label, rule.cap_for(form) if rule else None, ZERO, ZERO, ZERO, ZERO)
        return lines[key]

    for u in CapUsage.objects.filter(purchaser_id__in=purchaser_ids, year=year).select_related("category"):
        ln = line(u.category, u.form)
        ln.used += u.used
        ln.reserved += u.reserved
    plans = Plan.objects.filter(purchaser_id__in=purchaser_ids, year=year, status__in=OPEN_STATUSES).select_related("cap_category")
    for p in plans:
        ln = line(p.cap_category, p.procurement_form)
        ln.plan_amount += p.amount
        ln.plan_remaining += p.remaining
    return sorted(lines.values(), key=lambda ln: (ln.category_code, ln.form))


def usage_totals(purchaser_ids: list[int], year: int) -> dict:
    agg = CapUsage.objects.filter(purchaser_id__in=purchaser_ids, year=year).aggregate(used=Sum("used"), reserved=Sum("reserved"))
    return {"used": agg["used"] or ZERO, "reserved": agg["reserved"] or ZERO}
