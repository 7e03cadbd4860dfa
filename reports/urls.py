from django.urls import path

from . import views

urlpatterns = [
    path("evaluations/<int:pk>/report/", views.report_detail, name="report_detail"),
    path("evaluations/<int:pk>/report/pdf/", views.report_pdf, name="report_pdf"),
    path("evaluations/<int:pk>/report/docx/", views.report_docx, name="report_docx"),
]
