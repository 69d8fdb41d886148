"""Workspace to-dos (工作台待办): each app registers a provider in its AppConfig.ready; the
workspace shows every item a provider returns for the signed-in person.

A provider is `fn(user) -> list[dict]` with keys label, count, url and optional hint; it
returns [] for roles it does not concern. Counts must go through accounts.scoping."""

from __future__ import annotations

from govmall.core.hooks import Hook

providers = Hook()
register = providers.register
todos_for = providers.collect  # (user) -> [dict]
