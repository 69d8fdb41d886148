"""Workspace to-do of the training app: 必修课程未完成."""

from __future__ import annotations

from django.urls import reverse

from govmall.training.selectors import missing_for_user


def todos(user) -> list[dict]:
    missing = missing_for_user(user)
    if not missing:
        return []
    return [{
        "label": "必修课程未完成", "count": len(missing), "url": reverse("training:mine"),
        "hint": "、".join(c.title for c in missing[:4]) + ("等" if len(missing) > 4 else ""),
    }]  # fmt: skip
