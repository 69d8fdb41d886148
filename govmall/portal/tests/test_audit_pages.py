"""The audit log pages show an entry that is not yet sealed into the chain (PostgreSQL, between
its commit and the next seal) as 待封存, never as an empty or "None" number or hash."""

from __future__ import annotations

import pytest
from django.db import connection

from govmall.audit.models import Action, AuditEntry
from govmall.audit.services import record
from govmall.core.context import Actor, acting_as
from govmall.testing import sign_in


@pytest.mark.django_db
def test_an_entry_waiting_for_its_seal_shows_as_pending_in_the_list_and_the_detail(client, cast):
    with acting_as(Actor(username="t")):
        sealed = record(Action.SYSTEM, message="已封存的记录")
    table = AuditEntry._meta.db_table
    cols = "created_at, action, actor_name, actor_id, org_id, org_name, object_type, object_id, object_repr, owner_org_id, scope_path, changes, request_id, client_ip, source"
    with connection.cursor() as cur:  # what a PostgreSQL writer leaves until the next seal
        cur.execute(f"INSERT INTO {table} ({cols}, message) SELECT {cols}, %s FROM {table} WHERE id = %s", ["待封存的记录", sealed.pk])
    pending = AuditEntry.objects.get(message="待封存的记录")
    assert pending.seq is None
    sign_in(client, cast.admin)
    listing = client.get("/workspace/audit/").content.decode()
    assert "待封存</a>" in listing
    detail = client.get(f"/workspace/audit/{pending.pk}/").content.decode()
    assert "审计记录 #待封存" in detail and "待封存：提交后由系统链入哈希链" in detail and "None" not in detail
