"""The form's pages, by page family: the lists (`lists`), the edit page (`edit`), the read-only
and review page (`detail`), downloads and attachments (`downloads`); 导入Excel is workbooks'.
Every view `evaluations/urls.py` names is here."""

from .detail import comment_add, evaluation_detail, evaluation_history, evaluation_transition
from .downloads import (
    attachment_delete,
    attachment_download,
    attachment_upload,
    evaluation_pdf,
)
from .edit import evaluation_edit
from .lists import evaluation_list, evaluation_new, home, notification_list, notification_open

__all__ = [
    "attachment_delete",
    "attachment_download",
    "attachment_upload",
    "comment_add",
    "evaluation_detail",
    "evaluation_edit",
    "evaluation_history",
    "evaluation_list",
    "evaluation_new",
    "evaluation_pdf",
    "evaluation_transition",
    "home",
    "notification_list",
    "notification_open",
]
