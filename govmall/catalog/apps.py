from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "govmall.catalog"
    label = "catalog"
    verbose_name = "品目目录"
