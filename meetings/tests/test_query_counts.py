"""A meeting's page and an action's page take the same number of queries whatever the number
of invitations, attendance rows, attachments, actions and progress reports."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from meetings.models import Attachment
from meetings.tests.factories import (
    ActionFactory,
    AttendanceFactory,
    MeetingFactory,
    ProgressUpdateFactory,
)
from tkpk.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

ROWS = pytest.mark.parametrize("rows", [2, 20])


@ROWS
def test_the_meeting_detail_takes_a_fixed_number_of_queries(
    client, cast, rows, django_assert_num_queries
):
    agencies = AgencyFactory.create_batch(rows)
    meeting = MeetingFactory(invited=agencies)
    for agency in agencies:
        AttendanceFactory(meeting=meeting, agency=agency, name=f"Peserta {agency.short_name}")
        ActionFactory(meeting=meeting, responsible_agency=agency)
        Attachment.objects.create(
            meeting=meeting,
            kind="photo",
            file=ContentFile(b"%PDF-1.4", name="foto.pdf"),
            original_name=f"foto {agency.short_name}.pdf",
            content_type="application/pdf",
            size=8,
            uploaded_by=cast.secretariat,
        )
    client.force_login(cast.secretariat)
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    client.get(url)  # warms the per-process caches (content types)
    with django_assert_num_queries(14):
        response = client.get(url)
    body = response.content.decode()
    assert body.count("Peserta DU") == rows
    assert len(response.context["actions"]) == rows


@ROWS
def test_the_action_detail_takes_a_fixed_number_of_queries(
    client, cast, rows, django_assert_num_queries
):
    action = ActionFactory(responsible_agency=cast.agency_a)
    for n in range(rows):
        ProgressUpdateFactory(action=action, text=f"Laporan nomor {n}", created_by=cast.officer_a)
    client.force_login(cast.secretariat)
    url = reverse("meetings:action_detail", args=[action.pk])
    client.get(url)  # warms the per-process caches (content types)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.content.decode().count("Laporan nomor") == rows
