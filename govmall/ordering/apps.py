from django.apps import AppConfig


class OrderingConfig(AppConfig):
    name = "govmall.ordering"
    label = "ordering"
    verbose_name = "直购订单"

    def ready(self):
        from govmall.accounts import navigation as nav
        from govmall.accounts import workspace
        from govmall.accounts.models import Role
        from govmall.ordering import scoping  # noqa: F401 - registers the scope rules
        from govmall.ordering import tasks  # noqa: F401 - registers the periodic jobs
        from govmall.ordering.selectors import open_orders_of_supplier, orders_of_reservation
        from govmall.ordering.workspace import todos

        from govmall.limits.hooks import register_related as register_reservation_link
        from govmall.products import detail_actions
        from govmall.suppliers.exit import register_open_business

        register_open_business(open_orders_of_supplier)
        register_reservation_link(orders_of_reservation)
        detail_actions.register("ordering/_add_to_cart.html")

        staff = {Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN}
        nav.add("购物车", "ordering:cart", {Role.PURCHASER_CLERK}, group="采购", order=20)
        nav.add("我的订单", "ordering:order_list", {Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER}, group="采购", order=21)
        nav.add("直购订单", "ordering:order_list", staff, group="采购", order=21)  # the page's own heading for staff
        nav.add("订单审批", "ordering:approval_queue", {Role.PURCHASER_APPROVER}, group="采购", order=22)
        nav.add("供应商订单", "ordering:supplier_orders", {Role.SUPPLIER_STAFF}, group="订单", order=25)
        nav.add("直购规则", "ordering:rules", {Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN}, group="运营", order=53)
        workspace.register(todos)

        from govmall.ordering.models import OrderingRules
        from govmall.ordering.services import rules_cache

        rules_cache.forget_on_change(OrderingRules)  # the rules a purchase reads are kept a minute (core.memo)
