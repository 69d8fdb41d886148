from django.apps import AppConfig


class PurchasersConfig(AppConfig):
    name = "govmall.purchasers"
    label = "purchasers"
    verbose_name = "采购人"
