"""Demo data of purchasers, plans and limits, in that order (one loader for the three apps).

The Weihai default standard ships with the migrations; here: purchasers and plans (their own
demo modules), then the demo restructure, which divides a unit and its plan between two
successors. The plans' used and reserved figures come from real purchases only — the
ordering, bidding and contracts demos, which load later — so every figure on 我的计划与额度
traces to an order, a bidding or a contract and the reconciliation finds nothing amiss."""

from __future__ import annotations

from govmall.plans import demo as plans_demo
from govmall.purchasers import demo as purchasers_demo


def load(say) -> None:
    purchasers_demo.load(say)
    plans_demo.load(say)
    purchasers_demo.load_restructure(say)
