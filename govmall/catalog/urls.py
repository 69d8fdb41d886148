from django.urls import path, re_path

from govmall.catalog import views

app_name = "catalog"

urlpatterns = [
    path("catalog/", views.public_catalog, name="public"),
    path("workspace/catalog/", views.version_list, name="version_list"),
    path("workspace/catalog/new/", views.version_create, name="version_create"),
    path("workspace/catalog/categories/", views.category_search, name="category_search"),
    path("workspace/catalog/<int:pk>/", views.version_detail, name="version_detail"),
    re_path(r"^workspace/catalog/(?P<pk>[0-9]+)/export/(?P<fmt>xlsx|csv)/$", views.mapping_export, name="mapping_export"),
    path("workspace/catalog/<int:pk>/report/", views.report, name="report"),
    path("workspace/catalog/<int:pk>/diff/", views.diff, name="diff"),
    path("workspace/catalog/<int:pk>/publish/", views.publish, name="publish"),
    path("workspace/catalog/<int:pk>/discard/", views.discard, name="discard"),
    path("workspace/catalog/<int:pk>/edition/", views.change_edition, name="change_edition"),
    path("workspace/catalog/<int:pk>/import/", views.import_mapping, name="import"),
    path("workspace/catalog/<int:pk>/items/new/", views.item_add, name="item_add"),
    path("workspace/catalog/<int:pk>/items/<int:item_pk>/", views.item_edit, name="item_edit"),
    path("workspace/catalog/<int:pk>/items/<int:item_pk>/remove/", views.item_remove, name="item_remove"),
]
