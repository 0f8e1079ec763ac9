"""The printable minutes and the PDF as an official document: the letterhead of the home
region's government, the attendance counted by who came, and the signature block of the chair
and the minute taker."""

from datetime import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tkpk.choices import RegionLevel
from tkpk.models import Region
from tkpk.services import regions_load
from tkpk.tests.factories import RegionFactory, UserFactory

from ..selectors import document_letterhead, government_name
from ..services import meeting_minutes_update
from ..services.documents import minutes_pdf_html
from .factories import AttendanceFactory, MeetingFactory

pytestmark = pytest.mark.django_db

OFFICE = "Sekretariat Tim Koordinasi Penanggulangan Kemiskinan Daerah"
ADDRESS = "Jl. Basuki Rahmat No. 1, Amuntai"


@pytest.fixture
def office(settings):
    settings.TKPK_OFFICE_NAME = OFFICE
    settings.TKPK_OFFICE_ADDRESS = ADDRESS
    return settings


def held_on_8_december_2025(**kwargs):
    starts_at = datetime(2025, 12, 8, 9, 0, tzinfo=timezone.get_current_timezone())
    return MeetingFactory(starts_at=starts_at, **kwargs)


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


@pytest.mark.parametrize(
    ("code", "name", "level", "government"),
    [
        ("63.08", "Kabupaten Hulu Sungai Utara", 2, "PEMERINTAH KABUPATEN HULU SUNGAI UTARA"),
        ("63.08", "KAB. HULU SUNGAI UTARA", 2, "PEMERINTAH KABUPATEN HULU SUNGAI UTARA"),
        ("63.08", "Hulu Sungai Utara", 2, "PEMERINTAH KABUPATEN HULU SUNGAI UTARA"),
        ("63.71", "KOTA BANJARMASIN", 2, "PEMERINTAH KOTA BANJARMASIN"),
        ("63.72", "Banjarbaru", 2, "PEMERINTAH KOTA BANJARBARU"),
        ("63.02", "KOTABARU", 2, "PEMERINTAH KABUPATEN KOTABARU"),
        (
            "31.71",
            "Kota Administrasi Jakarta Pusat",
            2,
            "PEMERINTAH KOTA ADMINISTRASI JAKARTA PUSAT",
        ),
        ("63", "Kalimantan Selatan", 1, "PEMERINTAH PROVINSI KALIMANTAN SELATAN"),
        ("63", "PROVINSI KALIMANTAN SELATAN", 1, "PEMERINTAH PROVINSI KALIMANTAN SELATAN"),
    ],
)
def test_the_government_is_named_in_capitals_with_its_kind(code, name, level, government):
    assert government_name(Region(code=code, name=name, level=level)) == government


def test_the_letterhead_names_the_kabupaten_of_the_loaded_region_data(office):
    office.HOME_REGION_CODE = "63.08"
    regions_load(within="63.08")
    assert document_letterhead().government == "PEMERINTAH KABUPATEN HULU SUNGAI UTARA"


def test_the_letterhead_names_a_kota_of_the_loaded_region_data(office):
    office.HOME_REGION_CODE = "63.71"
    regions_load(within="63.71")
    assert document_letterhead().government == "PEMERINTAH KOTA BANJARMASIN"


def test_a_province_tkpk_has_the_province_government_on_its_letterhead(office):
    office.HOME_REGION_CODE = "63"
    RegionFactory(code="63", name="Kalimantan Selatan", level=RegionLevel.PROVINCE)
    assert document_letterhead().government == "PEMERINTAH PROVINSI KALIMANTAN SELATAN"


def test_without_region_data_the_letterhead_falls_back_to_the_site_name(office):
    office.SITE_NAME = "TKPK Kabupaten Hulu Sungai Utara"
    letterhead = document_letterhead()
    assert letterhead.government == "TKPK KABUPATEN HULU SUNGAI UTARA"
    assert letterhead.office == OFFICE.upper()
    assert letterhead.address == ADDRESS


def test_an_empty_office_address_leaves_out_the_address_line(office, cast):
    office.TKPK_OFFICE_ADDRESS = ""
    html = minutes_pdf_html(user=cast.secretariat, meeting=MeetingFactory())
    assert OFFICE.upper() in html
    assert 'class="letterhead-address"' not in html
    office.TKPK_OFFICE_ADDRESS = ADDRESS
    html = minutes_pdf_html(user=cast.secretariat, meeting=MeetingFactory())
    assert f'<div class="letterhead-address">{ADDRESS}</div>' in html


def test_the_minute_taker_is_who_last_wrote_the_minutes(cast):
    meeting = MeetingFactory()
    writer = UserFactory(username="notulis1", first_name="", last_name="")
    meeting_minutes_update(user=writer, meeting=meeting, minutes="Draf")
    assert (meeting.minutes_by, meeting.minutes_author_name) == (writer, "notulis1")

    cast.secretariat.first_name, cast.secretariat.last_name = "Siti", "Rahmah"
    cast.secretariat.save()
    meeting_minutes_update(user=cast.secretariat, meeting=meeting, minutes="Notulen akhir")
    assert meeting.minutes_author_name == "Siti Rahmah"
    # Recording that the meeting took place does not make the admin its minute taker.
    meeting_minutes_update(
        user=cast.admin, meeting=meeting, minutes="Notulen akhir", mark_held=True
    )
    meeting.refresh_from_db()
    assert meeting.minutes_by == cast.secretariat
    meeting_minutes_update(user=cast.admin, meeting=meeting, minutes="")
    assert meeting.minutes_by is None


def minuted_meeting(cast):
    """A held meeting with a chair, minutes written by Siti Rahmah, 5 present and 1 absent."""
    meeting = held_on_8_december_2025(chair="H. Husairi Abdi")
    cast.secretariat.first_name, cast.secretariat.last_name = "Siti", "Rahmah"
    cast.secretariat.save()
    meeting_minutes_update(user=cast.secretariat, meeting=meeting, minutes="Isi notulen")
    for _ in range(5):
        AttendanceFactory(meeting=meeting)
    AttendanceFactory(meeting=meeting, present=False)
    return meeting


def test_the_pdf_has_the_letterhead_the_count_of_who_came_and_the_signature_block(
    client, cast, office
):
    office.HOME_REGION_CODE = "63.08"
    regions_load(within="63.08")
    meeting = minuted_meeting(cast)
    client.force_login(cast.bappeda)
    text = pdf_text(client.get(reverse("meetings:minutes_pdf", args=[meeting.pk])))
    for expected in (
        "PEMERINTAH KABUPATEN HULU SUNGAI UTARA",
        OFFICE.upper(),
        ADDRESS,
        "5 hadir, 1 tidak hadir",
        "8 Desember 2025",
        "Pimpinan Rapat,",
        "H. Husairi Abdi",
        "Notulis,",
        "Siti Rahmah",
    ):
        assert expected in text


def test_the_printable_minutes_have_the_letterhead_and_the_signature_block(client, cast, office):
    office.SITE_NAME = "TKPK HSU"
    meeting = minuted_meeting(cast)
    client.force_login(cast.bappeda)
    response = client.get(reverse("meetings:minutes_print", args=[meeting.pk]))
    body = response.content.decode()
    letterhead = body.split('data-testid="letterhead"')[1].split("</div>\n</div>")[0]
    assert "TKPK HSU" in letterhead and OFFICE.upper() in letterhead and ADDRESS in letterhead
    signatures = body.split('data-testid="signatures"')[1].split("</table>")[0]
    for expected in ("8 Desember 2025", "Pimpinan Rapat,", "H. Husairi Abdi", "Notulis,"):
        assert expected in signatures
    assert "Siti Rahmah" in signatures
    assert "5 hadir, 1 tidak hadir" in body


def test_a_signature_without_a_name_leaves_a_line_to_write_it_on(cast):
    meeting = MeetingFactory(chair="")
    html = minutes_pdf_html(user=cast.secretariat, meeting=meeting)
    signatures = html.split('data-testid="signatures"')[1].split("</table>")[0]
    assert signatures.count("(.......") == 2
