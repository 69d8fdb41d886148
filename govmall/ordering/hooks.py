"""Callbacks for higher apps (contracts): ordering calls them, never imports them.

`register_on_confirmed(fn)` — `fn(order)` is called inside the transaction in which the
supplier confirms the order; an exception in it rolls the confirmation back.
`register_related(fn)` — `fn(order, user)` returns [(term, text, url)] of documents a higher
app keeps for the order (its contract) that `user` may see, shown on the order page.
"""

from __future__ import annotations

from govmall.core.hooks import Hook

on_confirmed = Hook()
register_on_confirmed = on_confirmed.register
run_on_confirmed = on_confirmed.run  # (order)

related_documents = Hook()
register_related = related_documents.register
related = related_documents.collect  # (order, user) -> [(term, text, url)]
