"""Serving a stored or generated file back to the browser, safely.

Files users upload (attachments, imported workbooks) must never be rendered by the browser as a
page of this site: an uploaded .html or .svg would run its script with the user's session. So
every such download is an attachment, the browser may not sniff another type, and HTML-like
types are served as opaque bytes. The generated PDF and workbook go through here too.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import PurePath

from django.http import FileResponse

OPAQUE = "application/octet-stream"
# Types a browser would render as a document able to run script (or style another document).
ACTIVE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
        "application/ecmascript",
        "text/css",
        "application/x-shockwave-flash",
        "text/xsl",
        "application/xslt+xml",
        "multipart/x-mixed-replace",
    }
)
ACTIVE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".js"})


def safe_content_type(content_type: str | None, filename: str) -> str:
    """The type to send: the given one, unless it (or the file name) is one a browser would run."""
    base = (content_type or "").split(";", 1)[0].strip().lower()
    if not base or "/" not in base or base in ACTIVE_TYPES or base.endswith("+xml"):
        return OPAQUE
    if PurePath(filename).suffix.lower() in ACTIVE_SUFFIXES:
        return OPAQUE
    return base


def attachment_response(fileobj, filename: str, content_type: str | None) -> FileResponse:
    """A download of `fileobj` (bytes or a file-like object) named `filename` (any language)."""
    if isinstance(fileobj, bytes | bytearray):
        fileobj = BytesIO(fileobj)
    response = FileResponse(
        fileobj,
        as_attachment=True,
        filename=filename,
        content_type=safe_content_type(content_type, filename),
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even opened directly, the bytes get no script, no styles, no plugins, no same-origin rights.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
