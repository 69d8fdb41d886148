"""Actions other apps offer on the product detail page (e.g. 加入购物车 from ordering).

An app above products registers a template in its AppConfig.ready; the detail page includes
each with `listing` in its context. Products never names the apps that register."""

from __future__ import annotations

_TEMPLATES: list[str] = []


def register(template_name: str) -> None:
    if template_name not in _TEMPLATES:
        _TEMPLATES.append(template_name)


def templates() -> list[str]:
    return list(_TEMPLATES)
