from django.contrib import admin

from govmall.limits.models import CapUsage, LimitNotice, LimitStandard, Reservation


class ReadOnlyAdmin(admin.ModelAdmin):
    """Figures move only through the audited services (reserve, release, consume, publish)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LimitStandard)
class LimitStandardAdmin(ReadOnlyAdmin):
    list_display = ["region", "version", "title", "status", "effective_from", "published_at"]
    list_filter = ["status"]


@admin.register(LimitNotice)
class LimitNoticeAdmin(ReadOnlyAdmin):
    list_display = ["title", "notice_no", "effective_from", "published_at"]


@admin.register(CapUsage)
class CapUsageAdmin(ReadOnlyAdmin):
    list_display = ["purchaser", "year", "category", "form", "used", "reserved"]
    list_filter = ["year", "form"]


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["id", "purchaser", "plan", "amount", "mode", "status", "split_flag", "created_at"]
    list_filter = ["status", "mode", "split_flag"]
