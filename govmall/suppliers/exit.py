"""Exit (退出) checks: higher apps (ordering, bidding, contracts) register a function telling
what business of a supplier is still open; a supplier may leave only when none returns anything.

`register_open_business(fn)`: fn(org) -> list[str] (Chinese descriptions of open orders, bids,
contracts).
"""

from __future__ import annotations

from govmall.core.hooks import Hook

open_business_checks = Hook()
register_open_business = open_business_checks.register
open_business = open_business_checks.collect  # (org) -> [str]
