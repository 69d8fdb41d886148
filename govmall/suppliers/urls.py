from django.urls import path

from govmall.suppliers import views

app_name = "suppliers"

urlpatterns = [
    path("suppliers/signup/", views.signup, name="signup"),
    # The supplier's own back office.
    path("workspace/supplier/", views.home, name="home"),
    path("workspace/supplier/application/new/", views.application_new, name="application_new"),
    path("workspace/supplier/application/<int:pk>/", views.application, name="application"),
    path("workspace/supplier/profile/", views.profile, name="profile"),
    path("workspace/supplier/qualifications/", views.qualifications, name="qualifications"),
    path("workspace/supplier/scale/", views.scale_view, name="scale"),
    path("workspace/supplier/scale/letter.pdf", views.sme_letter, name="sme_letter"),
    path("workspace/supplier/credit/", views.credit, name="credit"),
    path("workspace/supplier/exit/", views.exit_view, name="exit"),
    path("workspace/supplier/documents/<str:kind>/<int:pk>/", views.document, name="document"),
    # The procurement centre and supervisors.
    path("workspace/suppliers/", views.supplier_list, name="list"),
    path("workspace/suppliers/<int:pk>/", views.supplier_detail, name="detail"),
    path("workspace/suppliers/review/", views.review_queue, name="review_queue"),
    path("workspace/suppliers/review/<int:pk>/", views.review, name="review"),
    path("workspace/suppliers/qualifications/<int:pk>/", views.qualification_review, name="qualification_review"),
    path("workspace/suppliers/appeals/<int:pk>/", views.appeal_review, name="appeal_review"),
]
