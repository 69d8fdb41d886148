"""Demo contracts: the contracts generated when the ordering and bidding demos confirmed an
order and an award are moved on through the contracts services, so the pages show each
stage — a direct purchase signed, published, delivered, accepted and partly paid, the town's
computers signed by both sides and waiting for their contract notice, and a bidding contract
signed by the purchaser and waiting for the supplier. Idempotent: every
step is taken only when the contract is still before it."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from govmall.accounts.models import User
from govmall.accounts.services import actor_of
from govmall.contracts import services
from govmall.contracts.models import Contract, ContractStatus
from govmall.core.context import acting_as
from govmall.core.errors import BusinessError


def _as(user):
    return acting_as(actor_of(user), source="web")


def _staff_of(contract):
    """The supplier's first active staff member: who signs and delivers for it in the demo."""
    return User.objects.filter(organization_id=contract.supplier_id, is_active=True, roles__role="supplier_staff").order_by("pk").first()


def load(say) -> None:
    buyer = User.objects.filter(username="purchaser").select_related("organization").first()
    if buyer is None:
        say("contracts demo: no demo purchaser, skipped\n")
        return
    done = []
    direct = Contract.objects.filter(order__submit_token="DEMO-ORDER-1").select_related("supplier").first()
    if direct is not None:
        staff = _staff_of(direct)
        try:
            if direct.status == ContractStatus.PENDING and staff is not None:
                with _as(buyer):
                    services.contract_sign(contract=direct, user=buyer)
                with _as(staff):
                    services.contract_sign(contract=direct, user=staff)
                direct.refresh_from_db()
            if direct.signed_at and not direct.published_at:
                with _as(buyer):
                    services.contract_publish(contract=direct, user=buyer)
            if direct.status == ContractStatus.SIGNED and staff is not None:
                with _as(staff):
                    services.contract_deliver(contract=direct, user=staff, note="已送达威海市教育局信息中心，安装调试完毕")
                direct.refresh_from_db()
            if direct.status == ContractStatus.DELIVERED:
                lines = [services.AcceptanceInput(line_id=ln.pk, accepted_quantity=ln.quantity) for ln in direct.lines.all()]
                with _as(buyer):
                    services.acceptance_sign(contract=direct, user=buyer, lines=lines, conclusion="passed", remarks="品牌型号与合同一致，外观完好，逐台开机检测正常。")
                direct.refresh_from_db()
            if direct.status == ContractStatus.ACCEPTED and not direct.payments.exists():
                first = (direct.amount * Decimal("0.5")).quantize(Decimal("0.01"))
                with _as(buyer):
                    services.payment_record(contract=direct, user=buyer, amount=first, paid_on=timezone.localdate(direct.accepted_at), voucher_no="WHJY-2026-ZF-0001", idempotency_key="demo-pay-1")
            done.append(direct.contract_no)
        except BusinessError as exc:
            say(f"contracts demo: {direct.contract_no} stopped: {exc.message}\n")
    # the town's computers: both sides have signed; the contract notice is the clerk's next step
    town = Contract.objects.filter(order__submit_token="DEMO-TOWN-1", status=ContractStatus.PENDING).select_related("order__created_by").first()
    if town is not None:
        staff = _staff_of(town)
        try:
            with _as(town.order.created_by):
                services.contract_sign(contract=town, user=town.order.created_by)
            if staff is not None:
                with _as(staff):
                    services.contract_sign(contract=town, user=staff)
            done.append(town.contract_no)
        except BusinessError as exc:
            say(f"contracts demo: {town.contract_no} stopped: {exc.message}\n")
    bid = Contract.objects.filter(bidding__isnull=False, purchaser__organization=buyer.organization).order_by("pk").first()
    if bid is not None and bid.status == ContractStatus.PENDING and not bid.signed_by_purchaser_at:
        try:
            with _as(buyer):
                services.contract_sign(contract=bid, user=buyer)
            done.append(bid.contract_no)
        except BusinessError as exc:
            say(f"contracts demo: {bid.contract_no} stopped: {exc.message}\n")
    say(f"contracts demo: {len(done)} contracts moved on ({', '.join(done) or 'none'})\n")
