from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "govmall.accounts"
    label = "accounts"
    verbose_name = "机构与用户"

    def ready(self):
        # Django's own sign-in events (including the admin's) are audited through the
        # signals django.contrib.auth and axes send; see docs/ARCHITECTURE.md.
        from govmall.accounts import auth_events

        auth_events.connect()
