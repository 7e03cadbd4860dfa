"""The printed PDFs of handed-in forms, kept in a storage every web node and worker shares.

A submitted or approved form cannot change until it moves again, so its PDF is rendered once, by
a worker right after 提交 or 通过 (evaluations.tasks.evaluation_pdf_store), and every download
reads the stored file. The file's name holds the form's version and the print layout's
fingerprint (`printed/forms/<id>/v<version>-<layout>.pdf`), so a PDF of an older version or layout is
never served; a form that is returned, reopened or withdrawn loses its stored PDFs. Where the
worker is behind, the first download renders the PDF and stores it. A draft (or a returned form)
is rendered on every download: it changes with every save.

The storage is `STORAGES["printed"]`: a directory on the media volume by default, an object
store by setting (config/settings.py, DJANGO_PRINTED_STORAGE).
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from .exports import pdf as pdf_export
from .models import Evaluation

logger = logging.getLogger(__name__)

HANDED_IN = (Evaluation.Status.SUBMITTED, Evaluation.Status.APPROVED)
STORAGE = "printed"


def _storage():
    return storages[STORAGE]


def _folder(evaluation_id: int) -> str:
    return f"printed/forms/{evaluation_id}"


def stored_name(evaluation: Evaluation) -> str:
    return f"{_folder(evaluation.pk)}/v{evaluation.version}-{pdf_export.PRINT_LAYOUT_VERSION}.pdf"


def render(evaluation: Evaluation) -> bytes:
    """Render the form (loaded with selectors.with_lines) as it prints."""
    from .selectors import form_data  # selectors import models only; kept out of import time

    return pdf_export.pdf_bytes(form_data(evaluation))


def stored_pdf(evaluation: Evaluation) -> bytes | None:
    """The stored PDF of the form's current version, or None when there is none (yet)."""
    storage, name = _storage(), stored_name(evaluation)
    try:
        with storage.open(name, "rb") as f:
            content = f.read()
    except (FileNotFoundError, OSError):
        return None
    # A file another process is still writing is not complete yet: render rather than serve it.
    if not content.rstrip().endswith(b"%%EOF"):
        return None
    return content


def store(evaluation: Evaluation, content: bytes) -> str:
    """Store the PDF of the form's current version (once: a second store keeps the first)."""
    storage, name = _storage(), stored_name(evaluation)
    if storage.exists(name):
        return name
    saved = storage.save(name, ContentFile(content))
    if saved != name:  # another process stored it in between: keep theirs, drop the copy
        storage.delete(saved)
    return name


def pdf_for(evaluation: Evaluation) -> bytes:
    """The form's PDF for a download or an export: a handed-in form's from storage (rendered
    and stored when the worker has not got to it yet), a draft's rendered now."""
    if evaluation.status not in HANDED_IN:
        return render(evaluation)
    content = stored_pdf(evaluation)
    if content is None:
        content = render(evaluation)
        store(evaluation, content)
    return content


def discard(evaluation_id: int, *, keep: str = "") -> int:
    """Delete the form's stored PDFs (all but `keep`); returns how many went."""
    storage, folder = _storage(), _folder(evaluation_id)
    try:
        _dirs, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    gone = 0
    for file in files:
        name = f"{folder}/{file}"
        if name != keep:
            storage.delete(name)
            gone += 1
    return gone


def store_current(evaluation_id: int, version: int) -> str:
    """The worker's side: render and store the form's PDF if the form is still handed in at
    `version`, then remove the PDFs of its earlier versions. Returns what it did."""
    from .selectors import with_lines

    evaluation = with_lines(Evaluation.objects.filter(pk=evaluation_id)).first()
    if evaluation is None or evaluation.status not in HANDED_IN:
        return "not handed in"
    if evaluation.version != version:
        return "moved on"  # a later move queued its own render, or removed the PDFs
    name = stored_name(evaluation)
    if stored_pdf(evaluation) is None:
        store(evaluation, render(evaluation))
    discard(evaluation_id, keep=name)
    return name
