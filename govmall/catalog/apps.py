from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "govmall.catalog"
    label = "catalog"
    verbose_name = "品目目录"

    def ready(self):
        from govmall.accounts import navigation as nav
        from govmall.accounts import workspace
        from govmall.accounts.models import Role
        from govmall.accounts.scoping import STAFF_ROLES
        from govmall.catalog import scoping
        from govmall.catalog.views import draft_todos

        scoping.register_rules()
        nav.add("商城品目目录", "catalog:version_list", STAFF_ROLES, group="运营", order=52)
        nav.add("商城品目", "catalog:public", {Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER, Role.SUPPLIER_STAFF}, order=30)
        workspace.register(draft_todos)

        from govmall.catalog.models import Category
        from govmall.catalog.selectors import cap_ids

        cap_ids.forget_on_change(Category)
