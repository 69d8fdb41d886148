from django.contrib import admin

from govmall.audit.admin import AuditedAdmin
from govmall.products.models import SpecTemplate


@admin.register(SpecTemplate)
class SpecTemplateAdmin(AuditedAdmin):
    """Spec templates are edited here by administrators (JSON list of attributes; see
    products/spec_data.py for the shape)."""

    list_display = ["name", "category", "updated_at"]
    search_fields = ["name", "category__code", "category__name"]
    raw_id_fields = ["category"]
