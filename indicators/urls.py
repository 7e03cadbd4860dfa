from django.urls import path

from . import views

urlpatterns = [
    path("search/", views.search, name="indicator_search"),
    path("judge/", views.judge, name="indicator_judge"),
]
