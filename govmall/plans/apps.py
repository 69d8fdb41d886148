from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "govmall.plans"
    label = "plans"
    verbose_name = "采购计划"
