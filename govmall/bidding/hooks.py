"""Callbacks higher apps register to hear about biddings (no Django signals).

`register_on_award_confirmed(fn)`: `fn(bidding)` is called inside the transaction in which
the winning supplier confirms the award (status CONFIRMED, `awarded_quote` set); contracts
registers the contract generation here in its AppConfig.ready. An exception rolls the
confirmation back.
"""

from __future__ import annotations

from collections.abc import Callable

_on_award_confirmed: list[Callable] = []


def register_on_award_confirmed(fn: Callable) -> None:
    if fn not in _on_award_confirmed:
        _on_award_confirmed.append(fn)


def award_confirmed(bidding) -> None:
    for fn in list(_on_award_confirmed):
        fn(bidding)
