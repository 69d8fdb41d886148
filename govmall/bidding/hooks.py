"""Callbacks higher apps register to hear about biddings (no Django signals).

`register_on_award_confirmed(fn)`: `fn(bidding)` is called inside the transaction in which
the winning supplier confirms the award (status CONFIRMED, `awarded_quote` set); contracts
registers the contract generation here in its AppConfig.ready. An exception rolls the
confirmation back.
"""

from __future__ import annotations

from govmall.core.hooks import Hook

on_award_confirmed = Hook()
register_on_award_confirmed = on_award_confirmed.register
award_confirmed = on_award_confirmed.run  # (bidding)
