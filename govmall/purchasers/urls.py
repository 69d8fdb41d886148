from django.urls import path

from govmall.purchasers import views

app_name = "purchasers"

urlpatterns = [
    path("workspace/purchasers/", views.purchaser_list, name="list"),
    path("workspace/purchasers/new/", views.purchaser_create, name="create"),
    path("workspace/purchasers/import/", views.purchaser_import, name="import"),
    path("workspace/purchasers/import/template.xlsx", views.purchaser_import_template, name="import_template"),
    path("workspace/purchasers/<int:pk>/", views.purchaser_detail, name="detail"),
    path("workspace/purchasers/<int:pk>/edit/", views.purchaser_edit, name="edit"),
    path("workspace/purchasers/<int:pk>/status/", views.purchaser_status, name="status"),
    path("workspace/restructures/", views.restructure_list, name="restructure_list"),
    path("workspace/restructures/new/", views.restructure_create, name="restructure_create"),
    path("workspace/restructures/<int:pk>/", views.restructure_detail, name="restructure_detail"),
]
