"""Uploads are checked by their content, not their name: allowed types pass, everything else
(a program renamed .pdf, a bare ZIP named .docx, an empty file, a file over the limit) is
refused with a message the user can read."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ..files import check_upload, download_name


def _png() -> bytes:
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _zip(names) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


PNG = _png()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
DOCX = _zip(["[Content_Types].xml", "_rels/.rels", "word/document.xml"])
XLSX = _zip(["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/s1.xml"])
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
OLD_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content", "extension", "mime"),
    [
        ("notulen.pdf", PDF, "pdf", "application/pdf"),
        ("foto.JPG", JPEG, "jpg", "image/jpeg"),
        ("foto-tanpa-ekstensi", PNG, "png", "image/png"),
        ("daftar hadir.docx", DOCX, "docx", "application/vnd.openxmlformats-officedocument"),
        ("rekap.xlsx", XLSX, "xlsx", "application/vnd.openxmlformats-officedocument"),
    ],
)
def test_allowed_files_are_recognised_by_their_content(name, content, extension, mime):
    checked = check_upload(upload(name, content))
    assert checked.extension == extension
    assert checked.content_type.startswith(mime)
    assert checked.size == len(content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("undangan.pdf", EXE),
        ("foto.png", b"<html><script>alert(1)</script></html>"),
        ("notulen.docx", _zip(["readme.txt"])),
        ("notulen.docx", XLSX),
        ("rekap.pdf", XLSX),
        ("notulen.doc", OLD_DOC),
        ("arsip.zip", DOCX),
    ],
    ids=[
        "program-named-pdf",
        "html-named-png",
        "bare-zip-named-docx",
        "spreadsheet-named-docx",
        "spreadsheet-named-pdf",
        "old-binary-word",
        "docx-named-zip",
    ],
)
def test_a_file_of_the_wrong_type_by_content_is_refused(name, content):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, content))
    assert refused.value.code == "type"
    assert "PDF, JPG, PNG, DOCX, XLSX" in refused.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("kosong.pdf", b""))
    assert refused.value.messages == ["Berkas kosong."]


def test_a_file_over_the_limit_is_refused_with_both_sizes(settings):
    settings.MEETINGS_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("besar.pdf", PDF + b"0" * 2000))
    assert refused.value.code == "too_big"
    assert "1,0" in refused.value.messages[0]


def test_the_default_limit_is_ten_megabytes():
    big = PDF + b"0" * (10 * 1024 * 1024)
    with pytest.raises(ValidationError):
        check_upload(upload("besar.pdf", big))
    check_upload(upload("pas.pdf", PDF + b"0" * (10 * 1024 * 1024 - len(PDF))))


def test_the_download_name_carries_the_real_extension():
    assert download_name("foto kegiatan.exe", "png") == "foto kegiatan.png"
    assert download_name("", "pdf") == "berkas.pdf"
