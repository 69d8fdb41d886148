"""Callbacks a lower app calls without importing the higher apps that register them: apps
depend downwards only (docs/ARCHITECTURE.md), and these replace Django signals where a call
must be explicit and ordered. The lower app declares its hooks in its own module
(`ordering.hooks`, `suppliers.events`, …) and documents what each passes and when; a higher
app registers its callback in its AppConfig.ready.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Hook:
    """An ordered set of callbacks: `run` calls each, `collect` joins the lists they return."""

    def __init__(self) -> None:
        self.callbacks: list[Callable] = []

    def register(self, fn: Callable) -> None:
        if fn not in self.callbacks:
            self.callbacks.append(fn)

    def unregister(self, fn: Callable) -> None:
        if fn in self.callbacks:
            self.callbacks.remove(fn)

    def run(self, *args: Any, **kwargs: Any) -> None:
        for fn in list(self.callbacks):
            fn(*args, **kwargs)

    def collect(self, *args: Any, **kwargs: Any) -> list:
        items: list = []
        for fn in list(self.callbacks):
            items.extend(fn(*args, **kwargs) or [])
        return items
