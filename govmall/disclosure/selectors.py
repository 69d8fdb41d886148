"""Reads of announcements for other apps."""

from __future__ import annotations

from django.db import models

from govmall.disclosure.models import Announcement
from govmall.disclosure.services import subject_key


def published_for(subject: models.Model, kind: str | None = None) -> Announcement | None:
    """The latest announcement about `subject` (optionally of one kind), or None."""
    subject_type, subject_id = subject_key(subject)
    qs = Announcement.objects.filter(subject_type=subject_type, subject_id=subject_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-published_at", "-id").first()


def all_for(subject: models.Model):
    subject_type, subject_id = subject_key(subject)
    return Announcement.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by("published_at", "id")
