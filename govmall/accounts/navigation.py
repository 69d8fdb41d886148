"""The back-office menu per role. Apps add entries for pages that exist (never a link to a
page that is not built); each entry names the roles that see it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: frozenset[str]
    group: str = ""
    order: int = 100


_MENU: list[MenuItem] = []


def add(label: str, url_name: str, roles, *, group: str = "", order: int = 100) -> None:
    _MENU.append(MenuItem(label, url_name, frozenset(roles), group, order))


# The order of the menu's groups: the everyday pages first (no group), then orders, buying,
# bidding, suppliers and listings, supervision, master data, operations; a group not listed
# (training) comes last. Each role sees only its own entries.
GROUP_ORDER = ["", "订单", "采购", "竞价", "供应商", "商品", "监督", "基础数据", "运营"]


def _group_rank(group: str) -> int:
    return GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER)


def menu_for(user) -> list[dict]:
    """The user's entries, group by group (GROUP_ORDER), each group in its entries' order;
    `group_start` marks the first entry of each group after the first, where the menu draws
    a divider. A page registered under two labels (one per audience) is listed once, under
    the first label the user's roles see."""
    items = []
    for item in sorted(_MENU, key=lambda i: (_group_rank(i.group), i.order, i.label)):
        if user.role_set & item.roles and all(i["url_name"] != item.url_name for i in items):
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            start = bool(items) and items[-1]["group"] != item.group
            items.append({"label": item.label, "url": url, "group": item.group, "url_name": item.url_name, "group_start": start})
    return items
