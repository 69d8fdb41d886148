"""JSON endpoints of the contracts app, mounted by govmall/api.py under /api/v1/contracts.

Reads are scoped like the pages. `POST /{contract_no}/payments` records a payment (the
finance payment system's integration, or a purchaser's own tool) with an idempotency key:
the same key returns the first payment again (200) instead of paying twice (201 when new)."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from ninja.security import django_auth

from govmall.accounts import scoping
from govmall.contracts import services
from govmall.contracts.models import Contract, Payment, PaymentSource
from govmall.core.errors import BusinessError

router = Router(auth=django_auth, tags=["contracts"])


class LineOut(Schema):
    line_no: int
    title: str
    brand: str
    model: str
    quantity: int
    unit_price: str
    amount: str

    @staticmethod
    def resolve_unit_price(obj):
        return f"{obj.unit_price:.2f}"

    @staticmethod
    def resolve_amount(obj):
        return f"{obj.amount:.2f}"


class PaymentOut(Schema):
    id: int
    amount: str
    paid_on: dt.date
    voucher_no: str
    source: str
    created_at: dt.datetime

    @staticmethod
    def resolve_amount(obj):
        return f"{obj.amount:.2f}"


class ContractOut(Schema):
    contract_no: str
    mode: str
    status: str
    status_label: str
    title: str
    purchaser_name: str
    supplier_name: str
    supplier_is_sme: bool
    amount: str
    paid_total: str
    payment_term_days: int
    signed_at: dt.datetime | None
    publish_deadline: dt.date | None
    published_at: dt.datetime | None
    accepted_at: dt.datetime | None
    payment_due_on: dt.date | None
    pdf_sha256: str

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_amount(obj):
        return f"{obj.amount:.2f}"

    @staticmethod
    def resolve_paid_total(obj):
        return f"{obj.paid_total:.2f}"


class ContractDetailOut(ContractOut):
    lines: list[LineOut]
    payments: list[PaymentOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())

    @staticmethod
    def resolve_payments(obj):
        return list(obj.payments.all())


class PaymentIn(Schema):
    amount: str
    paid_on: str
    voucher_no: str
    idempotency_key: str = ""


class ErrorOut(Schema):
    detail: str
    field: str | None = None


def _visible(request, contract_no: str) -> Contract:
    c = scoping.visible(request.user, Contract).filter(contract_no=contract_no).first()
    if c is None:
        raise HttpError(404, "合同不存在或您无权查看")
    return c


@router.get("/", response=list[ContractOut])
def contracts(request, status: str = "", limit: int = 100, offset: int = 0):
    qs = scoping.visible(request.user, Contract).order_by("-created_at", "-id")
    if status:
        qs = qs.filter(status=status)
    limit = max(1, min(limit, 500))
    return list(qs[offset : offset + limit])


@router.get("/{contract_no}", response=ContractDetailOut)
def contract(request, contract_no: str):
    return _visible(request, contract_no)


@router.post("/{contract_no}/payments", response={200: PaymentOut, 201: PaymentOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut})
def payment_create(request, contract_no: str, body: PaymentIn):
    c = _visible(request, contract_no)
    key = body.idempotency_key or request.headers.get("Idempotency-Key", "")
    if not key:
        return Status(400, {"detail": "请提供幂等键（Idempotency-Key 请求头或 idempotency_key 字段），以免重复付款", "field": "idempotency_key"})
    try:
        payment, created = services.payment_record(
            contract=c, user=request.user, amount=body.amount, paid_on=body.paid_on, voucher_no=body.voucher_no, idempotency_key=key, source=PaymentSource.API
        )
    except BusinessError as exc:
        code = 403 if exc.code == "forbidden" else 409 if exc.code in ("state", "duplicate") else 400
        return Status(code, {"detail": exc.message, "field": exc.field})
    return Status(201 if created else 200, payment)


@router.get("/{contract_no}/payments", response=list[PaymentOut])
def payments(request, contract_no: str):
    c = _visible(request, contract_no)
    return list(Payment.objects.filter(contract=c))
