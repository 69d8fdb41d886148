from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "govmall.training"
    label = "training"
    verbose_name = "培训中心"

    def ready(self):
        from govmall.accounts import navigation as nav
        from govmall.accounts import workspace
        from govmall.accounts.models import Role
        from govmall.training import scoping  # noqa: F401 - registers the scope rules
        from govmall.training.workspace import todos

        workspace.register(todos)
        everyone = set(Role.values)
        centre = {Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN}
        nav.add("我的培训", "training:mine", everyone, group="培训", order=80)
        nav.add("培训课程", "training:courses", everyone, group="培训", order=81)
        nav.add("培训场次", "training:sessions", everyone, group="培训", order=82)
        nav.add("必修课程设置", "training:requirements", centre, group="培训", order=83)
        nav.add("培训完成统计", "training:stats", centre | {Role.FINANCE_SUPERVISOR}, group="培训", order=84)
