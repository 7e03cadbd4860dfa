from django.urls import path

from . import views

app_name = "followup"

urlpatterns = [
    path("", views.home, name="home"),
    path("samples/draw/", views.sample_draw, name="sample_draw"),
    path("samples/<int:sample_id>/", views.sample_detail, name="sample"),
    path("samples/<int:sample_id>/report.<str:fmt>", views.sample_export, name="sample_export"),
    path("reviews/<int:review_id>/", views.review_detail, name="review"),
    path("reviews/<int:review_id>/assign/", views.review_assign, name="review_assign"),
    path("forms/<int:pk>/rectify/", views.rectification_issue, name="rectification_issue"),
    path(
        "rectifications/<int:rectification_id>/", views.rectification_detail, name="rectification"
    ),
    path("items/<int:item_id>/answer/", views.item_answer, name="item_answer"),
    path("items/<int:item_id>/decide/", views.item_decide, name="item_decide"),
    path("items/<int:item_id>/files/<int:file_id>/", views.evidence_download, name="evidence"),
    path("results/", views.results, name="results"),
    path("results/export.<str:fmt>", views.results_export, name="results_export"),
    path("results/rules/", views.result_rule_set, name="result_rule_set"),
    path("results/<int:pk>/decision/", views.decision_record, name="decision"),
    path("disclosure/", views.disclosure, name="disclosure"),
    path("disclosure/export.<str:fmt>", views.disclosure_export, name="disclosure_export"),
]
