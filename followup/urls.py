from django.urls import path

from . import views

app_name = "followup"

urlpatterns = [
    path("", views.home, name="home"),
    path("samples/draw/", views.sample_draw, name="sample_draw"),
    path("samples/<int:pk>/", views.sample_detail, name="sample"),
    path("samples/<int:pk>/report.<str:fmt>", views.sample_export, name="sample_export"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/assign/", views.review_assign, name="review_assign"),
    path("forms/<int:pk>/rectify/", views.rectification_issue, name="rectification_issue"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification"),
    path("items/<int:pk>/answer/", views.item_answer, name="item_answer"),
    path("items/<int:pk>/decide/", views.item_decide, name="item_decide"),
    path("items/<int:pk>/files/<int:file_pk>/", views.evidence_download, name="evidence"),
    path("results/", views.results, name="results"),
    path("results/export.<str:fmt>", views.results_export, name="results_export"),
    path("results/rules/", views.result_rule_set, name="result_rule_set"),
    path("results/<int:pk>/decision/", views.decision_record, name="decision"),
    path("disclosure/", views.disclosure, name="disclosure"),
    path("disclosure/export.<str:fmt>", views.disclosure_export, name="disclosure_export"),
]
