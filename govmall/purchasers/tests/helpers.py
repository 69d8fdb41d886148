"""Test helpers for purchasers, plans and limits: data made through the real services."""

from __future__ import annotations

import itertools
from decimal import Decimal

from govmall.core.context import Actor, acting_as
from govmall.purchasers.budget import today
from govmall.purchasers.services import PurchaserData, ensure_purchaser_for, purchaser_upsert
from govmall.testing import valid_uscc

_codes = itertools.count(1)
_plans = itertools.count(1)


def purchaser_of(user):
    """The Purchaser record of a cast member's organization."""
    with acting_as(Actor(username="test"), source="command"):
        return ensure_purchaser_for(user.organization)


def make_purchaser(region_code: str = "371000", *, code: str | None = None, name: str | None = None, level: str = "", kind: str = "government"):
    n = next(_codes)
    code = code or f"T{region_code}{n:04d}"
    with acting_as(Actor(username="test"), source="command"):
        p, _ = purchaser_upsert(
            data=PurchaserData(code=code, name=name or f"测试采购单位{n}", uscc=valid_uscc(region_code[:6]), region_code=region_code, level=level, kind=kind)
        )
    return p


def make_plan(purchaser, amount="1000000", *, category: str = "A0201", form: str = "centralized", plan_no: str | None = None, year: int | None = None):
    from govmall.plans.services import plan_create

    with acting_as(Actor(username="test"), source="command"):
        return plan_create(
            plan_no=plan_no or f"JH{next(_plans):06d}", year=year or today().year, purchaser=purchaser, category=category,
            amount=Decimal(str(amount)), procurement_form=form, description="测试计划",
        )  # fmt: skip
