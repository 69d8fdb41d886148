"""Callbacks for higher apps (contracts): ordering calls them, never imports them.

`register_on_confirmed(fn)` — `fn(order)` is called inside the transaction in which the
supplier confirms the order; an exception in it rolls the confirmation back.
`register_related(fn)` — `fn(order, user)` returns [(term, text, url)] of documents a higher
app keeps for the order (its contract) that `user` may see, shown on the order page.
"""

from __future__ import annotations

from collections.abc import Callable

_ON_CONFIRMED: list[Callable] = []


def register_on_confirmed(fn: Callable) -> None:
    if fn not in _ON_CONFIRMED:
        _ON_CONFIRMED.append(fn)


def run_on_confirmed(order) -> None:
    for fn in list(_ON_CONFIRMED):
        fn(order)


_RELATED: list[Callable] = []


def register_related(fn: Callable) -> None:
    if fn not in _RELATED:
        _RELATED.append(fn)


def related(order, user) -> list[tuple[str, str, str]]:
    return [item for fn in list(_RELATED) for item in fn(order, user)]
