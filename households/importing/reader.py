"""Reading family files: CSV (any of four delimiters, three encodings) or XLSX, streamed.

Nothing here loads a whole file into memory: CSV is decoded and split as it is read, XLSX is read
with openpyxl's read-only mode after a check that the archive is not a zip bomb.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

DELIMITERS = [",", ";", "|", "\t"]
SAMPLE_BYTES = 64 * 1024
# What file type detection reads: filetype needs the first 261 bytes; a text file has no NUL.
HEAD_BYTES = 8192


class FileProblem(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class TableFile:
    """An opened family file: its header and a stream of rows (lists of cell values)."""

    file_format: str
    header: list[str]
    rows: Iterator[list]
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    estimated_rows: int | None = None
    raw: object = None  # the binary file, for the parallel CSV path
    size: int = 0
    header_end: int = 0  # byte offset where the first data line starts
    _close: object = None

    def close(self):
        if callable(self._close):
            self._close()


def detect_format(name: str, head: bytes) -> str:
    """'xlsx' for a zip container (by content, whatever the extension), else 'csv'. Anything
    that is by its content neither (an image, a PDF, a program, an old .xls) is refused before
    any parsing, with what it looks like."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(
            _("This is an old Excel 97-2003 (.xls) file. Save it as .xlsx or CSV and upload again.")
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem(
            _(
                "This is a UTF-16 text file (Excel’s “Unicode Text”). Save it as CSV UTF-8 "
                "and upload again."
            )
        )
    kind = filetype.guess(head)
    if kind is not None or b"\x00" in head:
        raise FileProblem(
            _(
                "This is not a CSV or XLSX file (it looks like %(kind)s). Export the data from "
                "the spreadsheet as CSV or XLSX and upload that file."
            )
            % {"kind": f"{kind.mime} (.{kind.extension})" if kind else _("a binary file")}
        )
    return "csv"


def open_table(fileobj, *, name: str, sheet: str = "") -> TableFile:
    """Open a binary file object as a TableFile; raises FileProblem with a readable message."""
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    if size == 0:
        raise FileProblem(_("The file is empty."))
    limit = settings.HOUSEHOLD_IMPORT_MAX_BYTES
    if size > limit:
        raise FileProblem(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": size // (1024 * 1024), "limit": limit // (1024 * 1024)}
        )
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    if detect_format(name, head) == "xlsx":
        return _open_xlsx(fileobj, sheet=sheet)
    return _open_csv(fileobj, size=size)


def _guess_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the end of the sample is still UTF-8.
        if exc.start >= len(sample) - 3:
            return "utf-8"
        return "cp1252"


def _open_csv(fileobj, *, size: int) -> TableFile:
    sample = fileobj.read(SAMPLE_BYTES)
    fileobj.seek(0)
    header_end = len(fileobj.readline())
    lines = _count_lines(fileobj, size)
    fileobj.seek(0)
    encoding = _guess_encoding(sample)
    text = io.TextIOWrapper(fileobj, encoding=encoding, newline="")
    try:
        first_line = text.readline()
    except UnicodeDecodeError:
        raise FileProblem(
            _("The file's characters cannot be read. Save it as UTF-8 CSV.")
        ) from None
    if not first_line.strip():
        raise FileProblem(_("The first line of the file is empty: it must hold the column names."))
    delimiter = max(DELIMITERS, key=first_line.count)
    if first_line.count(delimiter) == 0:
        raise FileProblem(
            _("No column separator found in the first line. Use a comma, semicolon, pipe or tab.")
        )
    header = next(csv.reader([first_line], delimiter=delimiter))
    reader = csv.reader(text, delimiter=delimiter)

    def rows():
        try:
            yield from reader
        except UnicodeDecodeError:
            raise FileProblem(
                _("Part of the file is not in the same character encoding. Save it as UTF-8 CSV.")
            ) from None
        except csv.Error as exc:
            raise FileProblem(
                _("The CSV file is damaged near line %(line)s: %(error)s")
                % {"line": reader.line_num, "error": exc}
            ) from None

    return TableFile(
        file_format="csv",
        header=[h.strip() for h in header],
        rows=rows(),
        encoding=encoding,
        delimiter=delimiter,
        estimated_rows=max(lines - 1, 0),
        raw=fileobj,
        size=size,
        header_end=header_end,
        _close=text.detach,
    )


def _count_lines(fileobj, size: int) -> int:
    """Lines in the file (a few hundred MB a second), for an honest progress total."""
    position = fileobj.tell()
    fileobj.seek(0)
    lines = 0
    last = b"\n"
    while chunk := fileobj.read(1 << 20):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    fileobj.seek(position)
    return lines + (0 if last == b"\n" else 1)


def _check_zip(fileobj) -> None:
    """Refuse a corrupt archive and a zip bomb before openpyxl inflates anything."""
    try:
        archive = zipfile.ZipFile(fileobj)
    except zipfile.BadZipFile:
        raise FileProblem(_("The Excel file is damaged and cannot be opened.")) from None
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 10 * 1024 * 1024 and ratio > settings.HOUSEHOLD_IMPORT_MAX_ZIP_RATIO:
            raise FileProblem(
                _("The Excel file is suspicious (it expands far too much) and was refused.")
            )
    if total > settings.HOUSEHOLD_IMPORT_MAX_UNZIPPED_BYTES:
        raise FileProblem(_("The Excel file is too large once unpacked. Split it or use CSV."))
    if "xl/workbook.xml" not in archive.namelist():
        raise FileProblem(_("This file is not an Excel workbook (.xlsx)."))
    fileobj.seek(0)


def _open_xlsx(fileobj, *, sheet: str) -> TableFile:
    import openpyxl

    _check_zip(fileobj)
    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        raise FileProblem(_("The Excel file is damaged and cannot be opened.")) from None
    names = workbook.sheetnames
    if sheet and sheet not in names:
        workbook.close()
        raise FileProblem(
            _("The workbook has no sheet named %(sheet)s. Its sheets: %(names)s.")
            % {"sheet": sheet, "names": ", ".join(names)}
        )
    worksheet = workbook[sheet or names[0]]
    iterator = worksheet.iter_rows(values_only=True)
    try:
        header = next(iterator)
    except StopIteration:
        workbook.close()
        raise FileProblem(_("The sheet %(sheet)s is empty.") % {"sheet": worksheet.title}) from None
    except Exception:
        workbook.close()
        raise FileProblem(_("The Excel file is damaged and cannot be opened.")) from None
    header = ["" if h is None else str(h).strip() for h in header]

    def rows():
        try:
            for row in iterator:
                yield list(row)
        except Exception:
            raise FileProblem(
                _("The Excel file is damaged and cannot be read to the end.")
            ) from None

    return TableFile(
        file_format="xlsx",
        header=header,
        rows=rows(),
        sheet=worksheet.title,
        sheets=names,
        estimated_rows=(worksheet.max_row - 1) if worksheet.max_row else None,
        _close=workbook.close,
    )


_HEADER_CLEAN = re.compile(r"[^a-z0-9]+")


def normalise_header(name: str) -> str:
    return _HEADER_CLEAN.sub("_", name.strip().lower()).strip("_")
