from django.urls import path

from govmall.products import views

app_name = "products"

urlpatterns = [
    # Storefront (public)
    path("search", views.search_page, name="search"),
    path("search/", views.search_page),
    path("search/suggest", views.suggest, name="suggest"),
    path("products/<int:pk>/", views.product_detail, name="detail"),
    path("products/images/<int:pk>/", views.image_file, name="image"),
    path("products/images/<int:pk>/thumb/", views.image_file, {"thumb": True}, name="image_thumb"),
    path("compare/", views.compare, name="compare"),
    path("compare/add/", views.compare_add, name="compare_add"),
    path("compare/remove/", views.compare_remove, name="compare_remove"),
    path("compare/clear/", views.compare_clear, name="compare_clear"),
    # Back office
    path("workspace/products/", views.listing_list, name="listing_list"),
    path("workspace/products/new/", views.listing_new, name="listing_new"),
    path("workspace/products/bulk/", views.bulk, name="bulk"),
    path("workspace/products/review/", views.review_queue, name="review_queue"),
    path("workspace/products/prices/", views.price_report, name="price_report"),
    path("workspace/products/scopes/", views.scope_list, name="scope_list"),
    path("workspace/products/scopes/<int:pk>/revoke/", views.scope_revoke, name="scope_revoke"),
    path("workspace/products/rules/", views.rules, name="rules"),
    path("workspace/products/<int:pk>/", views.listing_detail, name="listing_detail"),
    path("workspace/products/<int:pk>/edit/", views.listing_edit, name="listing_edit"),
    path("workspace/products/<int:pk>/<str:action>/", views.listing_action, name="listing_action"),
    path("workspace/products/<int:pk>/references/<int:rid>/delete/", views.reference_delete, name="reference_delete"),
    path("workspace/products/<int:pk>/certificates/<int:cid>/delete/", views.certificate_delete, name="certificate_delete"),
    path("workspace/products/<int:pk>/images/<int:iid>/delete/", views.image_delete, name="image_delete"),
]
