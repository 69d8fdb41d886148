from django.contrib import admin

from govmall.plans.models import Plan


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    """Read-only: plans change through the finance bureau's pages and the budget system."""

    list_display = ["plan_no", "year", "purchaser", "cap_category", "amount", "used", "reserved", "status"]
    list_filter = ["year", "status", "procurement_form"]
    search_fields = ["plan_no", "purchaser__organization__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
