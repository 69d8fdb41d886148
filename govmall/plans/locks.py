"""Row locks on plans, taken in a fixed order (by id). The limits engine locks a plan first,
then the cap usage row, then the reservation: every path that holds more than one of these
takes them in that order, so two transactions never wait on each other in a cycle."""

from __future__ import annotations

from govmall.plans.models import Plan


def lock_plan(plan_id: int) -> Plan | None:
    """The plan, locked until the transaction ends (SELECT … FOR UPDATE on PostgreSQL; on
    SQLite the write transaction already holds the database lock from BEGIN IMMEDIATE)."""
    return Plan.objects.select_for_update(of=("self",)).select_related("purchaser", "category", "cap_category").filter(pk=plan_id).first()


def lock_plans(ids) -> list[Plan]:
    return list(Plan.objects.select_for_update(of=("self",)).filter(pk__in=list(ids)).order_by("pk"))
