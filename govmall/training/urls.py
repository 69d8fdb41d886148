from django.urls import path

from govmall.training import views

app_name = "training"

urlpatterns = [
    path("training/", views.my_training, name="mine"),
    path("training/courses/", views.course_list, name="courses"),
    path("training/courses/<slug:code>/", views.course_detail, name="course"),
    path("training/courses/<slug:code>/material.pdf", views.material, name="material"),
    path("training/attempts/<int:pk>/", views.attempt_result, name="attempt"),
    path("training/certificates/<int:pk>.pdf", views.certificate_pdf, name="certificate"),
    path("training/sessions/", views.session_list, name="sessions"),
    path("training/sessions/<int:pk>/", views.session_detail, name="session"),
    path("training/sessions/<int:pk>/signup/", views.session_signup, name="signup"),
    path("training/signups/<int:pk>/cancel/", views.signup_cancel, name="signup_cancel"),
    path("workspace/training/courses/new/", views.course_create, name="course_create"),
    path("workspace/training/courses/<slug:code>/edit/", views.course_edit, name="course_edit"),
    path("workspace/training/requirements/", views.requirements, name="requirements"),
    path("workspace/training/requirements/<int:pk>/remove/", views.requirement_remove, name="requirement_remove"),
    path("workspace/training/sessions/new/", views.session_create, name="session_create"),
    path("workspace/training/sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("workspace/training/sessions/<int:pk>/finish/", views.session_finish, name="session_finish"),
    path("workspace/training/signups/<int:pk>/attendance/", views.signup_attendance, name="attendance"),
    path("workspace/training/stats/", views.stats, name="stats"),
]
