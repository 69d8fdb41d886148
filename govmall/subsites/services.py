from __future__ import annotations

import re

from django.db import transaction

from govmall.audit.services import log_update, snapshot
from govmall.core.errors import BusinessError
from govmall.subsites import features as feature_registry
from govmall.subsites.models import Subsite

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
STYLE_FIELDS = [
    "logo_text", "primary_color", "accent_color", "banner_title",
    "banner_subtitle", "notice_enabled", "notice_text", "features",
]  # fmt: skip


def subsite_update_style(*, subsite: Subsite, data: dict) -> Subsite:
    """Change a sub-site's portal style and function switches (procurement centre), audited."""
    errors = []
    for name in ("primary_color", "accent_color"):
        if name in data and not COLOR.match(str(data[name])):
            label = Subsite._meta.get_field(name).verbose_name
            errors.append(BusinessError(f"{label}应为 #RRGGBB 形式的颜色，例如 #1d5fa6", field=name))
    if "logo_text" in data and not str(data["logo_text"]).strip():
        errors.append(BusinessError("标识文字不能为空", field="logo_text"))
    if "features" in data:
        known = {f.code for f in feature_registry.all_features()}
        unknown = set(data["features"]) - known
        if unknown:
            errors.append(BusinessError(f"未知的功能开关：{'、'.join(sorted(unknown))}", field="features"))
    if errors:
        raise errors[0]
    with transaction.atomic():
        locked = Subsite.objects.select_for_update().get(pk=subsite.pk)
        before = snapshot(locked, STYLE_FIELDS)
        for name in STYLE_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        locked.save()
        log_update(locked, before, message="修改门户风格")
    return locked


def subsite_for_host(host: str) -> Subsite | None:
    host = host.split(":")[0].lower()
    for site in Subsite.objects.filter(is_active=True).exclude(hosts="").select_related("region"):
        if host in site.host_list():
            return site
    return None
