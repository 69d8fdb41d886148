from django.apps import AppConfig


class SubsitesConfig(AppConfig):
    name = "govmall.subsites"
    label = "subsites"
    verbose_name = "分站"
