"""Demo data of purchasers, plans and limits, in that order (one loader for the three apps).

The Weihai default standard ships with the migrations; here: purchasers and plans (their
own demo modules), then a few purchases in progress and signed so 我的计划与额度 shows
used and reserved figures — including two direct purchases by the town in 30 days that are
flagged as possible splitting — and last the demo restructure, which divides a plan and moves
signed usage to the successors. Idempotent (reservations are looked up by reference)."""

from __future__ import annotations

from govmall.limits.models import Reservation
from govmall.limits.services import consume, reserve
from govmall.plans import demo as plans_demo
from govmall.plans.models import Plan
from govmall.purchasers import demo as purchasers_demo
from govmall.purchasers.budget import today

# (reference, plan: (code, serial), category, amount, mode, signed amount or None)
PURCHASES = [
    ("DEMO-001", ("371000001", 1), "A02010105", "420000", "direct", "418600"),
    ("DEMO-002", ("371000001", 1), "A02010104", "600000", "bidding", None),
    ("DEMO-003", ("371000001", 2), "A02021003", "86000", "direct", "85200"),
    ("DEMO-004", ("371000001", 3), "A05040101", "18000", "direct", None),
    ("DEMO-005", ("371003101", 1), "A02010105", "200000", "direct", "198000"),
    ("DEMO-006", ("371003101", 1), "A02010108", "150000", "direct", None),
    ("DEMO-007", ("371002001", 1), "A02010105", "280000", "direct", None),
    ("DEMO-008", ("371082001", 1), "A02010105", "150000", "direct", "148000"),
]


def load(say) -> None:
    purchasers_demo.load(say)
    plans_demo.load(say)
    year = today().year
    made = 0
    for reference, (code, serial), category, amount, mode, signed in PURCHASES:
        if Reservation.objects.filter(reference=reference).exists():
            continue
        plan = Plan.objects.filter(plan_no=plans_demo.plan_no(code, serial, year)).select_related("purchaser").first()
        if plan is None:
            continue
        r = reserve(purchaser=plan.purchaser, plan=plan, category=category, amount=amount, mode=mode, reference=reference)
        if signed:
            consume(reservation=r, amount=signed)
        made += 1
    say(f"limits demo: {made} purchases reserved or signed against plans and caps\n")
    purchasers_demo.load_restructure(say)
