"""The public home page: the sub-site's latest announcements for everyone, and the way in for
a visitor (sign-in, supplier sign-up) that a signed-in person does not need."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govmall.disclosure.models import AnnouncementKind
from govmall.disclosure.services import publish
from govmall.testing import make_user, region, sign_in, weihai

pytestmark = pytest.mark.django_db


def _publish(title, minutes_ago, kind=AnnouncementKind.CONTRACT):
    return publish(
        kind=kind, title=title, body="正文", subsite=weihai(), region=region("371000"),
        published_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )  # fmt: skip


def test_home_lists_the_eight_latest_announcements_newest_first_with_a_link_to_all(client):
    for n in range(10):
        _publish(f"第{n}号合同公告", minutes_ago=n)
    html = client.get("/").content.decode()
    shown = [n for n in range(10) if f"第{n}号合同公告" in html]
    assert shown == list(range(8))
    assert html.index("第0号合同公告") < html.index("第7号合同公告")
    assert 'href="/announcements/"' in html


def test_home_says_so_when_nothing_is_published_yet(client):
    assert "暂无公告" in client.get("/").content.decode()


def test_visitors_get_sign_in_and_sign_up_links_and_signed_in_people_do_not(client):
    html = client.get("/").content.decode()
    assert "供应商入驻申请" in html and "采购人登录" in html
    sign_in(client, make_user("purchaser_clerk"))
    html = client.get("/").content.decode()
    assert "供应商入驻申请" not in html and "采购人登录" not in html and "进入工作台" in html

