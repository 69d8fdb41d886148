from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "govmall.portal"
    label = "portal"
    verbose_name = "门户与工作台"

    def ready(self):
        from govmall.accounts import navigation as nav
        from govmall.accounts.models import Role
        from govmall.subsites import features

        features.register("supplier_directory", "供应商名录公开", "在门户首页公开本分站入驻供应商的名称、所在地和统一社会信用代码")
        features.register("workday_calendar", "工作日历公开", "公开法定工作日历和“N 个工作日后”的期限计算")

        staff = {Role.CENTRE_OPERATOR, Role.FINANCE_SUPERVISOR, Role.PLATFORM_ADMIN}
        everyone = set(Role.values)
        nav.add("工作台", "portal:workspace", everyone, order=0)
        nav.add("站内消息", "portal:notifications", everyone, order=5)
        nav.add("机构", "portal:org_list", everyone, group="基础数据", order=20)
        nav.add("用户", "portal:user_list", staff, group="基础数据", order=21)
        nav.add("审计日志", "portal:audit_list", staff, group="监督", order=40)
        nav.add("门户风格", "portal:subsite_style", {Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN}, group="运营", order=50)
        nav.add("节假日安排", "portal:holiday_list", {Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN}, group="运营", order=51)
