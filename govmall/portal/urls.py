from django.urls import path

from govmall.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("suppliers/", views.supplier_directory, name="supplier_directory"),
    path("calendar/", views.workday_calendar, name="calendar"),
    path("workspace/", views.workspace, name="workspace"),
    path("workspace/profile/", views.profile, name="profile"),
    path("workspace/notifications/", views.notifications, name="notifications"),
    path("workspace/notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("workspace/notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("workspace/orgs/", views.org_list, name="org_list"),
    path("workspace/orgs/<int:pk>/", views.org_detail, name="org_detail"),
    path("workspace/users/", views.user_list, name="user_list"),
    path("workspace/users/<int:pk>/", views.user_detail, name="user_detail"),
    path("workspace/audit/", views.audit_list, name="audit_list"),
    path("workspace/audit/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("workspace/site-style/", views.subsite_style, name="subsite_style"),
    path("workspace/holidays/", views.holiday_list, name="holiday_list"),
    path("workspace/holidays/<int:year>/", views.holiday_edit, name="holiday_edit"),
]
