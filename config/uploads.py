"""Refuse an over-large request body by its Content-Length, before anything reads it.

Django streams uploaded files to disk without a size limit (DATA_UPLOAD_MAX_MEMORY_SIZE does not
count files), and CsrfViewMiddleware reads the whole body to find the token: a check in a view
comes too late. This middleware answers from the headers alone, before the view middlewares run:
- without a login, no body larger than ANONYMOUS_MAX_BYTES (the login form is tiny);
- a single-file upload URL, at most its file limit plus the envelope around the file (the
  import checks its own, before reading);
- any other request, at most UPLOAD_MAX_BYTES (a return with several files, a task's notice).
The reverse proxy should refuse the same total first (nginx: client_max_body_size, see
docs/operations.md).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

# Room for the multipart envelope and the other fields around a file.
ENVELOPE = 64 * 1024
ANONYMOUS_MAX_BYTES = 64 * 1024


def _mb(size: int) -> str:
    return f"{size / (1 << 20):.1f}".removesuffix(".0") + " MB"


# The import view refuses an over-large workbook by its Content-Length itself, on its own page.
SELF_CHECKED = {"evaluation_import"}


def body_limit(request) -> int | None:
    """The largest body this request may have, in bytes (None: the view checks it first)."""
    if not request.session.get(SESSION_KEY):
        return ANONYMOUS_MAX_BYTES
    try:
        name = resolve(request.path_info).view_name
    except Resolver404:
        return ANONYMOUS_MAX_BYTES
    single_file = {
        "attachment_upload": settings.ATTACHMENT_MAX_BYTES,
        "seasons:task_file_add": settings.ATTACHMENT_MAX_BYTES,
    }
    if name in SELF_CHECKED:
        return None
    if name in single_file:
        return single_file[name] + ENVELOPE
    return settings.UPLOAD_MAX_BYTES


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length:
            limit = body_limit(request)
            if limit is not None and length > limit:
                page = render_to_string("413.html", {"size": _mb(length), "limit": _mb(limit)})
                return HttpResponse(page, status=413)
        return self.get_response(request)
