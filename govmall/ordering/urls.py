"""Cart and direct-purchase orders (直购): submission with reservation, approval, supplier confirmation, delivery."""

from django.urls import path

from govmall.ordering import views

app_name = "ordering"

urlpatterns = [
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/items/<int:pk>/", views.cart_item, name="cart_item"),
    path("cart/checkout/<str:key>/", views.checkout, name="checkout"),
    path("cart/checkout/<str:key>/check/", views.checkout_check, name="checkout_check"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/approvals/", views.approval_queue, name="approval_queue"),
    path("orders/approvals/<int:pk>/", views.order_detail, name="approval_detail"),
    path("orders/rules/", views.rules, name="rules"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/approve/", views.order_approve, name="order_approve"),
    path("orders/<int:pk>/reject/", views.order_reject, name="order_reject"),
    path("orders/<int:pk>/confirm/", views.order_confirm, name="order_confirm"),
    path("orders/<int:pk>/refuse/", views.order_refuse, name="order_refuse"),
    path("orders/<int:pk>/deliver/", views.order_deliver, name="order_deliver"),
    path("supplier/orders/", views.supplier_orders, name="supplier_orders"),
    path("supplier/orders/<int:pk>/", views.order_detail, name="supplier_order_detail"),
]
