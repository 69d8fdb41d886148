import pytest

from govmall.audit.models import AuditEntry
from govmall.core.errors import BusinessError
from govmall.disclosure.models import Announcement, AnnouncementKind
from govmall.disclosure.selectors import all_for, published_for
from govmall.disclosure.services import publish
from govmall.testing import make_user, region, sign_in, weihai

pytestmark = pytest.mark.django_db


def _publish(**kw):
    values = {"kind": AnnouncementKind.CONTRACT, "title": "威海市教育局台式计算机采购合同公告", "body": "合同金额：52,000.00 元", "subsite": weihai(), "region": region("371000")}
    return publish(**{**values, **kw})


def test_publish_is_audited_and_found_by_subject():
    user = make_user("purchaser_clerk")
    ann = _publish(organization=user.organization, subject=user.organization)
    assert AuditEntry.objects.filter(object_type="disclosure.announcement", object_id=str(ann.pk)).exists()
    assert published_for(user.organization) == ann
    assert published_for(user.organization, kind=AnnouncementKind.BIDDING_RESULT) is None
    later = _publish(kind=AnnouncementKind.CONTRACT_CHANGE, title="合同终止公告", subject=user.organization)
    assert list(all_for(user.organization)) == [ann, later]


@pytest.mark.parametrize(
    "bad, field",
    [({"title": " "}, "title"), ({"body": ""}, "body"), ({"kind": "secret"}, "kind"), ({"title": "长" * 201}, "title"), ({"link": "https://evil.example/"}, "link")],
)
def test_publish_refuses_bad_input_and_writes_nothing(bad, field):
    with pytest.raises(BusinessError) as exc:
        _publish(**bad)
    assert exc.value.field == field
    assert not Announcement.objects.exists()


def test_public_list_and_detail_need_no_sign_in_and_filter_by_kind(client):
    contract = _publish()
    result = _publish(kind=AnnouncementKind.BIDDING_RESULT, title="复印纸竞价结果公告", region=region("371002"))
    page = client.get("/announcements/")
    assert page.status_code == 200
    assert contract.title in page.content.decode() and result.title in page.content.decode()
    only = client.get("/announcements/", {"kind": AnnouncementKind.BIDDING_RESULT}).content.decode()
    assert result.title in only and contract.title not in only
    by_region = client.get("/announcements/", {"region": "371002"}).content.decode()
    assert result.title in by_region and contract.title not in by_region
    detail = client.get(f"/announcements/{contract.pk}/")
    assert detail.status_code == 200 and "52,000.00" in detail.content.decode()
    assert client.get("/announcements/999999/").status_code == 404


@pytest.mark.parametrize("role", ["purchaser_clerk", "supplier_staff", "centre_operator", "finance_supervisor", "platform_admin"])
def test_every_role_reads_the_announcements(client, role):
    ann = _publish()
    sign_in(client, make_user(role, region_code="370000" if role == "platform_admin" else "371000"))
    assert client.get(f"/announcements/{ann.pk}/").status_code == 200
    assert ann.title in client.get("/announcements/").content.decode()


def test_api_lists_announcements_publicly(client):
    _publish()
    data = client.get("/api/v1/disclosure/announcements").json()
    assert data["count"] == 1 and data["items"][0]["kind"] == "contract" and data["items"][0]["region"] == "371000"


def test_hostile_query_returns_a_normal_page(client):
    _publish()
    assert client.get("/announcements/", {"q": "<script>alert(1)</script>'\"" * 10, "kind": "x", "page": "abc"}).status_code == 200
