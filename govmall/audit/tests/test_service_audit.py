"""Services write who changed what, from where: an organization update is recorded with its
before/after values, the request id and the client address."""

from __future__ import annotations

import pytest

from govmall.accounts.models import OrgKind, User
from govmall.accounts.services import actor_of, org_update
from govmall.audit.models import Action, AuditEntry
from govmall.audit.services import verify_chain
from govmall.core.context import RequestContext, bound
from govmall.core.errors import BusinessError
from govmall.testing import OrganizationFactory, csrf_post, region


@pytest.fixture
def org(db):
    return OrganizationFactory(kind=OrgKind.PURCHASER, name="威海市审计测试局", contact_phone="0631-1111111", region=region("371002"))


def test_org_update_records_before_and_after_with_request_id_and_client_ip(org, cast):
    ctx = RequestContext(request_id="req-0123456789", client_ip="203.0.113.9", actor=actor_of(cast.operator), source="web")
    with bound(ctx):
        org_update(org=org, data={"name": " 威海市审计测试中心 ", "contact_phone": "0631-2222222", "address": ""})
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_type="accounts.organization")
    assert entry.changes == {"name": ["威海市审计测试局", "威海市审计测试中心"], "contact_phone": ["0631-1111111", "0631-2222222"]}
    assert (entry.request_id, entry.client_ip, entry.source) == ("req-0123456789", "203.0.113.9", "web")
    assert (entry.actor_id, entry.actor_name, entry.org_id, entry.org_name) == (
        cast.operator.pk, "c_operator", cast.operator.organization_id, cast.operator.organization.name,
    )  # fmt: skip
    assert (entry.object_id, entry.object_repr, entry.owner_org_id, entry.scope_path) == (str(org.pk), "威海市审计测试中心", org.pk, "/370000/371000/371002/")
    assert verify_chain().ok


def test_org_update_that_changes_nothing_writes_no_entry(org):
    with bound(RequestContext(client_ip="203.0.113.9")):
        org_update(org=org, data={"contact_phone": "0631-1111111"})
    assert AuditEntry.objects.count() == 0


def test_org_update_refuses_fields_it_may_not_change_and_writes_nothing(org):
    with pytest.raises(BusinessError, match="不能在此修改：region、uscc"):
        org_update(org=org, data={"uscc": "x", "region": None})
    org.refresh_from_db()
    assert org.name == "威海市审计测试局"
    assert AuditEntry.objects.count() == 0


def test_an_organization_changed_through_the_web_is_audited_with_the_requests_id_and_address(client, org):
    """No portal page edits organizations yet; the admin is the web path that does (and is
    audited the same way): the request id from X-Request-ID and REMOTE_ADDR reach the entry."""
    root = User.objects.create_superuser("root", "root@example.cn", "Root#Pass2026")
    client.force_login(root)
    url = f"/admin/accounts/organization/{org.pk}/change/"
    form = {
        "kind": org.kind, "name": "威海市审计测试中心", "code": "", "uscc": org.uscc, "region": org.region_id,
        "subsite": org.subsite_id, "parent": "", "contact_name": "", "contact_phone": "0631-1111111", "address": "", "is_active": "on",
    }  # fmt: skip
    response = csrf_post(client, url, form, HTTP_X_REQUEST_ID="web-request-42", REMOTE_ADDR="198.51.100.23")
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_type="accounts.organization")
    assert entry.changes["name"] == ["威海市审计测试局", "威海市审计测试中心"]
    assert set(entry.changes) == {"name", "updated_at"}  # the admin snapshots every field
    assert (entry.request_id, entry.client_ip, entry.source, entry.actor_name) == ("web-request-42", "198.51.100.23", "web", "root")
    assert entry.message == "管理后台修改"
