"""Publishing announcements (公告). One function for every app; audited."""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone

from govmall.audit.services import log_create
from govmall.core.errors import BusinessError
from govmall.disclosure.models import Announcement, AnnouncementKind


def subject_key(subject: models.Model) -> tuple[str, int]:
    return subject._meta.label_lower, subject.pk


def publish(*, kind: str, title: str, body: str, subsite, region, organization=None, subject: models.Model | None = None, link: str = "", published_at=None) -> Announcement:
    """Publish one announcement now (or at `published_at`, e.g. a statutory time already
    passed by a back-dated import). Title and body are required; the kind must be known."""
    if kind not in AnnouncementKind.values:
        raise BusinessError(f"未知的公告类型：{kind}", field="kind")
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise BusinessError("请填写公告标题", field="title")
    if len(title) > 200:
        raise BusinessError("公告标题不能超过 200 个字符", field="title")
    if not body:
        raise BusinessError("请填写公告正文", field="body")
    if link and not link.startswith("/"):
        raise BusinessError("公告链接只能指向本站页面", field="link")
    subject_type, subject_id = subject_key(subject) if subject is not None else ("", None)
    with transaction.atomic():
        ann = Announcement.objects.create(
            kind=kind, title=title, body=body, subsite=subsite, region=region, organization=organization,
            subject_type=subject_type, subject_id=subject_id, link=(link or "")[:200], published_at=published_at or timezone.now(),
        )  # fmt: skip
        log_create(ann, fields=["kind", "title", "subject_type", "subject_id", "published_at"], message=f"发布公告：{title}")
    return ann
