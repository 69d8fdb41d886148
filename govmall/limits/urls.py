from django.urls import path

from govmall.limits import views

app_name = "limits"

urlpatterns = [
    path("limits/notices/", views.notice_list, name="notices"),
    path("limits/notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("workspace/limits/", views.standard_list, name="standards"),
    path("workspace/limits/new/", views.standard_new, name="standard_new"),
    path("workspace/limits/<int:pk>/", views.standard_detail, name="standard_detail"),
    path("workspace/limits/<int:pk>/edit/", views.standard_edit, name="standard_edit"),
    path("workspace/limits/<int:pk>/publish/", views.standard_publish_view, name="standard_publish"),
    path("workspace/my-caps/", views.my_caps, name="my_caps"),
    path("workspace/limits/usage/<int:pk>/", views.purchaser_usage, name="usage"),
    path("workspace/limits/check/", views.check_view, name="check"),
    path("workspace/limits/reservations/", views.reservation_list, name="reservations"),
    path("workspace/limits/reservations/<int:pk>/", views.reservation_detail, name="reservation_detail"),
]
