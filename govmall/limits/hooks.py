"""Callbacks for higher apps (ordering, bidding): limits calls them, never imports them.

`register_related(fn)` — `fn(reservation, user)` returns [(term, text, url)] of the document a
higher app made the reservation for (the order, the bidding) that `user` may see, shown on the
reservation page so a supervisor looking at a flagged purchase can open it.
"""

from __future__ import annotations

from collections.abc import Callable

_RELATED: list[Callable] = []


def register_related(fn: Callable) -> None:
    if fn not in _RELATED:
        _RELATED.append(fn)


def related(reservation, user) -> list[tuple[str, str, str]]:
    return [item for fn in list(_RELATED) for item in fn(reservation, user)]
