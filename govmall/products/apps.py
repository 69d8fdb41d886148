from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "govmall.products"
    label = "products"
    verbose_name = "商品"

    def ready(self):
        from govmall.accounts import navigation as nav
        from govmall.accounts import workspace
        from govmall.accounts.models import Role
        from govmall.products import scoping  # noqa: F401  (registers the scope rules)
        from govmall.products.workspace import todos
        from govmall.subsites import features
        from govmall.products.services import listings_sync_supplier_hold
        from govmall.suppliers import events as supplier_events

        # A suspension, removal, exit or expired certificate withdraws listings; lifting restores.
        supplier_events.register_on_supplier_changed(listings_sync_supplier_hold)

        features.register("storefront", "商城商品搜索", "公开商城商品搜索、商品详情和商品对比；首页显示搜索框", default=True)
        features.register(
            "hide_overpriced", "高于参考价的商品不展示", "价格高于最低现行市场参考价的在售商品不出现在商城搜索和详情中（仍在价格监测报表中）", default=True
        )

        everyone = set(Role.values)
        centre = {Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN}
        nav.add("商城商品", "products:search", everyone, order=1)
        nav.add("商品管理", "products:listing_list", {Role.SUPPLIER_STAFF, Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN}, group="商品", order=30)
        nav.add("商品审核", "products:review_queue", centre, group="商品", order=31)
        nav.add("价格监测", "products:price_report", {Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN}, group="商品", order=32)
        nav.add("经营范围", "products:scope_list", {Role.SUPPLIER_STAFF, Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN}, group="商品", order=33)
        nav.add("商品规则", "products:rules", centre, group="运营", order=52)
        workspace.register(todos)
