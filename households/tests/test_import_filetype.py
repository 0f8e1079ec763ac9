"""An upload that is not a CSV or XLSX file by its content is refused with that message before any
parsing (issue 8): an image or a program used to get "no column separator found"."""

import io

import pytest
from django.urls import reverse

from households.importing.reader import FileProblem, open_table
from households.models import HouseholdImport

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64


@pytest.mark.parametrize(
    ("content", "looks_like"),
    [(PNG, "image/png"), (PDF, "application/pdf"), (EXE, ".exe"), (JPEG, "image/jpeg")],
)
def test_a_file_that_is_no_table_is_named_for_what_it_is(content, looks_like):
    with pytest.raises(FileProblem, match="not a CSV or XLSX") as problem:
        open_table(io.BytesIO(content), name="keluarga.csv")
    assert looks_like in str(problem.value)


def test_a_text_file_with_nul_bytes_or_utf16_is_refused_too():
    with pytest.raises(FileProblem, match="binary"):
        open_table(io.BytesIO(b"nomor_kk;nik\x00\x00;nama\n"), name="data.csv")
    utf16 = "nomor_kk;nomor_nik;nama\n".encode("utf-16")
    with pytest.raises(FileProblem, match="UTF-16"):
        open_table(io.BytesIO(utf16), name="data.csv")


def test_the_upload_page_refuses_an_image_in_indonesian_and_stores_nothing(client, cast, hsu):
    client.force_login(cast.secretariat)
    upload = io.BytesIO(PNG)
    upload.name = "keluarga.csv"
    response = client.post(reverse("households:import"), {"file": upload, "source": "dtks"})
    assert response.status_code == 400
    assert "bukan berkas CSV atau XLSX" in response.content.decode()
    assert not HouseholdImport.objects.exists()
