from django.urls import path

from . import accounts, views

urlpatterns = [
    # The one-time password reset link an administrator or reviewer issues (accounts.py).
    path("password/reset/", accounts.password_reset_issue, name="password_reset_issue"),
    path("", views.home, name="home"),
    path("evaluations/", views.evaluation_list, name="evaluation_list"),
    path("evaluations/new/", views.evaluation_new, name="evaluation_new"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/edit/", views.evaluation_edit, name="evaluation_edit"),
    path(
        "evaluations/<int:pk>/transition/<str:action>/",
        views.evaluation_transition,
        name="evaluation_transition",
    ),
    path("evaluations/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("evaluations/<int:pk>/history/", views.evaluation_history, name="evaluation_history"),
    path("evaluations/<int:pk>/pdf/", views.evaluation_pdf, name="evaluation_pdf"),
    path("evaluations/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path(
        "evaluations/<int:pk>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "evaluations/<int:pk>/attachments/<int:attachment_id>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("notifications/", views.notification_list, name="notification_list"),
    path(
        "notifications/<int:notification_id>/",
        views.notification_open,
        name="notification_open",
    ),
]
