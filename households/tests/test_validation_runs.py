"""Validation runs keep people's decisions: a fixed record's finding closes, an ignored one stays
ignored, a new problem opens, a resolved one found again opens again (and says so), and a run
with nothing changed writes nothing. has_problems follows the open findings; one run at a time."""

import datetime as dt
import io
import json
import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from households.choices import Relation
from households.models import Household, Person, ValidationFinding
from households.tests.factories import HouseholdFactory, PersonFactory
from households.tests.helpers import csv_bytes, family_rows, person
from households.tests.validation import open_keys, run
from households.validation import runs
from households.validation.runs import IMPORT, KIND, validation_run, validation_run_start
from households.validation.services import finding_decide
from tkpk import validation
from tkpk.choices import JobStatus
from tkpk.models import Job

BROKEN = "6308010103850000"  # serial 0000
FIXED = "6308010103850001"


@pytest.fixture
def broken(hsu):
    """A family whose head's NIK has serial 0000."""
    return PersonFactory(nik=BROKEN, birth_date=dt.date(1985, 3, 1))


def finding_of(person, rule="nik_serial_zero"):
    return ValidationFinding.objects.get(rule=rule, person=person)


def snapshot():
    return list(ValidationFinding.objects.order_by("pk").values())


@pytest.mark.django_db
def test_a_first_run_opens_a_finding_with_its_family_village_and_run(broken):
    counts = run()
    finding = finding_of(broken)
    assert finding.status == "open" and finding.severity == "error"
    assert finding.household == broken.household
    assert finding.village == broken.household.village
    assert finding.first_seen_run.kind == KIND
    assert finding.key == str(broken.pk)
    assert counts["rules"]["nik_serial_zero"] == {
        "found": 1,
        "new": 1,
        "reopened": 0,
        "closed": 0,
        "ignored_kept": 0,
        "open": 1,
    }
    assert counts["findings_new"] == counts["findings_open"] >= 1


@pytest.mark.django_db
def test_a_run_with_nothing_changed_writes_no_finding_and_no_family(broken):
    PersonFactory(household=broken.household, relation=Relation.HEAD)  # two heads
    run()
    before = snapshot()
    flags = list(Household.objects.order_by("pk").values_list("pk", "has_problems"))
    counts = run()
    assert counts["findings_written"] == 0
    assert (counts["findings_new"], counts["findings_closed"]) == (0, 0)
    assert (counts["households_flagged"], counts["households_cleared"]) == (0, 0)
    assert snapshot() == before
    assert list(Household.objects.order_by("pk").values_list("pk", "has_problems")) == flags


@pytest.mark.django_db
def test_a_fixed_record_closes_its_finding_by_the_run(broken):
    run()
    Person.objects.filter(pk=broken.pk).update(nik=FIXED)
    counts = run()
    finding = finding_of(broken)
    assert finding.status == "resolved"
    assert finding.closed_run_id == Job.objects.filter(kind=KIND).latest("pk").pk
    assert finding.closed_at is not None and finding.decided_by is None
    assert counts["rules"]["nik_serial_zero"]["closed"] == 1
    assert counts["findings_closed"] == 1


@pytest.mark.django_db
def test_an_ignored_finding_stays_ignored_whatever_later_runs_find(broken, cast):
    run()
    finding = finding_of(broken)
    finding_decide(user=cast.secretariat, findings=[finding], status="ignored", reason="Benar")
    counts = run()
    finding.refresh_from_db()
    assert finding.status == "ignored"
    assert (finding.decided_by, finding.decision_reason) == (cast.secretariat, "Benar")
    assert counts["rules"]["nik_serial_zero"]["ignored_kept"] == 1
    assert counts["ignored_kept"] == 1 and counts["findings_new"] == 0
    # Also once the problem is gone for a while and comes back.
    Person.objects.filter(pk=broken.pk).update(nik=FIXED)
    run()
    Person.objects.filter(pk=broken.pk).update(nik=BROKEN)
    run()
    finding.refresh_from_db()
    assert finding.status == "ignored"


@pytest.mark.django_db
def test_a_new_problem_opens_a_new_finding(broken):
    run()
    later = PersonFactory(nik="6308010203850000", household=broken.household)
    counts = run()
    second = Job.objects.filter(kind=KIND).latest("pk")
    assert open_keys("nik_serial_zero") == {str(broken.pk), str(later.pk)}
    assert finding_of(later).first_seen_run == second
    assert finding_of(broken).first_seen_run != second
    assert counts["rules"]["nik_serial_zero"]["new"] == 1


@pytest.mark.django_db
def test_a_finding_resolved_by_hand_but_found_again_opens_again_and_says_so(broken, cast):
    run()
    finding = finding_of(broken)
    finding_decide(user=cast.secretariat, findings=[finding], status="resolved", reason="Sudah")
    counts = run()
    finding.refresh_from_db()
    again = Job.objects.filter(kind=KIND).latest("pk")
    assert finding.status == "open"
    assert finding.detail["reopened"] == {
        "run": again.pk,
        "closed_run": None,
        "resolved_by": "sekretariat",
        "reason": "Sudah",
    }
    assert (finding.decided_by, finding.decision_reason, finding.closed_at) == (None, "", None)
    assert counts["rules"]["nik_serial_zero"]["reopened"] == 1
    # The note does not make the next run rewrite it.
    assert run()["findings_written"] == 0


@pytest.mark.django_db
def test_a_finding_the_run_resolved_that_comes_back_opens_again(broken):
    run()
    Person.objects.filter(pk=broken.pk).update(nik=FIXED)
    run()
    closing = Job.objects.filter(kind=KIND).latest("pk")
    Person.objects.filter(pk=broken.pk).update(nik=BROKEN)
    run()
    finding = finding_of(broken)
    assert finding.status == "open"
    assert finding.detail["reopened"]["closed_run"] == closing.pk
    assert finding.detail["reopened"]["resolved_by"] is None


@pytest.mark.django_db
def test_a_changed_detail_is_written_and_the_status_kept(hsu, cast):
    family = HouseholdFactory()
    PersonFactory(household=family, relation=Relation.CHILD)
    run("household_no_head")
    finding = ValidationFinding.objects.get(rule="household_no_head")
    finding_decide(user=cast.secretariat, findings=[finding], status="ignored", reason="Nanti")
    PersonFactory(household=family, relation=Relation.CHILD)
    counts = run("household_no_head")
    finding.refresh_from_db()
    assert finding.detail == {"living": 2, "deceased_head": False}
    assert finding.status == "ignored"
    assert counts["findings_written"] == 1


@pytest.mark.django_db
def test_has_problems_follows_the_open_errors_and_warnings(hsu, cast):
    error = HouseholdFactory()
    PersonFactory(household=error, nik=BROKEN, birth_date=dt.date(1985, 3, 1), name="Budi")
    info_only = HouseholdFactory()
    PersonFactory(
        household=info_only, birth_date=dt.date(1985, 7, 1), nik="6308010107850001", name="Eko"
    )
    born = dt.date(1980, 5, 17)
    first = PersonFactory(nik="6308015705800001", name="Siti Aminah", birth_date=born, sex="P")
    second = PersonFactory(nik="6308015705800002", name="Siti Aminah", birth_date=born, sex="P")
    fine = HouseholdFactory(has_problems=True)
    PersonFactory(household=fine, birth_date=dt.date(1985, 3, 1), name="Hasan")
    run()
    flagged = set(Household.objects.filter(has_problems=True).values_list("pk", flat=True))
    assert flagged == {error.pk, first.household_id, second.household_id}
    # Ignoring the pair clears both families at once, without a run.
    pair = ValidationFinding.objects.get(rule="duplicate_person")
    finding_decide(user=cast.secretariat, findings=[pair], status="ignored", reason="Kembar")
    flagged = set(Household.objects.filter(has_problems=True).values_list("pk", flat=True))
    assert flagged == {error.pk}


@pytest.mark.django_db
def test_has_problems_is_written_in_batches(hsu, monkeypatch):
    monkeypatch.setattr(runs, "FLAG_BATCH", 2)
    families = [HouseholdFactory(decile=None) for _ in range(5)]
    for family in families:
        PersonFactory(household=family)
    counts = run("decile_missing")
    assert counts["households_flagged"] == 5
    assert Household.objects.filter(has_problems=True).count() == 5


@pytest.mark.django_db
def test_a_run_of_some_rules_leaves_the_findings_of_the_others(broken):
    family = HouseholdFactory(decile=None)
    PersonFactory(household=family)
    run()
    Person.objects.filter(pk=broken.pk).update(nik=FIXED)
    Household.objects.filter(pk=family.pk).update(decile=2)
    counts = run("decile_missing")
    assert ValidationFinding.objects.get(rule="decile_missing").status == "resolved"
    assert finding_of(broken).status == "open"
    assert set(counts["rules"]) == {"decile_missing"} and counts["full"] is False


@pytest.mark.django_db
def test_a_full_run_resolves_the_findings_of_a_rule_no_longer_registered(broken):
    rule = validation.register(
        validation.Rule(
            code="test_everyone",
            severity=validation.Severity.INFO,
            title="Everyone",
            advice="-",
            subject=validation.PERSON,
            find=lambda run_context: ("SELECT id, NULL, NULL FROM households_person", []),
        )
    )
    try:
        run()
        assert open_keys("test_everyone") == {str(broken.pk)}
    finally:
        validation.unregister(rule.code)
    counts = run()
    assert ValidationFinding.objects.get(rule="test_everyone").status == "resolved"
    assert counts["withdrawn_closed"] == 1


# -- Starting ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_second_start_returns_the_run_already_queued(cast):
    first = validation_run_start(user=cast.secretariat)
    second = validation_run_start(user=cast.admin)
    assert first.started_now and not second.started_now
    assert second.pk == first.pk
    assert Job.objects.filter(kind=KIND).count() == 1


@pytest.mark.django_db
def test_a_stale_run_does_not_block_the_next(cast, settings):
    stale = Job.objects.create(
        kind=KIND,
        status=JobStatus.RUNNING,
        heartbeat_at=timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS + 5),
    )
    job = validation_run_start(user=cast.secretariat)
    assert job.started_now and job.pk != stale.pk
    stale.refresh_from_db()
    assert stale.status == JobStatus.FAILED


@pytest.mark.django_db
def test_an_import_during_a_run_asks_for_one_more_run_after_it(broken, cast):
    running = Job.objects.create(
        kind=KIND, status=JobStatus.RUNNING, heartbeat_at=timezone.now(), params={"rules": []}
    )
    assert validation_run_start(user=cast.secretariat, reason=IMPORT).pk == running.pk
    running.refresh_from_db()
    assert running.params["again"] is True
    validation_run(job=running)
    follow_up = Job.objects.filter(kind=KIND, status=JobStatus.QUEUED).get()
    assert follow_up.params["reason"] == IMPORT


@pytest.mark.django_db
def test_an_unknown_rule_is_refused_before_anything_is_stored(cast):
    with pytest.raises(runs.UnknownRules):
        validation_run_start(user=cast.secretariat, rules=["no_such_rule"])
    assert not Job.objects.filter(kind=KIND).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_starts_start_one_run(cast, monkeypatch):
    """Both requests look for a run at the same moment; the lock makes the second wait for the
    first's job, which it then returns."""
    monkeypatch.setattr("tkpk.jobs._enqueue", lambda job_id, kind: None)
    looked = runs.validation_run_active

    def slow_look():
        found = looked()
        time.sleep(0.5)  # both requests between looking and starting, without the lock
        return found

    monkeypatch.setattr(runs, "validation_run_active", slow_look)
    barrier = threading.Barrier(2)
    started = []

    def request(user):
        try:
            barrier.wait()
            started.append(validation_run_start(user=user).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=(u,)) for u in (cast.secretariat, cast.admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert len(started) == 2
    assert Job.objects.filter(kind=KIND).count() == 1
    assert started[0] == started[1]


@pytest.mark.django_db
def test_the_nightly_task_starts_a_run_that_every_secretariat_user_sees(cast):
    from households.tasks import validate_registry_nightly
    from tkpk.roles import SECRETARIAT
    from tkpk.tests.factories import UserFactory

    job = Job.objects.get(pk=validate_registry_nightly())
    assert job.created_by is None and job.params["reason"] == "nightly"
    colleague = UserFactory(username="sekretariat2", role=SECRETARIAT)
    assert Job.objects.for_user(colleague).filter(pk=job.pk).exists()
    assert not Job.objects.for_user(cast.officer_a).filter(pk=job.pk).exists()


def test_the_nightly_run_is_scheduled_at_the_hour_of_the_setting():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["households-validate-nightly"]
    assert entry["task"] == "households.tasks.validate_registry_nightly"
    hour, minute = settings.VALIDATION_NIGHTLY_AT
    assert entry["schedule"].hour == {hour} and entry["schedule"].minute == {minute}
    from tkpk.settings import parse_clock

    assert parse_clock("VALIDATION_NIGHTLY_AT", "23:45") == (23, 45)
    for wrong in ("25:00", "2 am", "02:60", ""):
        with pytest.raises(ImproperlyConfigured):
            parse_clock("VALIDATION_NIGHTLY_AT", wrong)


# -- The command and the import ------------------------------------------------------------------

jobs_db = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "jobs"]
)


@jobs_db
def test_the_command_prints_the_counts_per_rule_and_a_json_last_line(broken):
    out = io.StringIO()
    call_command("validate_registry", stdout=out)
    lines = out.getvalue().strip().splitlines()
    summary = json.loads(lines[-1])
    assert set(summary) == {
        "findings_open",
        "findings_new",
        "findings_closed",
        "ignored_kept",
        "seconds",
    }
    assert summary["findings_new"] == summary["findings_open"] >= 1
    row = next(line for line in lines if line.startswith("nik_serial_zero "))
    assert row.split()[1:4] == ["1", "1", "1"]  # found, open, new
    job = Job.objects.get(kind=KIND)
    assert job.status == JobStatus.SUCCEEDED and job.params["reason"] == "command"

    Person.objects.filter(pk=broken.pk).update(nik=FIXED)
    out = io.StringIO()
    call_command("validate_registry", "--rules", "nik_serial_zero", stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (summary["findings_closed"], summary["findings_open"]) == (1, 0)


@jobs_db
def test_the_command_refuses_unknown_rules_and_a_second_run(cast):
    with pytest.raises(CommandError, match="unknown rules"):
        call_command("validate_registry", "--rules", "nik_serial_zero,nonsense")
    Job.objects.create(kind=KIND, status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    with pytest.raises(CommandError, match="running"):
        call_command("validate_registry")


@pytest.mark.django_db
def test_the_import_command_starts_a_validation_run_after_it_stored_the_file(hsu, tmp_path):
    path = tmp_path / "keluarga.csv"
    path.write_bytes(csv_bytes(family_rows()))
    call_command("import_households", str(path), stdout=io.StringIO())
    job = Job.objects.get(kind=KIND)
    assert (job.status, job.params["reason"]) == (JobStatus.QUEUED, IMPORT)
    # A dry run stores nothing and validates nothing.
    Job.objects.all().delete()
    path.write_bytes(csv_bytes([person(nomor_nik="6308014504870009", nama="Baru")]))
    call_command("import_households", str(path), "--dry-run", stdout=io.StringIO())
    assert not Job.objects.filter(kind=KIND).exists()


@jobs_db
def test_the_import_job_starts_a_validation_run_when_it_applied_the_file(
    hsu, cast, monkeypatch, settings, tmp_path
):
    from households.models import HouseholdImport
    from households.services import household_import_create, household_import_start
    from tkpk.jobs import job_execute

    monkeypatch.setattr("tkpk.jobs._enqueue", lambda job_id, kind: None)
    settings.MEDIA_ROOT = tmp_path
    upload = io.BytesIO(csv_bytes(family_rows()))
    upload.name = "keluarga.csv"
    record = household_import_create(user=cast.secretariat, upload=upload, source="dtks")
    record = HouseholdImport.objects.get(pk=record.pk)
    dry = household_import_start(
        user=cast.secretariat,
        record=record,
        mapping=record.mapping,
        sheet="",
        clear_empty=False,
        action="dry_run",
    )
    job_execute(dry.pk)
    assert not Job.objects.filter(kind=KIND).exists()
    real = household_import_start(
        user=cast.secretariat,
        record=HouseholdImport.objects.get(pk=record.pk),
        mapping=record.mapping,
        sheet="",
        clear_empty=False,
        action="import",
    )
    assert job_execute(real.pk).status == JobStatus.SUCCEEDED
    validation_job = Job.objects.get(kind=KIND)
    assert validation_job.created_by == cast.secretariat
    assert validation_job.params["reason"] == IMPORT
