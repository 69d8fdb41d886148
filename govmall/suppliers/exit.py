"""Exit (退出) checks: higher apps (ordering, bidding, contracts) register a function telling
what business of a supplier is still open; a supplier may leave only when none returns anything.

`register_open_business(fn)`: fn(org) -> list[str] (Chinese descriptions of open orders, bids,
contracts).
"""

from __future__ import annotations

from collections.abc import Callable

_OPEN_BUSINESS: list[Callable] = []


def register_open_business(fn: Callable) -> None:
    if fn not in _OPEN_BUSINESS:
        _OPEN_BUSINESS.append(fn)


def open_business(org) -> list[str]:
    items: list[str] = []
    for fn in list(_OPEN_BUSINESS):
        items.extend(fn(org) or [])
    return items
