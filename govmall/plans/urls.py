from django.urls import path

from govmall.plans import views

app_name = "plans"

urlpatterns = [
    path("workspace/plans/", views.plan_list, name="list"),
    path("workspace/plans/new/", views.plan_create_view, name="create"),
    path("workspace/plans/<int:pk>/", views.plan_detail, name="detail"),
    path("workspace/plans/<int:pk>/adjust/", views.plan_adjust_view, name="adjust"),
    path("workspace/plans/<int:pk>/cancel/", views.plan_cancel_view, name="cancel"),
]
