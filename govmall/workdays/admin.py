from django.contrib import admin

from govmall.workdays.models import HolidayYear, SpecialDay


class SpecialDayInline(admin.TabularInline):
    model = SpecialDay
    extra = 0
    can_delete = False
    readonly_fields = ["date", "name", "is_workday"]


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    """Read-only here: years are entered through the operator's page, which audits them."""

    list_display = ["year", "source", "loaded_at"]
    inlines = [SpecialDayInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
