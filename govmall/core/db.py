"""Database helpers shared by the apps' services."""

from __future__ import annotations

import contextlib

from django.db import connections, transaction


@contextlib.contextmanager
def joined_atomic(using: str = "default"):
    """A transaction for a step that is usually one part of a larger write (a status change,
    a stock move, a reservation consumed at signature): the caller's transaction when one is
    open, else a transaction of its own.

    Joining adds no savepoint, which `transaction.atomic()` would (two round trips each, and
    a signed purchase passes a dozen of these). Use it only for a step that raises its
    refusals before it writes: a caller that catches such a refusal still holds a clean
    transaction, and any error after a write leaves the step to fail with the caller's
    transaction, as the money and the audit entry must."""
    if connections[using].in_atomic_block:
        yield
    else:
        with transaction.atomic(using=using):
            yield
