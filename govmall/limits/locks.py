"""Locked write transactions for the limits engine: the one place that deals with lock
waits, busy databases and retries.

- PostgreSQL: rows are locked with SELECT … FOR UPDATE in a fixed order (plan → cap usage
  → reservation). A deadlock or serialization failure (never expected with that order) is
  retried.
- SQLite: a write transaction takes the database lock at BEGIN IMMEDIATE (settings). Waiting
  for that lock is SQLite's busy handler, which sleeps in growing steps (1, 2, 5, 10 … 100 ms)
  and so gives long, unfair waits under contention. Writers of this engine therefore first
  queue on an operating-system file lock next to the database (flock: blocked writers sleep in
  the kernel and wake as soon as it is free), then BEGIN IMMEDIATE, which then rarely waits.
  Writers from elsewhere still meet the 20 s busy timeout; a "database is locked" that
  still escapes is retried here and never reaches a caller.

When the caller already runs a transaction (a later ordering service wrapping reserve()),
the caller's transaction holds the locks and owns retries: nothing is added.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import random
import time

from django.conf import settings
from django.db import OperationalError, connections

from govmall.core.errors import BusinessError

ATTEMPTS = 5
RETRY_SQLSTATES = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available


def _retryable(exc: BaseException) -> bool:
    cause = exc.__cause__ or exc
    if getattr(cause, "sqlstate", None) in RETRY_SQLSTATES:
        return True
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text or "database is busy" in text


def _gate_path(conn) -> str | None:
    if conn.vendor != "sqlite" or not getattr(settings, "GOVMALL_SQLITE_WRITE_GATE", True):
        return None
    name = str(conn.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return f"{name}.write-gate"


@contextlib.contextmanager
def _sqlite_gate(conn):
    path = _gate_path(conn)
    if path is None:
        yield
        return
    # One open file description per use: flock excludes other descriptions, so threads of
    # one process queue on it as well as processes do.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def locked_write(fn):
    """Run `fn` (which opens its own transaction.atomic()) as a locked write: queued on the
    SQLite write gate, retried on lock errors, never leaking "database is locked"."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        conn = connections["default"]
        if conn.in_atomic_block:
            return fn(*args, **kwargs)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with _sqlite_gate(conn):
                    return fn(*args, **kwargs)
            except OperationalError as exc:
                if not _retryable(exc):
                    raise
                if attempt == ATTEMPTS:
                    raise BusinessError("系统繁忙，额度未能预留，请稍后重试", code="busy") from exc
                time.sleep(random.uniform(0.005, 0.02) * attempt)
        raise AssertionError("unreachable")

    return wrapper
