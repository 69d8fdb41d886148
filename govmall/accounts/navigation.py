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


def menu_for(user) -> list[dict]:
    items = []
    for item in sorted(_MENU, key=lambda i: (i.order, i.label)):
        if user.role_set & item.roles:
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append({"label": item.label, "url": url, "group": item.group, "url_name": item.url_name})
    return items
