from django.urls import path

from . import views

urlpatterns = [
    path("", views.summary_home, name="summary_home"),
    path("<int:year>/<int:region_id>/", views.summary_region, name="summary_region"),
    path(
        "<int:year>/<int:region_id>/tables/<str:table>.xlsx",
        views.summary_table_xlsx,
        name="summary_table_xlsx",
    ),
    path(
        "<int:year>/<int:region_id>/export/",
        views.batch_export_create,
        name="batch_export_create",
    ),
    path("exports/", views.batch_export_list, name="batch_export_list"),
    path("exports/<int:export_id>/", views.batch_export_detail, name="batch_export_detail"),
    path("exports/<int:export_id>/status/", views.batch_export_status, name="batch_export_status"),
    path(
        "exports/<int:export_id>/download/",
        views.batch_export_download,
        name="batch_export_download",
    ),
]
