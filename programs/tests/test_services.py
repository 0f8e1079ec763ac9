"""The programs' writes, called directly: programs, quarterly reports and enrolment."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from households.choices import PersonStatus
from households.tests.factories import HouseholdFactory, PersonFactory
from programs.choices import (
    BeneficiaryStatus,
    EndReason,
    ProgramStatus,
    RealizationStatus,
    TargetUnit,
)
from programs.models import Beneficiary, Program, Realization
from programs.services import (
    ProgramConflict,
    beneficiaries_enrol,
    beneficiary_end,
    can_verify,
    program_copy,
    program_create,
    program_update,
    realization_return,
    realization_save,
    realization_verify,
)
from programs.tests.factories import ProgramFactory, cluster, national
from tkpk.models import AuditEvent

pytestmark = pytest.mark.django_db


def program_data(**changes):
    return {
        "cluster": cluster(1),
        "name": "Bantuan Sosial Keluarga Miskin",
        "fiscal_year": 2026,
        "funding_source": "apbd_kab",
        "budget": 750_000_000,
        "target_quantity": 300,
        "target_unit": TargetUnit.FAMILY,
        **changes,
    }


# --- Programs ----------------------------------------------------------------------------------


def test_an_operator_creates_a_program_of_their_own_agency_only(cast):
    program = program_create(user=cast.officer_a, data=program_data())
    assert program.agency == cast.agency_a and program.version == 1
    assert AuditEvent.objects.filter(action="create", object_id=str(program.pk)).exists()
    with pytest.raises(PermissionDenied):
        program_create(user=cast.officer_a, data=program_data(name="X"), agency=cast.agency_b)


def test_a_national_program_of_another_cluster_is_refused(cast):
    with pytest.raises(ValidationError) as refused:
        program_create(
            user=cast.officer_a,
            data=program_data(cluster=cluster(3), national_program=national("PKH")),
        )
    assert "national_program" in refused.value.error_dict


@pytest.mark.parametrize(
    ("year", "code", "ok"),
    [
        (2026, "1.06.05.2.02.0003", True),
        (2026, "1.06.05.2.02.03", False),
        (2022, "1.06.05.2.02.03", True),
        (2022, "1.06.05.2.02.0003", False),
    ],
)
def test_the_budget_code_has_the_sub_activity_digits_of_its_year(cast, year, code, ok):
    data = program_data(fiscal_year=year, budget_code=code)
    if ok:
        assert program_create(user=cast.officer_a, data=data).budget_code == code
    else:
        with pytest.raises(ValidationError) as refused:
            program_create(user=cast.officer_a, data=data)
        assert "budget_code" in refused.value.error_dict


def test_a_budget_code_of_the_wrong_shape_is_refused(cast):
    with pytest.raises(ValidationError) as refused:
        program_create(user=cast.officer_a, data=program_data(budget_code="1-06-05"))
    assert "budget_code" in refused.value.error_dict


def test_an_edit_from_an_old_version_is_refused_and_changes_nothing(cast):
    program = program_create(user=cast.officer_a, data=program_data())
    program_update(
        user=cast.officer_a, program=program, data={"budget": 800_000_000}, expected_version=1
    )
    stale = Program.objects.get(pk=program.pk)
    with pytest.raises(ProgramConflict) as conflict:
        program_update(user=cast.secretariat, program=stale, data={"budget": 1}, expected_version=1)
    assert conflict.value.current.budget == 800_000_000
    assert Program.objects.get(pk=program.pk).budget == 800_000_000


def test_a_program_is_copied_to_the_next_year_once(cast, hsu):
    program = program_create(user=cast.officer_a, data=program_data())
    person = PersonFactory(household=HouseholdFactory(decile=1))
    beneficiaries_enrol(user=cast.officer_a, program=program, people=[person])
    copy = program_copy(user=cast.officer_a, program=program, with_beneficiaries=True)
    assert (copy.fiscal_year, copy.status, copy.copied_from) == (
        2027,
        ProgramStatus.PLANNED,
        program,
    )
    assert list(copy.beneficiaries.values_list("person", flat=True)) == [person.pk]
    with pytest.raises(ValidationError):
        program_copy(user=cast.officer_a, program=program)


# --- Quarterly reports ---------------------------------------------------------------------------


def report(**changes):
    return {"spent": 100_000_000, "reached": 120, "physical_progress": 30, "note": "", **changes}


def test_the_quarters_together_spend_no_more_than_the_pagu(cast):
    program = ProgramFactory(agency=cast.agency_a, budget=300_000_000)
    realization_save(
        user=cast.officer_a, program=program, quarter=1, data=report(spent=200_000_000)
    )
    with pytest.raises(ValidationError) as refused:
        realization_save(
            user=cast.officer_a, program=program, quarter=2, data=report(spent=100_000_001)
        )
    assert "Rp300.000.000" in str(refused.value)
    assert not Realization.objects.filter(program=program, quarter=2).exists()


def test_a_report_is_submitted_verified_or_returned_and_then_corrected(cast):
    program = ProgramFactory(agency=cast.agency_a)
    realization = realization_save(
        user=cast.officer_a, program=program, quarter=1, data=report(), submit=True
    )
    assert realization.status == RealizationStatus.SUBMITTED
    with pytest.raises(ValidationError):
        realization_save(
            user=cast.officer_a,
            program=program,
            quarter=1,
            data=report(reached=1),
            expected_version=realization.version,
        )
    with pytest.raises(PermissionDenied):
        realization_verify(user=cast.officer_a, realization=realization)
    with pytest.raises(ValidationError):
        realization_return(user=cast.secretariat, realization=realization, comment="  ")
    returned = realization_return(user=cast.secretariat, realization=realization, comment="Cek")
    realization = realization_save(
        user=cast.officer_a,
        program=program,
        quarter=1,
        data=report(reached=110),
        expected_version=returned.version,
        submit=True,
    )
    realization_verify(user=cast.secretariat, realization=realization, comment="Sesuai")
    realization.refresh_from_db()
    assert (realization.status, realization.reached, realization.verified_by) == (
        RealizationStatus.VERIFIED,
        110,
        cast.secretariat,
    )


def test_a_quarter_written_meanwhile_by_someone_else_is_a_conflict(cast):
    from programs.services import RealizationConflict

    program = ProgramFactory(agency=cast.agency_a)
    realization_save(user=cast.officer_a, program=program, quarter=2, data=report())
    with pytest.raises(RealizationConflict):
        # Started from the empty quarter (no version): the report saved meanwhile is kept.
        realization_save(user=cast.admin, program=program, quarter=2, data=report(reached=1))
    assert Realization.objects.get(program=program, quarter=2).reached == 120


def test_another_agency_writes_no_report_of_a_program_not_its_own(cast):
    program = ProgramFactory(agency=cast.agency_b)
    with pytest.raises(PermissionDenied):
        realization_save(user=cast.officer_a, program=program, quarter=1, data=report())


def test_a_cluster_that_names_coordinators_is_verified_by_them_only(cast):
    program = ProgramFactory(agency=cast.agency_a, cluster=cluster(2))
    realization = realization_save(
        user=cast.officer_a, program=program, quarter=1, data=report(), submit=True
    )
    assert can_verify(cast.secretariat, realization)
    from tkpk.tests.factories import UserFactory

    koordinator = UserFactory(username="koordinator2", role="Sekretariat TKPK")
    cluster(2).coordinators.add(koordinator)
    assert can_verify(koordinator, realization) and not can_verify(cast.secretariat, realization)
    with pytest.raises(PermissionDenied):
        realization_verify(user=cast.secretariat, realization=realization)
    assert can_verify(cast.admin, realization) and not can_verify(cast.bappeda, realization)


# --- Enrolment -----------------------------------------------------------------------------------


@pytest.fixture
def pkh(cast):
    return ProgramFactory(agency=cast.agency_a, national_program=national("PKH"), decile_cutoff=4)


def test_enrolment_records_the_family_at_enrolment_and_survives_a_re_keyed_family(cast, hsu, pkh):
    family = HouseholdFactory(kk_number="6308010101200111", decile=2)
    mother = PersonFactory(household=family, relation=3, sex="P", nik="6308014504870111")
    result = beneficiaries_enrol(user=cast.officer_a, program=pkh, people=[mother])
    (beneficiary,) = result.enrolled
    assert (beneficiary.kk_at_enrolment, beneficiary.household_at_enrolment) == (
        "6308010101200111",
        family,
    )
    # A split gives the mother a new KK: the benefit follows her, the old KK stays on record.
    new_family = HouseholdFactory(kk_number="6308010101200999", decile=2)
    mother.household = new_family
    mother.save()
    beneficiary.refresh_from_db()
    assert beneficiary.person.household == new_family
    assert beneficiary.kk_at_enrolment == "6308010101200111"


def test_enrolment_leaves_out_whom_the_checks_refuse_and_asks_for_the_rest(cast, hsu, pkh):
    poor = PersonFactory(household=HouseholdFactory(decile=1))
    dead = PersonFactory(household=HouseholdFactory(decile=1), status=PersonStatus.DECEASED)
    rich = PersonFactory(household=HouseholdFactory(decile=7))
    unknown = PersonFactory(household=HouseholdFactory(decile=None))
    result = beneficiaries_enrol(
        user=cast.officer_a, program=pkh, people=[poor, dead, rich, unknown]
    )
    assert [b.person for b in result.enrolled] == [poor]
    assert result.skipped == {
        "deceased": [dead.pk],
        "above_cutoff": [rich.pk],
        "no_decile": [unknown.pk],
    }
    again = beneficiaries_enrol(
        user=cast.officer_a, program=pkh, people=[poor, rich], accept=["above_cutoff", "deceased"]
    )
    assert [b.person for b in again.enrolled] == [rich]
    assert again.skipped == {"already_enrolled": [poor.pk]}


def test_a_family_program_takes_one_member_of_a_family(cast, hsu, pkh):
    family = HouseholdFactory(decile=1)
    head, wife = PersonFactory(household=family), PersonFactory(household=family, relation=3)
    result = beneficiaries_enrol(user=cast.officer_a, program=pkh, people=[head, wife])
    assert len(result.enrolled) == 1 and list(result.skipped) == ["family_enrolled"]
    later = beneficiaries_enrol(user=cast.officer_a, program=pkh, people=[wife])
    assert later.skipped == {"family_enrolled": [wife.pk]}


def test_a_second_program_of_the_cluster_is_double_aid_unless_the_pair_is_allowed(cast, hsu, pkh):
    family = HouseholdFactory(decile=1)
    person = PersonFactory(household=family)
    beneficiaries_enrol(user=cast.officer_a, program=pkh, people=[person])
    bpnt = ProgramFactory(agency=cast.agency_a, national_program=national("BPNT"))
    assert beneficiaries_enrol(user=cast.officer_a, program=bpnt, people=[person]).enrolled
    local = ProgramFactory(agency=cast.agency_b)
    refused = beneficiaries_enrol(user=cast.officer_b, program=local, people=[person])
    assert refused.skipped == {"same_cluster": [person.pk]}
    accepted = beneficiaries_enrol(
        user=cast.officer_b, program=local, people=[person], accept=["same_cluster"]
    )
    assert len(accepted.enrolled) == 1
    other_cluster = ProgramFactory(agency=cast.agency_b, cluster=cluster(3), target_unit="jiwa")
    assert beneficiaries_enrol(user=cast.officer_b, program=other_cluster, people=[person]).enrolled


def test_an_operator_enrols_in_no_other_agencys_program_and_a_closed_program_takes_none(
    cast, hsu, pkh
):
    person = PersonFactory(household=HouseholdFactory(decile=1))
    with pytest.raises(PermissionDenied):
        beneficiaries_enrol(user=cast.officer_b, program=pkh, people=[person])
    pkh.status = ProgramStatus.COMPLETED
    pkh.save()
    with pytest.raises(ValidationError):
        beneficiaries_enrol(user=cast.officer_a, program=pkh, people=[person])
    assert not Beneficiary.objects.exists()


def test_a_benefit_ends_with_its_reason_and_stays_on_record(cast, hsu, pkh):
    person = PersonFactory(household=HouseholdFactory(decile=1))
    (beneficiary,) = beneficiaries_enrol(user=cast.officer_a, program=pkh, people=[person]).enrolled
    with pytest.raises(ValidationError):
        beneficiary_end(user=cast.officer_a, beneficiary=beneficiary, reason="bosan")
    beneficiary_end(user=cast.officer_a, beneficiary=beneficiary, reason=EndReason.GRADUATED)
    beneficiary.refresh_from_db()
    assert (beneficiary.status, beneficiary.end_reason) == (BeneficiaryStatus.ENDED, "graduasi")
    with pytest.raises(ValidationError):
        beneficiary_end(user=cast.officer_a, beneficiary=beneficiary, reason=EndReason.OTHER)
