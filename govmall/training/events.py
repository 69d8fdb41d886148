"""Callbacks other apps register to hear that someone passed a course (no Django signals).

`register_on_passed(fn)`: after a pass, every `fn(user=..., course=...)` is called once the
passing transaction commits (suppliers activate a supplier after its onboarding course).
"""

from __future__ import annotations

from django.db import transaction

from govmall.core.hooks import Hook

on_passed = Hook()
register_on_passed = on_passed.register


def passed(*, user, course) -> None:
    """Called by training.services inside the passing transaction."""
    for fn in list(on_passed.callbacks):
        transaction.on_commit(lambda fn=fn: fn(user=user, course=course))
