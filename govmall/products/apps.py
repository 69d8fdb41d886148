from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "govmall.products"
    label = "products"
    verbose_name = "商品"
