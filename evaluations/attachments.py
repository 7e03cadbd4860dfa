"""What a file attached to a form really is, judged by its content, and a safe name for it.

Plain Python (no Django): `inspect` reads the file's first bytes (and, for a zip, its
[Content_Types].xml) and answers the allowed type, or AttachmentRefused with a Chinese message.
The name a browser sends is never trusted: `clean_name` keeps only its last path part, drops
control characters, caps the length and gives it the extension of the detected type.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    extension: str
    content_type: str


PDF = FileType("pdf", "PDF", "pdf", "application/pdf")
JPEG = FileType("jpeg", "JPG", "jpg", "image/jpeg")
PNG = FileType("png", "PNG", "png", "image/png")
XLSX = FileType(
    "xlsx",
    "Excel（.xlsx）",
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
DOCX = FileType(
    "docx",
    "Word（.docx）",
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
ALL_TYPES = (PDF, JPEG, PNG, XLSX, DOCX)
SCAN_TYPES = (PDF, JPEG, PNG)

# The OOXML main part each type must declare in [Content_Types].xml, and where it lives. A macro
# workbook (.xlsm) or template declares another content type and is refused.
_OOXML_MAIN = {
    XLSX: (b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/"),
    DOCX: (
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "word/",
    ),
}
_CONTENT_TYPES_LIMIT = 1 << 20  # a [Content_Types].xml is a few KB; never inflate more than 1 MB

NAME_LIMIT = 100
EMPTY = "文件为空，请选择有内容的文件。"
TOO_LARGE = "“{name}”超过 {limit} 的上限，请压缩或分成几个文件后再上传。"
NOT_ALLOWED = "“{name}”的类型不允许：只能上传{allowed}文件（按文件内容判断，不看扩展名）。"


class AttachmentRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Inspected:
    type: FileType
    name: str
    size: int
    sha256: str


def format_size(size: int) -> str:
    """20971520 → "20 MB", 1536 → "1.5 KB" (the way the limit is told to users)."""
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} 字节"


def _ooxml_type(stream: BinaryIO) -> FileType | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return None
            with archive.open("[Content_Types].xml") as part:
                declared = part.read(_CONTENT_TYPES_LIMIT)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return None
    for file_type, (main, folder) in _OOXML_MAIN.items():
        if main in declared and any(n.startswith(folder) for n in names):
            return file_type
    return None


def detect(stream: BinaryIO) -> FileType | None:
    """The allowed type the content is, or None. Leaves the stream at its start."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    found = None
    if head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head == b"\x89PNG\r\n\x1a\n":
        found = PNG
    elif head.startswith(b"PK\x03\x04"):
        found = _ooxml_type(stream)
    stream.seek(0)
    return found


def _sanitise(name: str) -> str:
    """No path parts, no control or format characters, no runs of blanks, no leading dots."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    return " ".join(name.split()).strip(" .")


def clean_name(name: str, file_type: FileType) -> str:
    """The uploaded name made safe to show and to offer as a download name, ending in the
    extension of what the file really is."""
    name = _sanitise(name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem.strip(" .") or "附件"
    suffix = f".{file_type.extension}"
    return stem[: NAME_LIMIT - len(suffix)] + suffix


def _sha256(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def inspect(
    stream: BinaryIO,
    *,
    name: str,
    size: int,
    max_size: int,
    allowed: tuple[FileType, ...] = ALL_TYPES,
) -> Inspected:
    """Check an uploaded file: not empty, not over `max_size` bytes, of an allowed type by its
    content. Answers its type, safe name, size and SHA-256, or raises AttachmentRefused."""
    shown = _sanitise(name)[:NAME_LIMIT] or "文件"
    if size <= 0:
        raise AttachmentRefused(EMPTY)
    if size > max_size:
        raise AttachmentRefused(TOO_LARGE.format(name=shown, limit=format_size(max_size)))
    file_type = detect(stream)
    if file_type is None or file_type not in allowed:
        labels = "、".join(t.label for t in allowed)
        raise AttachmentRefused(NOT_ALLOWED.format(name=shown, allowed=labels))
    return Inspected(
        type=file_type, name=clean_name(name, file_type), size=size, sha256=_sha256(stream)
    )
