"""Online bidding (竞价): requirements, sealed quotes, evaluation with the SME price deduction, award."""

from django.urls import path

from govmall.bidding import views

app_name = "bidding"

urlpatterns = [
    path("workspace/bidding/", views.mine, name="mine"),
    path("workspace/bidding/new/", views.new, name="new"),
    path("workspace/bidding/<int:pk>/", views.detail, name="detail"),
    path("workspace/bidding/<int:pk>/edit/", views.edit, name="edit"),
    path("workspace/bidding/<int:pk>/publish/", views.publish, name="publish"),
    path("workspace/bidding/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("workspace/bidding/<int:pk>/rebid/", views.rebid, name="rebid"),
    path("workspace/bidding/<int:pk>/quote/", views.quote, name="quote"),
    path("workspace/bidding/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("workspace/bidding/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("workspace/bidding/<int:pk>/decline/", views.decline, name="decline"),
    path("workspace/bidding/<int:pk>/close/", views.close_now, name="close_now"),
    path("bidding/<int:pk>/result/", views.public, name="public"),
    path("workspace/bidding/supplier/", views.supplier_open, name="supplier_open"),
    path("workspace/bidding/supplier/quotes/", views.supplier_quotes, name="supplier_quotes"),
    path("workspace/bidding/centre/", views.centre, name="centre"),
    path("workspace/bidding/centre/flagged/", views.flagged, name="flagged"),
    path("workspace/bidding/centre/rules/", views.rules, name="rules"),
]
