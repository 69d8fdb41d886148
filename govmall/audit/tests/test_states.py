"""audit.states: the transition table answers can/label, and transition() refuses a move the
table does not allow (Chinese message, nothing changed) and audits one it allows.

No model has a status field yet, so transition() is exercised on Organization.kind — a real
TextChoices field on a real table — with a throwaway machine defined here. Only the
mechanism is under test, not any business meaning of changing an organization's kind."""

from __future__ import annotations

import pytest
from django.db import models

from govmall.accounts.models import OrgKind
from govmall.audit.models import Action, AuditEntry
from govmall.audit.states import InvalidTransition, StateMachine, transition
from govmall.core.context import Actor, acting_as
from govmall.testing import OrganizationFactory


class Light(models.TextChoices):
    RED = "red", "红灯"
    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯"


LIGHTS = StateMachine(
    field="colour",
    choices=Light,
    allowed={"red": frozenset({"green"}), "green": frozenset({"yellow"}), "yellow": frozenset({"red"})},
)

KIND_MACHINE = StateMachine(
    field="kind",
    choices=OrgKind,
    allowed={OrgKind.PURCHASER: frozenset({OrgKind.AGENCY}), OrgKind.AGENCY: frozenset()},
)


@pytest.mark.parametrize(
    "current, to, allowed",
    [
        ("red", "green", True),
        ("green", "yellow", True),
        ("yellow", "red", True),
        ("red", "yellow", False),
        ("green", "red", False),
        ("red", "red", False),
        ("unknown", "red", False),
    ],
)
def test_state_machine_can_answers_from_its_table(current, to, allowed):
    assert LIGHTS.can(current, to) is allowed


def test_state_machine_label_is_the_chinese_label_or_the_raw_value():
    assert [LIGHTS.label("red"), LIGHTS.label("yellow"), LIGHTS.label("blue")] == ["红灯", "黄灯", "blue"]


def test_transition_refuses_a_move_the_table_does_not_allow(db):
    org = OrganizationFactory(kind=OrgKind.PURCHASER)
    count = AuditEntry.objects.count()
    with pytest.raises(InvalidTransition) as refused:
        transition(org, OrgKind.SUPPLIER, machine=KIND_MACHINE)
    assert refused.value.message == "当前状态为「采购人」，不能变更为「供应商」"
    assert (refused.value.field, refused.value.code) == ("status", "state")
    org.refresh_from_db()
    assert org.kind == OrgKind.PURCHASER
    assert AuditEntry.objects.count() == count


def test_transition_reads_the_state_from_the_database_not_the_stale_object(db):
    org = OrganizationFactory(kind=OrgKind.PURCHASER)
    type(org).objects.filter(pk=org.pk).update(kind=OrgKind.AGENCY)  # changed elsewhere meanwhile
    with pytest.raises(InvalidTransition, match="当前状态为「代理机构」"):
        transition(org, OrgKind.AGENCY, machine=KIND_MACHINE)


def test_transition_performs_and_audits_an_allowed_move(db):
    org = OrganizationFactory(kind=OrgKind.PURCHASER)
    with acting_as(Actor(user_id=7, username="state-test"), source="command"):
        transition(org, OrgKind.AGENCY, machine=KIND_MACHINE, reason="测试迁移", extra_fields={"contact_name": "王五"})
    org.refresh_from_db()
    assert (org.kind, org.contact_name) == (OrgKind.AGENCY, "王五")
    entry = AuditEntry.objects.get(action=Action.TRANSITION)
    assert (entry.object_type, entry.object_id, entry.actor_name, entry.message) == ("accounts.organization", str(org.pk), "state-test", "测试迁移")
    assert entry.changes == {"kind": ["purchaser", "agency"], "contact_name": [None, "王五"]}
    assert (entry.owner_org_id, entry.scope_path) == (org.pk, org.region.path)


def test_transition_trusts_the_state_its_caller_read_under_the_row_lock(db):
    from django.db import transaction

    org = OrganizationFactory(kind=OrgKind.PURCHASER)
    with transaction.atomic():
        locked = type(org).objects.select_for_update().get(pk=org.pk)
        with pytest.raises(InvalidTransition, match="当前状态为「代理机构」"):
            transition(locked, OrgKind.AGENCY, machine=KIND_MACHINE, current=OrgKind.AGENCY)  # judged on the caller's reading
        transition(locked, OrgKind.AGENCY, machine=KIND_MACHINE, current=locked.kind)
    org.refresh_from_db()
    assert org.kind == OrgKind.AGENCY
    assert AuditEntry.objects.get(action=Action.TRANSITION).changes == {"kind": ["purchaser", "agency"]}


@pytest.mark.django_db(transaction=True)
def test_transition_refuses_a_state_given_outside_a_transaction():
    org = OrganizationFactory(kind=OrgKind.PURCHASER)
    with pytest.raises(RuntimeError):
        transition(org, OrgKind.AGENCY, machine=KIND_MACHINE, current=OrgKind.PURCHASER)
    org.refresh_from_db()
    assert org.kind == OrgKind.PURCHASER
