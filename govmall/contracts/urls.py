"""Contracts (合同), signing, publication, acceptance (验收) and payment (支付); the closed-loop trace."""

from django.urls import path

from govmall.contracts import views

app_name = "contracts"

urlpatterns = [
    path("contracts/", views.contract_list, name="list"),
    path("contracts/overdue/publications/", views.overdue_publications, name="overdue_publications"),
    path("contracts/overdue/payments/", views.overdue_payments, name="overdue_payments"),
    path("contracts/reconciliation/", views.reconciliation, name="reconciliation"),
    path("contracts/trace/<int:plan_id>/", views.plan_trace, name="trace"),
    path("contracts/rules/", views.rules_edit, name="rules"),
    path("contracts/public/<str:no>.pdf", views.public_pdf, name="public_pdf"),
    path("contracts/<str:no>/", views.contract_detail, name="detail"),
    path("contracts/<str:no>/pdf/", views.contract_pdf, name="pdf"),
    path("contracts/<str:no>/sign/", views.contract_sign, name="sign"),
    path("contracts/<str:no>/terms/", views.contract_terms, name="terms"),
    path("contracts/<str:no>/cancel/", views.contract_cancel, name="cancel"),
    path("contracts/<str:no>/publish/", views.contract_publish, name="publish"),
    path("contracts/<str:no>/deliver/", views.contract_deliver, name="deliver"),
    path("contracts/<str:no>/accept/", views.acceptance_new, name="accept"),
    path("contracts/<str:no>/acceptances/<int:pk>/pdf/", views.acceptance_pdf, name="acceptance_pdf"),
    path("contracts/<str:no>/pay/", views.contract_pay, name="pay"),
    path("contracts/<str:no>/terminate/", views.contract_terminate, name="terminate"),
]
