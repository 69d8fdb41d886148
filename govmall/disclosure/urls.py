from django.urls import path

from govmall.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("announcements/", views.announcement_list, name="list"),
    path("announcements/<int:pk>/", views.announcement_detail, name="detail"),
]
