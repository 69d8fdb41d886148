"""Nothing in the application updates or deletes an audit entry: not the model, not a
queryset, not the admin."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from govmall.accounts.models import User
from govmall.audit.models import Action, AppendOnlyError, AuditChain, AuditEntry
from govmall.audit.services import record, verify_chain
from govmall.core.context import Actor, acting_as
from govmall.testing import csrf_post


@pytest.fixture
def entry(db):
    with acting_as(Actor(username="append-test")):
        record(Action.SYSTEM, message="第一条")
        return record(Action.SYSTEM, message="第二条")


def unchanged(entry, count=2):
    stored = AuditEntry.objects.get(pk=entry.pk)
    return (stored.message, stored.hash, AuditEntry.objects.count(), verify_chain().ok) == (entry.message, entry.hash, count, True)


def test_saving_a_stored_entry_again_is_refused(entry):
    entry.message = "改写"
    with pytest.raises(AppendOnlyError, match="只能追加，不能修改"):
        entry.save()
    entry.message = "第二条"
    assert unchanged(entry)


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AppendOnlyError, match="只能追加，不能删除"):
        entry.delete()
    assert unchanged(entry)


def test_queryset_update_is_refused(entry):
    with pytest.raises(AppendOnlyError, match="不能修改"):
        AuditEntry.objects.filter(pk=entry.pk).update(message="改写")
    assert unchanged(entry)


def test_queryset_delete_is_refused(entry):
    with pytest.raises(AppendOnlyError, match="不能删除"):
        AuditEntry.objects.all().delete()
    assert unchanged(entry)


def test_bulk_update_is_refused(entry):
    entry.message = "改写"
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["message"])
    entry.message = "第二条"
    assert unchanged(entry)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.cn", "Root#Pass2026")


@pytest.mark.parametrize("model", [AuditEntry, AuditChain])
def test_admin_grants_a_superuser_no_add_change_or_delete(superuser, entry, model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = superuser
    obj = model.objects.first()
    assert model_admin.has_view_permission(request, obj) is True
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request, obj) is False
    assert model_admin.has_delete_permission(request, obj) is False
    assert model_admin.get_actions(request) == {}


def test_admin_pages_refuse_to_add_or_delete_an_entry(client, superuser, entry):
    client.force_login(superuser)  # writes a sign-in entry
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    # The change page is a read-only view: no save button.
    page = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    refused = csrf_post(client, f"/admin/audit/auditentry/{entry.pk}/change/", {"message": "改写"})
    assert refused.status_code == 403
    assert "无权访问" in refused.content.decode()  # the permission refusal, not a CSRF failure
    assert unchanged(entry, count=3)
