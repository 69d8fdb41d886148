from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "govmall.workdays"
    label = "workdays"
    verbose_name = "工作日历"

    def ready(self):
        from govmall.workdays.models import HolidayYear, SpecialDay
        from govmall.workdays.services import calendar_cache

        calendar_cache.forget_on_change(HolidayYear, SpecialDay)
