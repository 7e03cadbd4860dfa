from django.urls import path

from . import views

app_name = "seasons"

urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("mine/", views.mine, name="mine"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/extend/", views.task_extend, name="task_extend"),
    path("tasks/<int:task_id>/cancel/", views.task_cancel, name="task_cancel"),
    path("tasks/<int:task_id>/files/add/", views.task_file_add, name="task_file_add"),
    path("tasks/<int:task_id>/files/<int:file_id>/", views.task_file, name="task_file"),
    path(
        "tasks/<int:task_id>/files/<int:file_id>/delete/",
        views.task_file_delete,
        name="task_file_delete",
    ),
    path("tasks/<int:task_id>/open/<str:template>/", views.task_form_open, name="task_form_open"),
    path("board/", views.status_board, name="board"),
    path("board/xlsx/", views.board_xlsx, name="board_xlsx"),
    path("board/bulk/", views.board_bulk, name="board_bulk"),
]
