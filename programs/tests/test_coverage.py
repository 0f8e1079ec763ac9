"""The coverage figures against a small registry counted by hand.

Thirteen families in three villages of two kecamatan, five programs of 2026 in two clusters (PKH
and BPNT, an allowed pair; a local cluster-1 program that pairs with nothing; two cluster-2
programs), and one of 2025. What each family is and receives (active benefits of 2026):

    Danau Panggang, Sungai Namang:
      F1  decile 1  PKH (the wife, enrolled from F2's card) + BPNT (the head): allowed pair
      F2  decile 1  nothing (its head had a 2025 benefit)           -> excluded, unreached
      F3  decile 2  Pemberdayaan (a child)                          -> excluded
      F4  decile 2  PKH (the wife) + local aid (the head)           -> double aid
    Danau Panggang, Danau Panggang:
      F5  decile 3  PKH ended                                       -> not reached
      F6  decile 7  BPNT + Pemberdayaan (two clusters: no double aid) -> inclusion
    Babirik, Babirik Hilir:
      F7  decile 1  PKH + BPNT of the head, who died                -> gone (deceased, once)
      F8  decile 2  BPNT; the family moved away                     -> gone (moved)
      F9  decile 4  Pemberdayaan + Pelatihan, the same child        -> double aid, family and person
      F10 decile 6  local aid                                       -> inclusion
      F11 decile 5  BPNT                                            -> neither
      F12 decile 2  PKH of the head, who moved away                 -> gone (moved)
      F13 decile 8  Pelatihan (not family aid)                      -> neither
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from households.choices import HouseholdStatus, PersonStatus, Relation
from households.tests.factories import HouseholdFactory, PersonFactory
from programs.choices import BeneficiaryStatus, EndReason, TargetUnit
from programs.selectors.coverage import (
    DESA,
    DOUBLE,
    EXCLUSION,
    GONE,
    INCLUSION,
    KECAMATAN,
    UNREACHED,
    Figures,
    coverage_by_area,
    coverage_summary,
    double_aid_families,
    excluded_families,
    gone_recipients,
    included_families,
    programs_held,
    programs_received,
    unreached_families,
)
from programs.services.beneficiaries import _same_cluster_families
from programs.tests.factories import BeneficiaryFactory, ProgramFactory, cluster, national
from tkpk.models import Region
from tkpk.roles import user_role

pytestmark = pytest.mark.django_db

YEAR = 2026


def family(village, decile, *members, status=HouseholdStatus.ACTIVE):
    """A household and its members: (relation, person status) pairs."""
    household = HouseholdFactory(village=village, decile=decile, status=status)
    people = [
        PersonFactory(household=household, relation=relation, status=person_status)
        for relation, person_status in members
    ]
    return household, people


HEAD = (Relation.HEAD, PersonStatus.ALIVE)
WIFE = (Relation.WIFE, PersonStatus.ALIVE)
CHILD = (Relation.CHILD, PersonStatus.ALIVE)


def build_registry(cast, *, agency=None) -> SimpleNamespace:
    """The registry of the module docstring (the HSU regions must be loaded), its programs run
    by `agency` (agency A unless given)."""
    villages = {code: Region.objects.get(code=code) for code in ("63.08.01.2003", "63.08.01.2004")}
    namang, panggang = villages["63.08.01.2003"], villages["63.08.01.2004"]
    hilir = Region.objects.get(code="63.08.02.2001")
    agency = agency or cast.agency_a

    def program(name, number, code=None, unit=TargetUnit.FAMILY, year=YEAR):
        return ProgramFactory(
            agency=agency,
            name=name,
            cluster=cluster(number),
            national_program=national(code) if code else None,
            target_unit=unit,
            fiscal_year=year,
        )

    pkh = program("PKH Daerah", 1, "PKH")
    bpnt = program("Sembako Daerah", 1, "BPNT")
    local = program("Bantuan Sosial Daerah", 1)
    empower = program("Pemberdayaan", 2, unit=TargetUnit.PERSON)
    training = program("Pelatihan", 2, unit=TargetUnit.PERSON)
    last_year = program("PKH 2025", 1, "PKH", year=2025)

    f1, (h1, w1) = family(namang, 1, HEAD, WIFE)
    f2, (h2,) = family(namang, 1, HEAD)
    f3, (_h3, c3) = family(namang, 2, HEAD, CHILD)
    f4, (h4, w4) = family(namang, 2, HEAD, WIFE)
    f5, (h5,) = family(panggang, 3, HEAD)
    f6, (h6,) = family(panggang, 7, HEAD)
    f7, (h7, _w7) = family(hilir, 1, (Relation.HEAD, PersonStatus.DECEASED), WIFE)
    f8, (h8,) = family(hilir, 2, HEAD, status=HouseholdStatus.MOVED)
    f9, (_h9, c9) = family(hilir, 4, HEAD, CHILD)
    f10, (h10,) = family(hilir, 6, HEAD)
    f11, (h11,) = family(hilir, 5, HEAD)
    f12, (h12, _w12) = family(hilir, 2, (Relation.HEAD, PersonStatus.MOVED), WIFE)
    f13, (h13,) = family(hilir, 8, HEAD)

    def benefit(program, person, **extra):
        return BeneficiaryFactory(program=program, person=person, **extra)

    # The wife of F1 was enrolled while on F2's card: she counts for F1, her family today.
    benefit(pkh, w1, household_at_enrolment=f2, kk_at_enrolment=f2.kk_number)
    benefit(bpnt, h1)
    benefit(last_year, h2)
    benefit(empower, c3)
    benefit(pkh, w4)
    benefit(local, h4)
    benefit(pkh, h5, status=BeneficiaryStatus.ENDED, end_reason=EndReason.GRADUATED)
    benefit(bpnt, h6)
    benefit(empower, h6)
    benefit(pkh, h7)
    benefit(bpnt, h7)
    benefit(bpnt, h8)
    benefit(empower, c9)
    benefit(training, c9)
    benefit(local, h10)
    benefit(bpnt, h11)
    benefit(pkh, h12)
    benefit(training, h13)
    return SimpleNamespace(
        danau_panggang=namang.parent,
        babirik=hilir.parent,
        namang=namang,
        panggang=panggang,
        hilir=hilir,
        programs=SimpleNamespace(pkh=pkh, bpnt=bpnt, local=local, empower=empower),
        f=[None, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13],
        people=SimpleNamespace(h7=h7, h8=h8, h12=h12, c9=c9),
    )


@pytest.fixture
def registry(cast, hsu):
    return build_registry(cast)


def families(registry, *numbers):
    return {registry.f[n].pk for n in numbers}


def pks(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_the_summary_counts_each_family_once_and_only_active_benefits(cast, registry):
    summary = coverage_summary(user=cast.secretariat, year=YEAR)
    f = summary.figures
    # Deciles 1-4, active: F1 F2 F3 F4 F5 F7 F9 F12. F1 (two benefits) and F9 (two benefits of
    # one child) count once; F5's benefit ended; F2's only benefit is of 2025.
    assert (f.families, f.reached) == (8, 6)
    by_cluster = {reach.cluster.number: reach.reached for reach in f.clusters}
    assert by_cluster == {1: 4, 2: 2, 3: 0, 4: 0}
    assert f.share == pytest.approx(75.0)


def test_exclusion_is_the_poorest_families_without_family_aid(cast, registry):
    f = coverage_summary(user=cast.secretariat, year=YEAR).figures
    assert (f.poorest, f.excluded, f.unreached) == (6, 2, 1)
    assert pks(excluded_families(user=cast.secretariat, year=YEAR)) == families(registry, 2, 3)
    # F2 is not reached through the wife enrolled on its card: she lives in F1 now.
    assert pks(unreached_families(user=cast.secretariat, year=YEAR)) == families(registry, 2)


def test_inclusion_is_family_aid_from_decile_six_up(cast, registry):
    f = coverage_summary(user=cast.secretariat, year=YEAR).figures
    assert f.included == 2
    assert pks(included_families(user=cast.secretariat, year=YEAR)) == families(registry, 6, 10)


def test_double_aid_is_two_programs_of_a_cluster_that_are_not_an_allowed_pair(cast, registry):
    f = coverage_summary(user=cast.secretariat, year=YEAR).figures
    # F4: PKH with a program that has no national program; F9: two cluster-2 programs for the
    # same child. F1 (PKH with BPNT) is an allowed pair.
    assert (f.double_families, f.double_people) == (2, 1)
    doubled = pks(double_aid_families(user=cast.secretariat, year=YEAR))
    assert doubled == families(registry, 4, 9)


def test_double_aid_follows_the_rule_of_the_enrolment_check(registry, cast):
    # The enrolment check, asked family by family, finds the same families.
    programs = registry.programs
    every = {f.pk for f in registry.f if f}
    found = set()
    for program in (programs.pkh, programs.bpnt, programs.local, programs.empower):
        receivers = set(
            program.beneficiaries.filter(status=BeneficiaryStatus.ACTIVE).values_list(
                "person__household_id", flat=True
            )
        )
        found |= _same_cluster_families(program, every) & receivers
    assert found == pks(double_aid_families(user=cast.secretariat, year=YEAR))


def test_gone_are_recipients_deceased_moved_or_of_a_family_no_longer_active(cast, registry):
    f = coverage_summary(user=cast.secretariat, year=YEAR).figures
    # H7 died holding two benefits (PKH and BPNT): one person.
    assert (f.deceased, f.moved, f.gone) == (1, 2, 3)
    gone = [(p.pk, p.gone_reason) for p in gone_recipients(user=cast.secretariat, year=YEAR)]
    people = registry.people
    assert sorted(gone) == sorted(
        [
            (people.h7.pk, "deceased"),
            (people.h8.pk, "family_ended"),
            (people.h12.pk, "moved"),
        ]
    )


def test_a_recipient_whose_benefits_all_ended_is_not_gone(cast, registry):
    people = registry.people
    for benefit in people.h7.benefits.all():
        benefit.status, benefit.end_reason = BeneficiaryStatus.ENDED, EndReason.DECEASED
        benefit.save()
    f = coverage_summary(user=cast.secretariat, year=YEAR).figures
    assert (f.deceased, f.moved) == (0, 2)
    gone = {p.pk for p in gone_recipients(user=cast.secretariat, year=YEAR)}
    assert gone == {people.h8.pk, people.h12.pk}


def test_the_programs_a_listed_recipient_still_holds(cast, registry, django_assert_num_queries):
    people = registry.people
    user_role(cast.secretariat)  # the role, as a view has it
    with django_assert_num_queries(1):
        held = programs_held(user=cast.secretariat, year=YEAR, people=[people.h7, people.c9])
    assert held[people.h7.pk] == ["PKH Daerah", "Sembako Daerah"]
    assert held[people.c9.pk] == ["Pelatihan", "Pemberdayaan"]


def test_the_table_by_kecamatan_and_by_desa(cast, registry, django_assert_num_queries):
    cast.secretariat.has_perm("programs.view_coverage")  # the permissions, as a view has them
    with django_assert_num_queries(3):  # the clusters, the figures, the kecamatan
        rows = coverage_by_area(user=cast.secretariat, year=YEAR, level=KECAMATAN)
    assert len(rows) == 10  # every kecamatan of HSU, with zeros where nobody is counted
    by_name = {row.region.name: row.figures for row in rows}
    dp, bb = by_name["Danau Panggang"], by_name["Babirik"]
    assert (dp.families, dp.reached, dp.excluded, dp.unreached, dp.included) == (5, 3, 2, 1, 1)
    assert (dp.double_families, dp.double_people, dp.gone) == (1, 0, 0)
    assert (bb.families, bb.reached, bb.excluded, bb.unreached, bb.included) == (3, 3, 0, 0, 1)
    assert (bb.double_families, bb.double_people, bb.deceased, bb.moved) == (1, 1, 1, 2)
    assert [r.reached for r in dp.clusters] == [2, 1, 0, 0]
    assert by_name["Sungai Pandan"].families == 0

    villages = coverage_by_area(
        user=cast.secretariat, year=YEAR, level=DESA, district=registry.danau_panggang
    )
    assert {row.region.parent_id for row in villages} == {registry.danau_panggang.pk}
    by_village = {row.region.pk: row.figures for row in villages}
    namang, panggang = by_village[registry.namang.pk], by_village[registry.panggang.pk]
    assert (namang.families, namang.reached, namang.excluded, namang.double_families) == (
        4,
        3,
        2,
        1,
    )
    assert (panggang.families, panggang.reached, panggang.included) == (1, 0, 1)


def test_the_desa_rows_of_a_kecamatan_add_up_to_its_row(cast, registry):
    by_kecamatan = coverage_by_area(user=cast.secretariat, year=YEAR, level=KECAMATAN)
    for row in by_kecamatan:
        villages = coverage_by_area(
            user=cast.secretariat, year=YEAR, level=DESA, district=row.region
        )
        clusters = [reach.cluster for reach in row.figures.clusters]
        assert Figures.total([v.figures for v in villages], clusters) == row.figures, row.region
    summary = coverage_summary(user=cast.secretariat, year=YEAR, district=registry.babirik)
    assert summary.figures == next(r.figures for r in by_kecamatan if r.region == registry.babirik)


def test_a_districts_summary_is_its_own_families_only(cast, registry):
    f = coverage_summary(user=cast.secretariat, year=YEAR, district=registry.babirik).figures
    assert (f.families, f.reached, f.excluded, f.included, f.gone) == (3, 3, 0, 1, 3)
    excluded = excluded_families(user=cast.secretariat, year=YEAR, district=registry.babirik)
    assert not excluded.exists()
    in_namang = excluded_families(user=cast.secretariat, year=YEAR, village=registry.namang)
    assert pks(in_namang) == families(registry, 2, 3)


def test_another_year_counts_its_own_benefits(cast, registry):
    f = coverage_summary(user=cast.secretariat, year=2025).figures
    # Only F2's head had a (PKH) benefit in 2025.
    assert (f.reached, f.excluded, f.unreached) == (1, 5, 5)
    assert f.double_families == f.gone == 0


def test_each_list_counts_what_its_figure_says(cast, registry):
    f = coverage_summary(user=cast.secretariat, year=YEAR).figures
    lists = {
        EXCLUSION: excluded_families,
        UNREACHED: unreached_families,
        INCLUSION: included_families,
        DOUBLE: double_aid_families,
        GONE: gone_recipients,
    }
    for kind, selector in lists.items():
        assert selector(user=cast.secretariat, year=YEAR).count() == f.count(kind), kind


def test_bappeda_gets_the_figures_but_no_names(cast, registry):
    assert coverage_summary(user=cast.bappeda, year=YEAR).figures.excluded == 2
    assert not excluded_families(user=cast.bappeda, year=YEAR).exists()
    assert not gone_recipients(user=cast.bappeda, year=YEAR).exists()


def test_a_role_without_the_coverage_permission_gets_no_figures(cast, registry):
    with pytest.raises(PermissionDenied):
        coverage_summary(user=cast.officer_a, year=YEAR)
    assert not double_aid_families(user=cast.officer_a, year=YEAR).exists()


def test_the_programs_a_listed_family_receives(cast, registry, django_assert_num_queries):
    listed = [registry.f[1], registry.f[2], registry.f[9]]
    user_role(cast.secretariat)  # the role, as a view has it
    with django_assert_num_queries(1):
        received = programs_received(user=cast.secretariat, year=YEAR, households=listed)
    assert received[registry.f[1].pk] == ["PKH Daerah", "Sembako Daerah"]
    assert received[registry.f[9].pk] == ["Pelatihan", "Pemberdayaan"]
    assert registry.f[2].pk not in received


SQLITE_SCRIPT = """
import json
from types import SimpleNamespace
from django.db import connection
from programs.selectors import coverage
from programs.tests.test_coverage import YEAR, build_registry
from tkpk.roles import SECRETARIAT
from tkpk.tests.factories import AgencyFactory, UserFactory
user = UserFactory(username="sekretariat", role=SECRETARIAT)
registry = build_registry(SimpleNamespace(agency_a=AgencyFactory()))
f = coverage.coverage_summary(user=user, year=YEAR).figures
villages = coverage.coverage_by_area(
    user=user, year=YEAR, level=coverage.DESA, district=registry.danau_panggang
)
print(json.dumps({
    "vendor": connection.vendor,
    "figures": [f.families, f.reached, f.poorest, f.excluded, f.unreached, f.included,
                f.double_families, f.double_people, f.deceased, f.moved],
    "clusters": [reach.reached for reach in f.clusters],
    "lists": {kind: selector(user=user, year=YEAR).count()
              for kind, selector in coverage.DRILL_DOWNS.items()},
    "villages": {row.region.code: row.figures.families for row in villages if row.figures.families},
}))
"""


@pytest.mark.worker
def test_every_figure_and_list_runs_on_the_embedded_sqlite(tmp_path):
    """The same SQL on SQLite, the embedded default, in a process of its own on a fresh file."""
    root = Path(__file__).resolve().parents[2]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_QUEUE"}
    }
    env.update({"DEBUG": "1", "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tkpk.settings"})

    def manage(*args, stdin=None):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            input=stdin,
            timeout=300,
        ).stdout

    manage("migrate", "--no-input", "-v0")
    manage("load_regions", "--within", "63.08")
    found = json.loads(manage("shell", stdin=SQLITE_SCRIPT).strip().splitlines()[-1])
    assert found["vendor"] == "sqlite"
    assert found["figures"] == [8, 6, 6, 2, 1, 2, 2, 1, 1, 2]
    assert found["clusters"] == [4, 2, 0, 0]
    assert found["lists"] == {
        EXCLUSION: 2,
        UNREACHED: 1,
        INCLUSION: 2,
        DOUBLE: 2,
        GONE: 3,
    }
    assert found["villages"] == {"63.08.01.2003": 4, "63.08.01.2004": 1}
