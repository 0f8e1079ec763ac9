"""Pages of the registry, each with the wrong-user case."""

import io

import pytest
from django.urls import reverse

from households.models import Household, HouseholdImport, Person
from households.tests.factories import HouseholdFactory, PersonFactory
from households.tests.helpers import csv_bytes, family_rows
from tkpk.models import AuditEvent, Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(hsu):
    household = HouseholdFactory(kk_number="6308010101200001")
    PersonFactory(household=household, nik="6308010203850001", name="Budi Contoh")
    PersonFactory(
        household=household, nik="6308014504870002", name="Siti Contoh", sex="P", relation=3
    )
    return household


@pytest.mark.parametrize(
    ("member", "status"),
    [
        ("admin", 200),
        ("secretariat", 200),
        ("officer_a", 200),
        ("bappeda", 403),
        ("outsider", 403),
    ],
)
def test_who_may_open_the_personal_list(client, cast, family, member, status):
    client.force_login(getattr(cast, member))
    assert client.get(reverse("households:household_list")).status_code == status
    detail = client.get(reverse("households:household_detail", args=[family.pk]))
    assert detail.status_code == status


def test_the_list_takes_a_fixed_number_of_queries_and_no_full_count(
    client, cast, hsu, django_assert_num_queries
):
    for n in range(30):
        household = HouseholdFactory()
        PersonFactory(household=household, nik=f"63080101038{n + 1:05d}")
    client.force_login(cast.secretariat)
    url = reverse("households:household_list")
    with django_assert_num_queries(6) as captured:
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert len(response.context["households"]) == 30
    assert not any(
        "COUNT(*)" in q["sql"] and "LIMIT" not in q["sql"]
        for q in captured.captured_queries
        if "households_household" in q["sql"] and "GROUP BY" not in q["sql"]
    )


def test_search_finds_a_family_by_nik_kk_or_name(client, cast, family):
    HouseholdFactory(kk_number="6308010101200099")
    client.force_login(cast.secretariat)
    url = reverse("households:household_list")
    for query in ("6308014504870002", "6308010101200001", "siti con", "630801450"):
        households = client.get(url, {"q": query}).context["households"]
        assert [h.pk for h in households] == [family.pk], query


def test_the_nik_is_masked_and_revealing_it_is_audited(client, cast, family):
    client.force_login(cast.secretariat)
    page = client.get(reverse("households:household_detail", args=[family.pk])).content.decode()
    assert "6308010203850001" not in page
    assert "6308**********01" in page
    person = Person.objects.get(nik="6308010203850001")
    response = client.post(reverse("households:nik_reveal", args=[person.pk]))
    assert "6308010203850001" in response.content.decode()
    event = AuditEvent.objects.get(action="view_nik")
    assert (event.actor, event.object_id) == (cast.secretariat, str(person.pk))


def test_an_operator_sees_masked_niks_and_cannot_reveal_them(client, cast, family):
    client.force_login(cast.officer_a)
    page = client.get(reverse("households:household_detail", args=[family.pk])).content.decode()
    assert "nik-reveal" not in page
    person = Person.objects.get(nik="6308010203850001")
    assert client.post(reverse("households:nik_reveal", args=[person.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action="view_nik").exists()


@pytest.mark.parametrize("member", ["officer_a", "bappeda", "outsider"])
def test_only_the_secretariat_and_admin_correct_a_family(client, cast, family, member):
    client.force_login(getattr(cast, member))
    assert client.get(reverse("households:household_edit", args=[family.pk])).status_code == 403
    assert client.get(reverse("households:household_add")).status_code == 403
    assert client.get(reverse("households:import")).status_code == 403


def _edit_data(household, **member_changes):
    data = {
        "kk_number": household.kk_number,
        "village": household.village_id,
        "address": "Jl. Baru 5",
        "dusun": "",
        "rt": "003",
        "rw": "004",
        "decile": "3",
        "source": "dtks",
        "source_id": "",
        "status": "aktif",
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "2",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for i, person in enumerate(household.members.order_by("pk")):
        data.update(
            {
                f"members-{i}-id": person.pk,
                f"members-{i}-household": household.pk,
                f"members-{i}-nik": person.nik,
                f"members-{i}-name": person.name,
                f"members-{i}-sex": person.sex,
                f"members-{i}-birth_place": "",
                f"members-{i}-birth_date": "",
                f"members-{i}-relation": person.relation,
                f"members-{i}-mother_name": "",
                f"members-{i}-status": person.status,
            }
        )
    data.update(member_changes)
    return data


def test_the_secretariat_corrects_a_family_and_the_change_is_audited(client, cast, family):
    client.force_login(cast.secretariat)
    url = reverse("households:household_edit", args=[family.pk])
    response = client.post(url, _edit_data(family, **{"members-1-name": "Siti Aminah Contoh"}))
    assert response.status_code == 302, response.context and response.context["form"].errors
    family.refresh_from_db()
    assert (family.address, family.decile) == ("Jl. Baru 5", 3)
    assert Person.objects.get(nik="6308014504870002").name == "Siti Aminah Contoh"
    assert AuditEvent.objects.filter(action="update", object_id=str(family.pk)).exists()


def test_a_wrong_nik_in_the_form_gets_an_indonesian_message_and_saves_nothing(client, cast, family):
    client.force_login(cast.secretariat)
    url = reverse("households:household_edit", args=[family.pk])
    response = client.post(url, _edit_data(family, **{"members-1-nik": "6308014504870000"}))
    assert response.status_code == 400
    # The serial-zero message of households.identity, in Indonesian (the wrong NIK itself is
    # echoed back in the field, so "0000" alone proves nothing).
    assert "Nomor urut (digit 13-16) tidak boleh 0000." in response.content.decode()
    assert Person.objects.get(pk=family.members.order_by("pk")[1].pk).nik == "6308014504870002"
    family.refresh_from_db()
    assert family.address != "Jl. Baru 5"


def test_upload_then_dry_run_starts_a_job(
    client, cast, hsu, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.secretariat)
    upload = io.BytesIO(csv_bytes(family_rows(), delimiter=";"))
    upload.name = "keluarga.csv"
    response = client.post(reverse("households:import"), {"file": upload, "source": "dtks"})
    record = HouseholdImport.objects.get()
    assert response.url == reverse("households:import_detail", args=[record.pk])
    assert record.mapping["nik"] == 10
    page = client.get(response.url)
    assert "Budi Contoh" in page.content.decode()
    data = {f"map_{k}": str(v) for k, v in record.mapping.items()}
    with django_capture_on_commit_callbacks(execute=False):
        client.post(response.url, {**data, "action": "dry_run"})
    job = Job.objects.get(kind="households.import")
    assert job.params == {
        "import_id": record.pk,
        "dry_run": True,
        "valid_only": False,
        "accept": [],
    }


def test_uploading_a_bad_file_shows_the_reason_and_stores_nothing(
    client, cast, hsu, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.secretariat)
    upload = io.BytesIO(b"PK\x03\x04garbage")
    upload.name = "rusak.xlsx"
    response = client.post(reverse("households:import"), {"file": upload, "source": "dtks"})
    assert response.status_code == 400
    assert (
        '<div class="invalid-feedback d-block" data-testid="upload-error">'
        "Berkas Excel rusak dan tidak dapat dibuka.</div>"
    ) in response.content.decode()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
    assert not HouseholdImport.objects.exists()


def test_an_upload_is_the_teams_but_no_operators(client, cast, hsu, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.secretariat)
    upload = io.BytesIO(csv_bytes(family_rows()))
    upload.name = "keluarga.csv"
    client.post(reverse("households:import"), {"file": upload, "source": "dtks"})
    record = HouseholdImport.objects.get()
    client.force_login(cast.admin)
    assert client.get(reverse("households:import_detail", args=[record.pk])).status_code == 200
    client.force_login(cast.officer_a)
    assert client.get(reverse("households:import_detail", args=[record.pk])).status_code == 403


def test_a_small_export_downloads_at_once_and_is_audited(client, cast, family):
    client.force_login(cast.secretariat)
    response = client.post(reverse("households:export"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "6308010203850001" in body and body.startswith("No. KK,NIK,Nama,")
    assert AuditEvent.objects.filter(action="export", actor=cast.secretariat).exists()


def test_an_operator_exports_masked_niks(client, cast, family):
    client.force_login(cast.officer_a)
    response = client.post(reverse("households:export"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "6308010203850001" not in body and "6308************" in body


def test_a_big_export_runs_as_a_job(
    client, cast, family, settings, django_capture_on_commit_callbacks
):
    settings.HOUSEHOLD_EXPORT_INLINE_ROWS = 1
    client.force_login(cast.secretariat)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("households:export"), {"format": "xlsx"})
    job = Job.objects.get(kind="households.export")
    assert response.url == reverse("tkpk:job_detail", args=[job.pk])
    assert Household.objects.count() == 1


def test_bappeda_home_is_its_dashboard_with_figures_but_no_names(client, cast, family):
    HouseholdFactory.create_batch(2, decile=4)
    client.force_login(cast.bappeda)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain == [(reverse("indicators:dashboard"), 302)]
    page = response.content.decode()
    assert "Budi Contoh" not in page and "6308010101200001" not in page
    assert reverse("households:household_list") not in page


def test_secretariat_home_offers_the_import(client, cast, hsu):
    client.force_login(cast.secretariat)
    page = client.get(reverse("home")).content.decode()
    assert reverse("households:import") in page


def test_element_ids_stay_plain_numbers_for_big_primary_keys(client, cast, hsu):
    household = HouseholdFactory(pk=123456)
    PersonFactory(pk=1234567, household=household, nik="6308010203850001")
    client.force_login(cast.secretariat)
    page = client.get(reverse("households:household_detail", args=[household.pk])).content
    assert b'id="nik-1234567"' in page and b'hx-target="#nik-1234567"' in page


def test_saving_the_mapping_keeps_the_empty_cells_option_and_a_double_submit_starts_one_job(
    client, cast, hsu, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.secretariat)
    upload = io.BytesIO(csv_bytes(family_rows()))
    upload.name = "keluarga.csv"
    url = client.post(reverse("households:import"), {"file": upload, "source": "dtks"}).url
    record = HouseholdImport.objects.get()
    data = {f"map_{k}": str(v) for k, v in record.mapping.items()}
    client.post(url, {**data, "clear_empty": "on", "action": "save"})
    record.refresh_from_db()
    assert record.clear_empty is True
    with django_capture_on_commit_callbacks(execute=False):
        client.post(url, {**data, "action": "dry_run"})
        second = client.post(url, {**data, "action": "dry_run"}, follow=True)
    assert Job.objects.filter(kind="households.import").count() == 1
    assert "masih berjalan" in second.content.decode()
