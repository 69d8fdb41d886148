from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "govmall.disclosure"
    label = "disclosure"
    verbose_name = "信息公开"

    def ready(self):
        from govmall.disclosure import scoping  # noqa: F401 - registers the scope rule
