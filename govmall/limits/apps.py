from django.apps import AppConfig


class LimitsConfig(AppConfig):
    name = "govmall.limits"
    label = "limits"
    verbose_name = "限额标准"
