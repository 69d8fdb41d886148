from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    name = "govmall.suppliers"
    label = "suppliers"
    verbose_name = "供应商管理"

    def ready(self):
        from govmall.accounts import navigation as nav
        from govmall.accounts import workspace
        from govmall.accounts.models import Role
        from govmall.suppliers import scoping  # noqa: F401  (registers the scope rules)
        from govmall.suppliers.services import on_course_passed
        from govmall.suppliers.workspace import todos
        from govmall.training import events as training_events

        # A supplier waiting for training is activated when its staff pass the required course.
        training_events.register_on_passed(on_course_passed)
        staff = {Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN}
        nav.add("供应商后台", "suppliers:home", {Role.SUPPLIER_STAFF}, group="供应商", order=20)
        nav.add("资质证书", "suppliers:qualifications", {Role.SUPPLIER_STAFF}, group="供应商", order=21)
        nav.add("企业划型", "suppliers:scale", {Role.SUPPLIER_STAFF}, group="供应商", order=22)
        nav.add("信用记录", "suppliers:credit", {Role.SUPPLIER_STAFF}, group="供应商", order=23)
        nav.add("供应商名录", "suppliers:list", staff, group="供应商", order=24)
        nav.add("入驻审核", "suppliers:review_queue", {Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN}, group="供应商", order=25)
        workspace.register(todos)
