"""Demo procurement plans for 2026 (the current budget year), for the demo users' units and a
few others, across the level-2 categories purchasers buy most. Idempotent by plan number."""

from __future__ import annotations

import datetime as dt

from govmall.plans.models import Plan
from govmall.plans.services import plan_create
from govmall.purchasers.budget import today
from govmall.purchasers.models import Purchaser

# (purchaser code, serial, category, description, amount, form)
PLANS = [
    ("371000001", 1, "A0201", "中小学教学用计算机及服务器更新", "1200000", "centralized"),
    ("371000001", 2, "A0202", "打印机、复印机、投影仪", "300000", "centralized"),
    ("371000001", 3, "A0504", "复印纸、硒鼓等办公用品", "60000", "decentralized"),
    ("371000001", 4, "A0501", "办公家具更新", "450000", "centralized"),
    ("371000001", 5, "C2104", "机关办公楼物业管理服务", "380000", "decentralized"),
    ("371003101", 1, "A0201", "镇政府办公电脑更新", "400000", "centralized"),
    ("371003101", 2, "A0202", "打印复印设备", "50000", "centralized"),
    ("371003101", 3, "A0504", "办公用纸", "20000", "decentralized"),
    ("371003101", 4, "A0501", "便民服务中心家具", "80000", "centralized"),
    ("371002001", 1, "A0201", "智慧教室设备", "900000", "centralized"),
    ("371002001", 2, "A0501", "学生课桌椅", "600000", "centralized"),
    ("371000009", 1, "A0202", "门诊自助打印设备", "260000", "department"),
    ("371000009", 2, "C1607", "信息系统运行维护服务", "480000", "decentralized"),
    ("371082001", 1, "A0201", "教育和体育局办公电脑及体育场馆信息化设备", "600000", "centralized"),
    ("371083101", 1, "A0201", "镇政府计算机", "90000", "centralized"),
]


def plan_no(code: str, serial: int, year: int) -> str:
    return f"WH{year}-{code}-{serial:03d}"


def load(say) -> None:
    year = today().year
    made = 0
    for code, serial, category, description, amount, form in PLANS:
        number = plan_no(code, serial, year)
        if Plan.objects.filter(plan_no=number).exists():
            continue
        purchaser = Purchaser.objects.filter(organization__code=code, status="active").first()
        if purchaser is None:
            continue
        plan_create(
            plan_no=number, year=year, purchaser=purchaser, category=category, amount=amount, procurement_form=form, description=description,
            approved_at=dt.date(year, 1, 15),
        )  # fmt: skip
        made += 1
    say(f"plans demo: {made} procurement plans for {year} created\n")
