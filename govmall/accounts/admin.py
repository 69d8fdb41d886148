from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from govmall.accounts.models import Notification, Organization, User, UserRole
from govmall.audit.admin import AuditedAdmin


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "code", "uscc", "region", "subsite", "is_active"]
    list_filter = ["kind", "subsite", "is_active"]
    search_fields = ["name", "code", "uscc"]
    raw_id_fields = ["region", "parent"]


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "display_name", "organization", "is_active", "last_login"]
    list_filter = ["is_active", "roles__role"]
    search_fields = ["username", "display_name", "organization__name"]
    raw_id_fields = ["organization"]
    inlines = [UserRoleInline]
    fieldsets = BaseUserAdmin.fieldsets + (("机构", {"fields": ("organization", "display_name", "phone", "must_change_password")}),)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
