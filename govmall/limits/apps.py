from django.apps import AppConfig


class LimitsConfig(AppConfig):
    name = "govmall.limits"
    label = "limits"
    verbose_name = "限额标准"

    def ready(self):
        from govmall.accounts import navigation as nav
        from govmall.accounts.models import Role
        from govmall.limits import scoping  # noqa: F401 - registers the scope rules
        from govmall.limits.restructure import HANDLER
        from govmall.purchasers.restructuring import register_handler

        register_handler(HANDLER)
        self._forget_cached_reference_on_change()
        from govmall.accounts import workspace
        from govmall.limits.workspace import todos

        workspace.register(todos)
        buyers = {Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER}
        staff = {Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN}
        nav.add("我的计划与额度", "limits:my_caps", buyers, group="采购", order=29)
        nav.add("额度测算", "limits:check", buyers | staff, group="采购", order=31)
        nav.add("额度预留", "limits:reservations", buyers | staff, group="采购", order=32)
        nav.add("限额标准", "limits:standards", staff, group="监督", order=41)

    @staticmethod
    def _forget_cached_reference_on_change():
        """A saved or deleted standard, rule or catalog row empties reserve()'s reference cache
        in this process at once; other processes see the change through the tokens that
        reserve() reads under its lock (policy.ReferenceCache)."""
        from django.db.models.signals import post_delete, post_save

        from govmall.catalog.models import Category, CatalogEdition
        from govmall.limits.models import LimitRule, LimitStandard
        from govmall.limits.policy import reference_cache

        def forget(**kwargs):
            reference_cache.clear()

        for model in (LimitStandard, LimitRule, Category, CatalogEdition):
            for signal in (post_save, post_delete):
                signal.connect(forget, sender=model, weak=False, dispatch_uid=f"limits-reference-{model._meta.label}-{signal is post_save}")
