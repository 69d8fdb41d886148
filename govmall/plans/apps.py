from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "govmall.plans"
    label = "plans"
    verbose_name = "采购计划"

    def ready(self):
        from govmall.accounts import navigation as nav
        from govmall.accounts.models import Role
        from govmall.plans import scoping  # noqa: F401 - registers the scope rule
        from govmall.plans.restructure import HANDLER
        from govmall.purchasers.restructuring import register_handler

        register_handler(HANDLER)
        nav.add("采购计划", "plans:list", set(Role.values) - {Role.SUPPLIER_STAFF}, group="采购", order=30)
