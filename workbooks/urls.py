from django.urls import path

from . import views

# Under /evaluations/ like the form's other pages: the paths are those bookmarks and the docs know.
urlpatterns = [
    path("evaluations/import/", views.evaluation_import, name="evaluation_import"),
    path("evaluations/import/map/", views.evaluation_import_map, name="evaluation_import_map"),
    path(
        "evaluations/import/blank/<str:template>.xlsx",
        views.evaluation_import_blank,
        name="evaluation_import_blank",
    ),
    path("evaluations/<int:pk>/xlsx/", views.evaluation_xlsx, name="evaluation_xlsx"),
]
