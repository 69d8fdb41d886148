from django.contrib import admin

from govmall.catalog.models import CatalogEdition, Category


@admin.register(CatalogEdition)
class CatalogEditionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "document", "is_current", "loaded_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Category)
class CategoryAdmin(CatalogEditionAdmin):
    list_display = ["code", "name", "level", "kind", "is_leaf", "edition"]
    list_filter = ["edition", "level", "kind"]
    search_fields = ["code", "name"]
