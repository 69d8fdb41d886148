from django.apps import AppConfig


class PurchasersConfig(AppConfig):
    name = "govmall.purchasers"
    label = "purchasers"
    verbose_name = "采购人"

    def ready(self):
        from govmall.accounts import navigation as nav
        from govmall.accounts.models import Role
        from govmall.purchasers import scoping  # noqa: F401 - registers the scope rules

        staff = {Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN}
        nav.add("采购人", "purchasers:list", staff, group="基础数据", order=22)
        nav.add("机构改革", "purchasers:restructure_list", staff, group="基础数据", order=23)
