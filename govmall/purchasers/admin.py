from django.contrib import admin

from govmall.audit.admin import AuditedAdmin
from govmall.purchasers.models import BudgetYear, Purchaser, Restructure


@admin.register(BudgetYear)
class BudgetYearAdmin(AuditedAdmin):
    """Open or close a budget year (default: years before the current one are closed)."""

    list_display = ["year", "closed", "note", "updated_at"]


@admin.register(Purchaser)
class PurchaserAdmin(admin.ModelAdmin):
    list_display = ["organization", "level", "kind", "status", "district"]
    list_filter = ["level", "kind", "status"]
    search_fields = ["organization__name", "organization__code"]

    def has_change_permission(self, request, obj=None):
        return False  # maintained through the finance bureau's pages (audited services)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Restructure)
class RestructureAdmin(PurchaserAdmin):
    list_display = ["number", "type", "effective_date", "status"]
    list_filter = ["type", "status"]
    search_fields = ["number"]
