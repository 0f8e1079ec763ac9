"""What a service hands to a view to send as a download: the open file, its name for the user
and its type. The service has checked access and written the audit event before it opens it."""

from dataclasses import dataclass
from typing import BinaryIO


@dataclass(frozen=True)
class Download:
    handle: BinaryIO
    name: str
    content_type: str = ""


class DownloadGone(Exception):
    """The file was there once and is no more (deleted by retention, lost from storage); the
    message, in the user's language, says why."""
