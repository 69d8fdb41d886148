"""The back-office menu: each role's entries, group by group, with a divider between groups."""

from __future__ import annotations

import pytest
from django.test import Client

from govmall.accounts.models import Role
from govmall.accounts.navigation import GROUP_ORDER, menu_for
from govmall.testing import make_user, sign_in

pytestmark = pytest.mark.django_db


def _groups_in_order(items):
    seen = []
    for item in items:
        if not seen or seen[-1] != item["group"]:
            seen.append(item["group"])
    return seen


@pytest.mark.parametrize("role", [Role.PURCHASER_CLERK, Role.SUPPLIER_STAFF, Role.FINANCE_SUPERVISOR, Role.CENTRE_OPERATOR])
def test_each_group_of_the_menu_appears_once_in_the_set_order(role):
    items = menu_for(make_user(role))
    groups = _groups_in_order(items)
    assert len(groups) == len(set(groups)), f"a group is split: {groups}"
    rank = [GROUP_ORDER.index(g) if g in GROUP_ORDER else len(GROUP_ORDER) for g in groups]
    assert rank == sorted(rank)
    assert items[0]["label"] == "工作台" and items[0]["group_start"] is False
    assert [i["group_start"] for i in items] == [i > 0 and items[i - 1]["group"] != item["group"] for i, item in enumerate(items)]


def test_a_clerk_finds_the_buying_pages_side_by_side_after_the_everyday_ones():
    labels = [i["label"] for i in menu_for(make_user(Role.PURCHASER_CLERK))]
    buying = ["购物车", "我的订单", "网上竞价", "我的计划与额度", "采购计划", "额度测算", "额度预留", "合同与履约"]
    start = labels.index("购物车")
    assert labels[start : start + len(buying)] == buying
    assert labels.index("站内消息") < start and labels.index("机构") > start + len(buying) - 1
    assert labels[-3:] == ["我的培训", "培训课程", "培训场次"]


def test_the_menu_draws_a_divider_at_each_new_group():
    user = make_user(Role.SUPPLIER_STAFF)
    client = Client()
    sign_in(client, user)
    html = client.get("/workspace/").content.decode()
    nav = html[html.index('<nav class="mainnav"') : html.index("</nav>")]
    starts = sum(1 for i in menu_for(user) if i["group_start"])
    assert starts > 0
    assert nav.count('<span class="navsep" aria-hidden="true"></span>') == starts


def test_the_order_list_is_my_orders_for_a_clerk_and_direct_purchase_orders_for_staff():
    clerk = [i["label"] for i in menu_for(make_user(Role.PURCHASER_CLERK)) if i["url_name"] == "ordering:order_list"]
    supervisor = [i["label"] for i in menu_for(make_user(Role.FINANCE_SUPERVISOR)) if i["url_name"] == "ordering:order_list"]
    assert clerk == ["我的订单"] and supervisor == ["直购订单"]


def test_the_order_list_page_is_titled_as_its_menu_entry_for_staff():
    user = make_user(Role.FINANCE_SUPERVISOR)
    client = Client()
    sign_in(client, user)
    html = client.get("/orders/").content.decode()
    assert "<title>直购订单 - " in html and "<h1>直购订单</h1>" in html
