"""The validation pages: who may open them, the summary's counts, the findings with their filters,
a decision with its reason, and the export per village, masked and audited."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from households.choices import Relation
from households.models import ValidationFinding
from households.tests.factories import HouseholdFactory, PersonFactory
from households.tests.validation import run
from households.validation.runs import KIND
from households.validation.selectors import validation_finding_list
from tkpk.choices import AuditAction, JobStatus
from tkpk.models import AuditEvent, Job, Region

pytestmark = pytest.mark.django_db

SUMMARY = reverse("households:validation_summary")
FINDINGS = reverse("households:validation_findings")
DECIDE = reverse("households:validation_decide")
EXPORT = reverse("households:validation_export")
RUN = reverse("households:validation_run")


@pytest.fixture
def findings(hsu):
    """Two families in two kecamatan, each with a NIK whose serial is 0000, and one family
    without a decile; validated once."""
    village = Region.objects.get(code="63.08.01.2003")
    other = Region.objects.filter(level=4, code__startswith="63.08.02.").first()
    first = PersonFactory(
        nik="6308010103850000",
        name="Budi Contoh",
        birth_date=dt.date(1985, 3, 1),
        household=HouseholdFactory(kk_number="6308010101200001", village=village),
    )
    second = PersonFactory(
        nik="6308020203850000",
        name="Eko Fiktif",
        birth_date=dt.date(1985, 3, 2),
        household=HouseholdFactory(kk_number="6308020101200002", village=other),
    )
    PersonFactory(
        nik="6308010303850001",
        name="Hasan Sampel",
        birth_date=dt.date(1985, 3, 3),
        household=HouseholdFactory(kk_number="6308010101200003", village=village, decile=None),
    )
    run()
    return {"first": first, "second": second, "village": village, "other": other}


def serial_finding(person):
    return ValidationFinding.objects.get(rule="nik_serial_zero", person=person)


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", SUMMARY), ("get", FINDINGS), ("get", DECIDE), ("post", EXPORT), ("post", RUN)],
)
def test_only_admin_and_the_secretariat_reach_the_validation_pages(client, cast, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/akun/masuk/" in response.url
    for user in (cast.officer_a, cast.bappeda, cast.outsider):
        client.force_login(user)
        assert getattr(client, method)(url).status_code == 403, user
    for user in (cast.secretariat, cast.admin):
        client.force_login(user)
        assert getattr(client, method)(url).status_code in (200, 302), user


def test_the_menu_offers_the_validation_to_the_secretariat_only(client, cast, hsu):
    client.force_login(cast.secretariat)
    assert 'data-testid="nav-validation"' in client.get(reverse("home")).content.decode()
    client.force_login(cast.officer_a)
    assert 'data-testid="nav-validation"' not in client.get(reverse("home")).content.decode()


def test_the_summary_counts_by_rule_and_by_kecamatan_and_desa(client, cast, findings):
    client.force_login(cast.secretariat)
    response = client.get(SUMMARY)
    rows = {row["code"]: row for row in response.context["rules"]}
    assert rows["nik_serial_zero"]["open"] == 2
    assert rows["decile_missing"]["open"] == 1
    assert rows["nik_serial_zero"]["change"] is None  # no run before the first
    districts = {row["region"].code: row for row in response.context["areas"]["districts"]}
    assert districts["63.08.01"]["error"] == 1 and districts["63.08.01"]["warning"] == 1
    assert districts["63.08.02"]["total"] == 1
    body = response.content.decode()
    assert 'data-testid="open-nik_serial_zero">2<' in body

    district = findings["village"].parent
    response = client.get(SUMMARY, {"kecamatan": district.pk})
    villages = {row["region"].code: row for row in response.context["areas"]["villages"]}
    assert villages[findings["village"].code]["total"] == 2


def test_the_summary_shows_the_change_since_the_previous_run(client, cast, findings):
    PersonFactory(nik="6308010403850000", name="Ilham", birth_date=dt.date(1985, 3, 4))
    from households.models import Person

    Person.objects.filter(pk=findings["first"].pk).update(nik="6308010103850001")
    Person.objects.filter(pk=findings["second"].pk).update(nik="6308020203850001")
    run()
    client.force_login(cast.secretariat)
    rows = {row["code"]: row for row in client.get(SUMMARY).context["rules"]}
    assert (rows["nik_serial_zero"]["open"], rows["nik_serial_zero"]["change"]) == (1, -1)
    assert (rows["nik_serial_zero"]["new"], rows["nik_serial_zero"]["closed"]) == (1, 2)


def test_the_summary_shows_the_run_going_on(client, cast, findings):
    going = Job.objects.create(
        kind=KIND, status=JobStatus.RUNNING, progress_done=3, heartbeat_at=timezone.now()
    )
    client.force_login(cast.secretariat)
    response = client.get(SUMMARY)
    assert response.context["active_job"] == going
    assert f'id="job-{going.pk}"' in response.content.decode()


def test_run_now_starts_one_run_and_a_second_click_is_shown_it(client, cast, findings):
    client.force_login(cast.secretariat)
    assert client.post(RUN).url == SUMMARY
    queued = Job.objects.filter(kind=KIND, status=JobStatus.QUEUED)
    assert queued.count() == 1 and queued.get().created_by == cast.secretariat
    client.force_login(cast.admin)
    client.post(RUN)
    assert Job.objects.filter(kind=KIND, status=JobStatus.QUEUED).count() == 1


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, 3),
        ({"rule": "nik_serial_zero"}, 2),
        ({"severity": "warning"}, 1),
        ({"status": "open"}, 3),
        ({"status": "ignored"}, 0),
        ({"q": "eko"}, 1),
    ],
)
def test_the_finding_filters_narrow_the_list(cast, findings, filters, expected):
    assert validation_finding_list(user=cast.secretariat, filters=filters).qs.count() == expected


def test_the_area_filters_narrow_the_list(cast, findings):
    village = findings["village"]
    count = validation_finding_list(
        user=cast.secretariat, filters={"kecamatan": village.parent_id}
    ).qs.count()
    assert count == 2
    count = validation_finding_list(
        user=cast.secretariat, filters={"kecamatan": village.parent_id, "desa": village.pk}
    ).qs.count()
    assert count == 2
    assert validation_finding_list(user=cast.officer_a, filters={}).qs.count() == 0


@pytest.mark.parametrize("families", [2, 12])
def test_the_findings_list_takes_a_fixed_number_of_queries(
    client, cast, hsu, families, django_assert_num_queries
):
    for n in range(families):
        family = HouseholdFactory(decile=None)
        PersonFactory(household=family, nik=f"630801020385{n + 1:04d}", name=f"Warga {n}")
        PersonFactory(household=family, relation=Relation.HEAD, name=f"Kepala {n}")
    run()
    client.force_login(cast.secretariat)
    client.get(FINDINGS)  # warms the per-process caches
    with django_assert_num_queries(11):
        response = client.get(FINDINGS)
    assert response.status_code == 200
    assert len(response.context["rows"]) >= 2 * families


def test_a_finding_row_masks_the_nik_and_links_to_the_record(client, cast, findings):
    client.force_login(cast.secretariat)
    body = client.get(FINDINGS, {"rule": "nik_serial_zero"}).content.decode()
    household = findings["first"].household
    assert "6308**********00" in body and "6308010103850000" not in body
    assert reverse("households:household_edit", args=[household.pk]) in body
    assert reverse("households:household_detail", args=[household.pk]) in body


def test_a_decision_needs_its_reason(client, cast, findings):
    finding = serial_finding(findings["first"])
    client.force_login(cast.secretariat)
    response = client.post(DECIDE, {"finding": [finding.pk], "status": "ignored", "reason": " "})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    finding.refresh_from_db()
    assert finding.status == "open"
    assert not AuditEvent.objects.filter(summary__startswith="Validation findings").exists()


def test_one_finding_is_ignored_with_its_reason_and_audited(client, cast, findings):
    finding = serial_finding(findings["first"])
    client.force_login(cast.secretariat)
    response = client.get(DECIDE, {"finding": finding.pk, "status": "ignored"})
    assert response.status_code == 200
    assert [row["finding"] for row in response.context["rows"]] == [finding]
    back = f"{FINDINGS}?rule=nik_serial_zero"
    response = client.post(
        DECIDE,
        {"finding": [finding.pk], "status": "ignored", "reason": "NIK lama, benar", "next": back},
    )
    assert response.url == back
    finding.refresh_from_db()
    assert (finding.status, finding.decided_by, finding.decision_reason) == (
        "ignored",
        cast.secretariat,
        "NIK lama, benar",
    )
    assert finding.decided_at is not None and finding.closed_at is not None
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, actor=cast.secretariat)
    assert event.changes == {
        "findings": [finding.pk],
        "status": "ignored",
        "reason": "NIK lama, benar",
    }


def test_a_selection_is_resolved_at_once_and_a_foreign_next_is_not_followed(client, cast, findings):
    chosen = [serial_finding(findings["first"]).pk, serial_finding(findings["second"]).pk]
    client.force_login(cast.admin)
    response = client.post(
        DECIDE,
        {
            "finding": chosen,
            "status": "resolved",
            "reason": "Diperbaiki di desa",
            "next": "https://example.org/",
        },
    )
    assert response.url == FINDINGS
    statuses = ValidationFinding.objects.filter(pk__in=chosen).values_list("status", flat=True)
    assert set(statuses) == {"resolved"}


def test_the_export_has_a_sheet_per_village_masked_and_is_audited(client, cast, findings):
    client.force_login(cast.secretariat)
    response = client.post(EXPORT, {"status": "open", "format": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(workbook.sheetnames) == sorted(
        [findings["village"].name[:28], findings["other"].name[:28]]
    )
    sheet = workbook[findings["village"].name[:28]]
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    header = rows[2]
    assert "NIK" in header and len(rows) == 3 + 2  # title, exported by, header, 2 findings
    cells = [str(cell) for row in rows for cell in row if cell is not None]
    assert "6308**********00" in cells
    assert not any("6308010103850000" in cell for cell in cells)
    assert not any("1985" in cell for cell in cells)  # no birth date next to the NIK
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, actor=cast.secretariat)
    assert event.changes["rows"] == 3 and event.changes["filters"] == {"status": "open"}


def test_a_big_export_runs_as_a_background_job(client, cast, findings, settings, monkeypatch):
    monkeypatch.setattr("tkpk.jobs._enqueue", lambda job_id, kind: None)
    settings.HOUSEHOLD_EXPORT_INLINE_ROWS = 1
    client.force_login(cast.secretariat)
    response = client.post(EXPORT, {"format": "xlsx"})
    job = Job.objects.get(kind="households.validation_export")
    assert response.url == reverse("tkpk:job_detail", args=[job.pk])
    assert job.created_by == cast.secretariat
