"""Reference data kept per process for a short while: sub-site rules, the holiday calendar.

Such rows are read on every purchase and change a few times a year, by an operator. A
`ProcessCache` keeps what it loaded for `ttl` seconds; a save or delete of one of its models
in this process (signals) empties it at once, and the writer of a bulk change calls
`clear()` itself. Another process (the worker, a second web process) sees a change within
`ttl` seconds: for these rows, the same as the minute an operator takes to tell a user that
a rule has changed. Money and status are never read through it: they are read under the
locks of the transaction that writes them."""

from __future__ import annotations

import threading
import time

_ALL: list[ProcessCache] = []


class ProcessCache:
    def __init__(self, name: str, *, ttl: float = 60.0, max_entries: int = 1024):
        self.name, self.ttl, self.max_entries = name, ttl, max_entries
        self._data: dict = {}
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self, key, load):
        """The value for `key`, from `load()` when missing or older than ttl."""
        now = time.monotonic()
        hit = self._data.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        value = load()
        with self._lock:
            if len(self._data) >= self.max_entries:
                self._data.clear()  # bounded: a process never holds more than this
            self._data[key] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def forget_on_change(self, *models) -> None:
        """Empty this cache when a row of `models` is saved or deleted in this process."""
        from django.db.models.signals import post_delete, post_save

        def forget(**kwargs):
            self.clear()

        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(forget, sender=model, weak=False, dispatch_uid=f"memo-{self.name}-{model._meta.label}-{signal is post_save}")


def clear_all() -> None:
    """Every ProcessCache emptied (tests: a rolled-back test leaves no rows behind in them)."""
    for cache in _ALL:
        cache.clear()
