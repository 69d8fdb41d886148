from django.apps import AppConfig


class BiddingConfig(AppConfig):
    name = "govmall.bidding"
    label = "bidding"
    verbose_name = "网上竞价"

    def ready(self):
        from govmall.accounts import navigation as nav
        from govmall.accounts import workspace
        from govmall.accounts.models import Role
        from govmall.bidding import scoping  # noqa: F401  (registers the scope rules)
        from govmall.bidding import tasks  # noqa: F401  (registers the periodic close)
        from govmall.bidding.selectors import biddings_of_reservation, open_business_of_supplier
        from govmall.bidding.workspace import todos
        from govmall.limits.hooks import register_related as register_reservation_link
        from govmall.suppliers.exit import register_open_business

        staff = {Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN}
        nav.add("网上竞价", "bidding:mine", {Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER}, group="采购", order=22)
        nav.add("可参与的竞价", "bidding:supplier_open", {Role.SUPPLIER_STAFF}, group="竞价", order=40)
        nav.add("我的报价", "bidding:supplier_quotes", {Role.SUPPLIER_STAFF}, group="竞价", order=41)
        nav.add("竞价监管", "bidding:centre", staff, group="竞价", order=42)
        nav.add("异常低价", "bidding:flagged", staff, group="竞价", order=43)
        nav.add("竞价规则", "bidding:rules", {Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN}, group="运营", order=53)
        workspace.register(todos)
        register_open_business(open_business_of_supplier)
        register_reservation_link(biddings_of_reservation)
