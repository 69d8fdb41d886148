"""Open contracts block a supplier's exit from the mall (suppliers.exit registry)."""

from __future__ import annotations

from govmall.contracts.models import OPEN_STATUSES, Contract


def open_contracts_of_supplier(org) -> list[str]:
    return [
        f"合同 {no}（{dict(Contract._meta.get_field('status').choices)[status]}）"
        for no, status in Contract.objects.filter(supplier=org, status__in=OPEN_STATUSES).values_list("contract_no", "status")[:50]
    ]
