"""Checking uploaded files by their content, not by their name.

Allowed: PDF, JPEG and PNG, recognised from their magic bytes (filetype); Word (.docx) and Excel
(.xlsx) documents, which are ZIP archives: for those both the ZIP signature and the extension
must match, and the archive must hold the Office Open XML parts of that kind
(`[Content_Types].xml` and `word/` or `xl/`). Anything else, an empty file or a file over
MEETINGS_MAX_UPLOAD_BYTES (default 10 MB) is refused with a message in the user's language.
Old binary Office files (.doc, .xls) are refused: they carry macros and are rarely needed.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# detected extension -> MIME type sent back on download
SIMPLE_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
}
OFFICE_TYPES = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/"),
}
ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class CheckedFile:
    """What the content check found: the extension to store under and the MIME type."""

    extension: str
    content_type: str
    size: int

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def max_upload_bytes() -> int:
    return settings.MEETINGS_MAX_UPLOAD_BYTES


def allowed_types_label() -> str:
    return "PDF, JPG, PNG, DOCX, XLSX"


def check_upload(upload) -> CheckedFile:
    """Check an uploaded file; return its real type or raise ValidationError."""
    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise ValidationError(_("The file is empty."), code="empty")
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_big",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    guessed = filetype.guess(head)
    if guessed is not None and guessed.extension in SIMPLE_TYPES:
        return CheckedFile(guessed.extension, SIMPLE_TYPES[guessed.extension], size)
    extension = PurePath(getattr(upload, "name", "") or "").suffix.lower().lstrip(".")
    if head.startswith(ZIP_SIGNATURE) and extension in OFFICE_TYPES:
        mime, part = OFFICE_TYPES[extension]
        if _is_office_document(upload, part):
            return CheckedFile(extension, mime, size)
    raise ValidationError(
        _("This file type is not allowed. Allowed: %(types)s (checked by the file's content).")
        % {"types": allowed_types_label()},
        code="type",
    )


def _is_office_document(upload, part: str) -> bool:
    """True when the ZIP holds the content-types part and the parts of this Office kind. Only
    the directory is read; nothing is extracted."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(name.startswith(part) for name in names)


def download_name(original_name: str, extension: str) -> str:
    """The original file name with the extension of its real type."""
    stem = PurePath(original_name or "berkas").stem or "berkas"
    return f"{stem}.{extension}"
