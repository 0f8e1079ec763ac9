"""A request body larger than its page accepts is refused with 413 before it is read: the view
does not run and nothing is spooled to disk. The upload pages accept their own, larger, limit."""

import io

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test import Client, RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import resolve, reverse

from households.models import HouseholdImport
from households.tests.helpers import csv_bytes, family_rows
from tkpk.choices import AuditAction
from tkpk.middleware import RequestBodyTooLarge, RequestSizeUploadHandler, request_limit
from tkpk.models import AuditEvent

MEGABYTE = 1024 * 1024


class UnreadableInput:
    """A WSGI input that fails the test if anything reads the body."""

    def read(self, *args):
        raise AssertionError("the request body was read")

    readline = read


def post_unread(client, path, length):
    """A multipart POST that announces `length` bytes and fails if any of them is read."""
    return client.generic(
        "POST",
        path,
        CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableInput()},
    )


def test_an_import_above_its_limit_is_refused_unread_and_the_view_does_not_run(client, cast):
    client.force_login(cast.secretariat)
    limit = django_settings.HOUSEHOLD_IMPORT_MAX_BYTES + MEGABYTE
    response = post_unread(client, reverse("households:import"), limit + 1)
    assert response.status_code == 413
    assert "413.html" in [template.name for template in response.templates]
    assert not HouseholdImport.objects.exists()


def test_a_body_above_the_default_limit_is_refused_before_the_csrf_check_reads_it(cast, settings):
    settings.REQUEST_MAX_BYTES = 4096
    client = Client(enforce_csrf_checks=True)
    response = post_unread(client, reverse("login"), 4097)
    assert response.status_code == 413


def test_a_body_under_the_limit_is_served(client, cast, settings):
    settings.REQUEST_MAX_BYTES = 4096
    response = client.post(reverse("login"), {"username": "officer_a", "password": "salah"})
    assert response.status_code == 200
    assert int(response.wsgi_request.META["CONTENT_LENGTH"]) < 4096


def test_the_import_accepts_a_file_above_the_default_limit_but_under_its_own(
    client, cast, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.REQUEST_MAX_BYTES = 4096
    client.force_login(cast.secretariat)
    upload = io.BytesIO(csv_bytes(family_rows() * 40, delimiter=";"))
    upload.name = "keluarga.csv"
    assert len(upload.getvalue()) > 4 * 4096
    response = client.post(reverse("households:import"), {"file": upload, "source": "dtks"})
    record = HouseholdImport.objects.get()
    assert response.url == reverse("households:import_detail", args=[record.pk])


@pytest.mark.parametrize(
    ("url", "setting"),
    [
        (("households:import", []), "HOUSEHOLD_IMPORT_MAX_BYTES"),
        (("meetings:attachment_add", [1]), "MEETINGS_MAX_UPLOAD_BYTES"),
        (("meetings:progress_add", [1]), "MEETINGS_MAX_UPLOAD_BYTES"),
    ],
)
def test_the_upload_pages_accept_their_file_limit_and_a_megabyte_of_form(url, setting):
    name, args = url
    view = resolve(reverse(name, args=args)).func
    assert request_limit(view) == getattr(django_settings, setting) + MEGABYTE


def test_other_pages_accept_the_default_limit(settings):
    settings.REQUEST_MAX_BYTES = 4096
    assert request_limit(resolve(reverse("login")).func) == 4096


# --- A body whose length is not announced ---------------------------------------------------


def test_the_upload_handler_stops_reading_once_the_files_pass_the_limit():
    limit = 100_000
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("big.pdf", b"x" * (10 * limit))})
    stream = io.BytesIO(body)
    request = RequestFactory().post("/")
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    handlers = [RequestSizeUploadHandler(request, limit), MemoryFileUploadHandler(request)]
    with pytest.raises(RequestBodyTooLarge):
        MultiPartParser(meta, stream, handlers).parse()
    assert request.request_size_refused
    assert stream.tell() < 2 * limit


def test_a_body_refused_while_it_arrives_gets_413_and_the_view_does_not_run(
    client, cast, settings, monkeypatch
):
    """As if the server passed on a body without announcing its length (chunked)."""
    monkeypatch.setattr("tkpk.middleware._content_length", lambda request: None)
    settings.REQUEST_MAX_BYTES = 4096
    response = client.post(
        reverse("login"),
        {
            "username": "officer_a",
            "password": "salah",
            "file": SimpleUploadedFile("big.pdf", b"x" * 20_000),
        },
    )
    assert response.status_code == 413
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).exists()
    assert "form" not in (response.context or {})
