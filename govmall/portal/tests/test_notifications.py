"""The in-app messages page (站内消息)."""

from __future__ import annotations

import pytest

from govmall.accounts.models import Notification, User
from govmall.accounts.services import notify
from govmall.testing import csrf_post, make_user, sign_in

pytestmark = pytest.mark.django_db


def test_mark_all_read_clears_only_the_signed_in_persons_unread_messages(client):
    me, other = make_user("supplier_staff"), make_user("supplier_staff")
    for n in range(3):
        notify(users=User.objects.filter(pk__in=[me.pk, other.pk]), title=f"新订单待确认 {n}", body="", link="", dedupe_key=f"t:{n}")
    sign_in(client, me)
    page = client.get("/workspace/notifications/").content.decode()
    assert "只看未读（3）" in page and "全部标为已读" in page
    assert client.get("/workspace/notifications/read-all/").status_code == 405
    response = csrf_post(client, "/workspace/notifications/read-all/", {}, form_url="/workspace/notifications/")
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=me, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 3
    assert "全部标为已读" not in client.get("/workspace/notifications/").content.decode()
