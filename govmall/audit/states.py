"""Explicit state machines: one table of allowed transitions per object and one function
that performs a transition and writes its audit entry. Nothing else changes a status field."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, models

from govmall.audit.models import Action
from govmall.audit.services import record
from govmall.core.db import joined_atomic
from govmall.core.errors import BusinessError


class InvalidTransition(BusinessError):
    def __init__(self, message: str):
        super().__init__(message, field="status", code="state")


@dataclass(frozen=True)
class StateMachine:
    field: str
    choices: type[models.TextChoices]
    allowed: dict[str, frozenset[str]]

    def can(self, current: str, to: str) -> bool:
        return to in self.allowed.get(current, frozenset())

    def label(self, value: str) -> str:
        try:
            return self.choices(value).label
        except ValueError:
            return value


def transition(obj: models.Model, to: str, *, machine: StateMachine, reason: str = "", extra_fields: dict | None = None, current: str | None = None):
    """Move `obj` to state `to`, re-reading its state under a row lock, and audit it.

    `extra_fields` are set in the same save (e.g. a timestamp of the transition). Joins the
    caller's transaction when there is one (a refused move raises before it writes).
    `current`: the state the caller has itself just read under a row lock in its open
    transaction (it holds the lock, so the state cannot have moved): not read again.
    """
    if current is not None and not connection.in_atomic_block:
        raise RuntimeError("transition(current=…) is for a caller holding the row lock in its transaction")
    with joined_atomic():
        if current is None:
            current = type(obj)._base_manager.select_for_update().filter(pk=obj.pk).values_list(machine.field, flat=True).get()
        if not machine.can(current, to):
            raise InvalidTransition(f"当前状态为「{machine.label(current)}」，不能变更为「{machine.label(to)}」")
        setattr(obj, machine.field, to)
        update = [machine.field]
        for name, value in (extra_fields or {}).items():
            setattr(obj, name, value)
            update.append(name)
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            update.append("updated_at")
        obj.save(update_fields=update)
        record(
            Action.TRANSITION,
            obj,
            changes={machine.field: [current, to], **{k: [None, v] for k, v in (extra_fields or {}).items()}},
            message=reason,
        )
    return obj
