from django.contrib import admin

from govmall.catalog.models import CatalogEdition, Category, MallCatalogVersion, MallItem


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Mall catalogs change only through the services (audited, drafts only): the admin reads."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class MallItemInline(admin.TabularInline):
    model = MallItem
    fields = ["local_code", "local_name", "aliases", "category", "group", "remark"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MallCatalogVersion)
class MallCatalogVersionAdmin(ReadOnlyAdmin):
    list_display = ["subsite", "number", "status", "edition", "published_at", "note"]
    list_filter = ["subsite", "status"]
    inlines = [MallItemInline]
