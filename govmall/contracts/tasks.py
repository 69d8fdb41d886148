"""Background jobs of the contracts app: PDF rendering (off the request path) and the daily
flags of overdue contract notices and overdue payments to SMEs. Idempotent; run once at the
worker's start so a day missed while it was down is caught up."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from govmall.accounts.models import Role, User
from govmall.accounts.services import notify
from govmall.contracts.models import Contract
from govmall.contracts.pdfs import store_acceptance_pdf, store_contract_pdf
from govmall.contracts.selectors import payments_overdue, unpublished_overdue
from govmall.contracts.services import late_interest, party_users
from govmall.core.context import Actor, acting_as
from govmall.core.money import format_yuan


@db_task(retries=2, retry_delay=5)
def render_contract_pdf(contract_id: int, version: int) -> bool:
    return store_contract_pdf(contract_id, version)


@db_task(retries=2, retry_delay=5)
def render_acceptance_pdf(acceptance_id: int) -> bool:
    return store_acceptance_pdf(acceptance_id)


def supervisors_over(c: Contract):
    """Finance supervisors whose region covers the purchaser (the city and its district)."""
    path = c.purchaser.organization.region.path
    return [u for u in User.objects.filter(is_active=True, roles__role=Role.FINANCE_SUPERVISOR).select_related("organization__region").distinct() if u.organization_id and path.startswith(u.organization.region.path)]


def flag_overdue_publications(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    n = 0
    qs = unpublished_overdue(Contract.objects.select_related("purchaser__organization__region"), today)
    for c in qs:
        link = reverse("contracts:detail", args=[c.contract_no])
        days = (today - c.publish_deadline).days
        body = f"{c.purchaser_name}的合同 {c.contract_no}（{format_yuan(c.amount)}）签订于 {timezone.localtime(c.signed_at):%Y-%m-%d}，公告期限 {c.publish_deadline:%Y-%m-%d}，已逾期 {days} 天未公告。"
        notify(users=supervisors_over(c), title=f"合同逾期未公告：{c.contract_no}", body=body, link=reverse("contracts:overdue_publications"), dedupe_key=f"contract-unpublished-{c.pk}")
        notify(users=party_users(c, "purchaser"), title=f"请立即发布合同公告：{c.contract_no}", body=body, link=link, dedupe_key=f"contract-unpublished-{c.pk}")
        n += 1
    return n


def flag_overdue_payments(today: dt.date | None = None) -> int:
    """SME suppliers not paid by the due date (国务院令第802号): supervisors and the purchaser
    are told once per contract, with the days overdue and the late interest."""
    today = today or timezone.localdate()
    n = 0
    for c in payments_overdue(Contract.objects.select_related("purchaser__organization__region"), today, sme_only=True):
        days, interest = late_interest(c, today)
        body = (
            f"{c.purchaser_name}应于 {c.payment_due_on:%Y-%m-%d} 前向中小企业 {c.supplier_name} 支付合同 {c.contract_no} 款项，"
            f"未付 {format_yuan(c.remaining)}，已逾期 {days} 天，按每日 {c.late_rate_percent} 计逾期利息 {format_yuan(interest)}。"
        )
        notify(users=supervisors_over(c), title=f"拖欠中小企业款项：{c.contract_no}", body=body, link=reverse("contracts:overdue_payments"), dedupe_key=f"contract-unpaid-{c.pk}")
        notify(users=party_users(c, "purchaser"), title=f"合同款逾期未付：{c.contract_no}", body=body, link=reverse("contracts:detail", args=[c.contract_no]), dedupe_key=f"contract-unpaid-{c.pk}")
        n += 1
    return n


def render_missing_pdfs() -> int:
    """PDFs a crashed worker never rendered."""
    n = 0
    for cid, version in Contract.objects.filter(Q(pdf="") | Q(pdf__isnull=True)).values_list("pk", "pdf_version")[:500]:
        n += store_contract_pdf(cid, version)
    return n


def daily_checks() -> None:
    with acting_as(Actor(username="worker"), source="worker"):
        flag_overdue_publications()
        flag_overdue_payments()


@db_periodic_task(crontab(hour="8", minute="10"))
def daily_contract_checks():
    daily_checks()


@db_task()
def catch_up():
    daily_checks()
    with acting_as(Actor(username="worker"), source="worker"):
        render_missing_pdfs()


@HUEY.on_startup()
def _enqueue_catch_up():
    if not getattr(_enqueue_catch_up, "done", False):
        _enqueue_catch_up.done = True
        catch_up()
