from django.contrib import admin

from govmall.audit.admin import AuditedAdmin
from govmall.subsites.models import Subsite


@admin.register(Subsite)
class SubsiteAdmin(AuditedAdmin):
    list_display = ["code", "name", "region", "is_province", "is_active", "hosts"]
    readonly_fields = [
        "logo_text", "primary_color", "accent_color", "banner_title", "banner_subtitle",
        "notice_enabled", "notice_text", "features",
    ]  # fmt: skip — style is changed through the audited portal page
