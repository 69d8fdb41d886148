from django.urls import path

from govmall.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("otp/", views.otp_view, name="otp"),
    path("otp/enroll/", views.otp_enroll_view, name="otp_enroll"),
    path("password/", views.password_change_view, name="password_change"),
    path("keepalive/", views.keepalive_view, name="keepalive"),
]
