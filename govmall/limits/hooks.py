"""Callbacks for higher apps (ordering, bidding): limits calls them, never imports them.

`register_related(fn)` — `fn(reservation, user)` returns [(term, text, url)] of the document a
higher app made the reservation for (the order, the bidding) that `user` may see, shown on the
reservation page so a supervisor looking at a flagged purchase can open it.
"""

from __future__ import annotations

from govmall.core.hooks import Hook

related_documents = Hook()
register_related = related_documents.register
related = related_documents.collect  # (reservation, user) -> [(term, text, url)]
