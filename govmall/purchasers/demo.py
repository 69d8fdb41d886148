"""Demo purchasers: every purchaser Organization of the portal demo gets its Purchaser record,
and (`load_restructure`, called by the limits loader once plans exist) one applied restructure —
荣成市教育和体育局 split into 荣成市教育局 (0.7) and 荣成市体育局 (0.3) on 2026-03-01 — so the
lineage pages and the divided plan have something to show. The unit bought nothing in the mall
before it was divided, so no cap usage moves. Idempotent; made through the services."""

from __future__ import annotations

import datetime as dt

from govmall.accounts.models import Organization, OrgKind
from govmall.purchasers.models import Purchaser, PurchaserKind, Restructure
from govmall.purchasers.restructuring import SuccessorInput, restructure_register
from govmall.purchasers.services import ensure_purchaser_for

INSTITUTIONS = {"371000008", "371000009", "371000010", "371082002"}  # schools, hospitals, library
SPLIT_NO = "荣编〔2026〕3号"


def demo_uscc(region6: str, serial: int) -> str:
    """A valid (invented) USCC of a government body: 1 机构编制, 1 机关."""
    from stdnum.cn import uscc as uscc_std

    body = f"11{region6}MB{serial:07d}"
    return body + uscc_std.calc_check_digit(body + "0")


def load(say) -> None:
    made = 0
    for org in Organization.objects.filter(kind=OrgKind.PURCHASER).select_related("region").order_by("code"):
        if not Purchaser.objects.filter(organization=org).exists():
            kind = PurchaserKind.INSTITUTION if org.code in INSTITUTIONS else PurchaserKind.GOVERNMENT
            ensure_purchaser_for(org, kind=kind)
            made += 1
    say(f"purchasers demo: {made} purchaser records created, {Purchaser.objects.count()} in all\n")


def load_restructure(say) -> None:
    """The demo split; run after plans and purchases exist, so they move with it."""
    if not Restructure.objects.filter(number=SPLIT_NO).exists() and Purchaser.objects.filter(organization__code="371082001", status="active").exists():
        restructure_register(
            number=SPLIT_NO, type="split", effective_date=dt.date(2026, 3, 1), predecessor_codes=["371082001"],
            successors=[
                SuccessorInput(code="371082003", name="荣成市教育局", uscc=demo_uscc("371082", 901), share="0.7"),
                SuccessorInput(code="371082004", name="荣成市体育局", uscc=demo_uscc("371082", 902), share="0.3"),
            ],
            note="荣成市机构改革：教育和体育局分设为教育局、体育局",
        )  # fmt: skip
        say(f"purchasers demo: restructure {SPLIT_NO} applied\n")
