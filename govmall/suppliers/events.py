"""Callbacks of higher apps that must hear when a supplier's eligibility or qualifications
change (no Django signals). products registers one in ProductsConfig.ready that withdraws or
restores the supplier's listings.

`register_on_supplier_changed(fn)`: fn(org) is called inside the changing transaction, after
the change is written (INTERFACES.md said "on commit"; in the same transaction the listings
leave the storefront together with the suspension or expiry that causes it, and a failing
handler rolls the change back instead of leaving listings out of line).
"""

from __future__ import annotations

from govmall.core.hooks import Hook

on_supplier_changed = Hook()
register_on_supplier_changed = on_supplier_changed.register
supplier_changed = on_supplier_changed.run  # (org): called by suppliers.services after a change of status, measure or qualification
