from django.contrib import admin

from govmall.audit.models import AuditChain, AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nothing in the audit log can be added, edited or deleted from the admin."""

    list_display = ["seq", "created_at", "action", "actor_name", "org_name", "object_type", "object_repr", "client_ip"]
    list_filter = ["action", "object_type", "source"]
    search_fields = ["actor_name", "object_repr", "object_id", "request_id"]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditChain)
class AuditChainAdmin(AuditEntryAdmin):
    list_display = ["id", "last_seq", "last_hash"]
    list_filter = []
    search_fields = []


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves are written to the audit log like any service's."""

    def save_model(self, request, obj, form, change):
        from django.db import transaction

        from govmall.audit.services import log_create, log_update, snapshot

        with transaction.atomic():
            if change:
                before = snapshot(type(obj)._default_manager.get(pk=obj.pk))
                super().save_model(request, obj, form, change)
                log_update(obj, before, message="管理后台修改")
            else:
                super().save_model(request, obj, form, change)
                log_create(obj, message="管理后台新建")

    def has_delete_permission(self, request, obj=None):
        return False
