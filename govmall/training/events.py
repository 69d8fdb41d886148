"""Callbacks other apps register to hear that someone passed a course (no Django signals).

`register_on_passed(fn)`: after a pass, every `fn(user=..., course=...)` is called once the
passing transaction commits (suppliers activate a supplier after its onboarding course).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

_ON_PASSED: list[Callable] = []


def register_on_passed(fn: Callable) -> None:
    if fn not in _ON_PASSED:
        _ON_PASSED.append(fn)


def passed(*, user, course) -> None:
    """Called by training.services inside the passing transaction."""
    for fn in list(_ON_PASSED):
        transaction.on_commit(lambda fn=fn: fn(user=user, course=course))
