from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from govmall.api import api
from govmall.subsites.views import theme_css

# Django reads error handlers from the root URLconf (a handler400 in settings is ignored).
handler400 = "govmall.core.views.bad_request"

admin.site.site_header = "GovMall 平台管理"
admin.site.site_title = "GovMall 平台管理"

urlpatterns = [
    # The admin signs in through the hardened sign-in (lockout, TOTP), never its own form.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("govmall.accounts.urls")),
    path("api/v1/", api.urls),
    path("theme.css", theme_css, name="theme_css"),
    # Each app owns its own path prefixes (see the app's urls.py).
    path("", include("govmall.catalog.urls")),
    path("", include("govmall.purchasers.urls")),
    path("", include("govmall.plans.urls")),
    path("", include("govmall.limits.urls")),
    path("", include("govmall.products.urls")),
    path("", include("govmall.training.urls")),
    path("", include("govmall.disclosure.urls")),
    path("", include("govmall.suppliers.urls")),
    path("", include("govmall.ordering.urls")),
    path("", include("govmall.bidding.urls")),
    path("", include("govmall.contracts.urls")),
    path("", include("govmall.portal.urls")),
]
