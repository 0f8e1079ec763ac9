"""The demo data: programs in every cluster for this year and the last, beneficiaries drawn from
the demo registry so that the coverage page tells its stories, reports in every status, and a
second seeding that adds nothing."""

import io

import pytest
from django.db.models import F
from django.utils import timezone

from households import demo as households_demo
from households.choices import PersonStatus
from households.models import Household
from programs.choices import EndReason, RealizationStatus
from programs.demo import seed
from programs.models import Beneficiary, BeneficiaryGroup, Cluster, Program, Realization
from tkpk.models import Agency, AuditEvent, User

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def demo_registry(hsu, monkeypatch):
    """The core demo (agencies and accounts, as seed_demo makes them) and a smaller demo
    registry (about 1,000 families instead of 5,000), loaded by the registry's own demo."""
    from tkpk.management.commands.seed_demo import DEMO_AGENCIES, DEMO_USERS
    from tkpk.services import agency_create, user_create

    agencies = {}
    for name, short, kind in DEMO_AGENCIES:
        agencies[short] = agency_create(user=None, name=name, short_name=short, kind=kind)
    for username, password, role, agency, _name, _position in DEMO_USERS:
        user_create(
            actor=None,
            username=username,
            password=password,
            role=role,
            agency=agencies.get(agency),
            email=f"{username}@tkpk.example",
        )
    monkeypatch.setattr(households_demo, "DEMO_PEOPLE", 4000)
    households_demo.seed(stdout=io.StringIO())


def active_families(**filters) -> set[int]:
    return set(
        Beneficiary.objects.active()
        .filter(fiscal_year=YEAR, **filters)
        .values_list("person__household_id", flat=True)
    )


def test_the_demo_tells_the_coverage_stories(demo_registry):
    out = io.StringIO()
    seed(stdout=out)
    assert "14 program(s) created" in out.getvalue()
    # Every cluster has programs in both years, of the agencies the issue names.
    for year in (YEAR - 1, YEAR):
        numbers = set(
            Cluster.objects.filter(programs__fiscal_year=year).values_list("number", flat=True)
        )
        assert numbers == {1, 2, 3, 4}
    agencies = set(Program.objects.values_list("agency__short_name", flat=True))
    assert agencies == {"Dinsos", "Dinkes", "DPMD", "Diskopdag", "PUPR"}
    assert Agency.objects.filter(short_name="PUPR").count() == 1
    # Exclusion: decile 1-2 families that no cluster-1 program reaches this year.
    cluster_1 = active_families(program__cluster__number=1)
    poorest = Household.objects.filter(decile__lte=2)
    missed = poorest.exclude(pk__in=cluster_1).count()
    assert 0.15 <= missed / poorest.count() <= 0.3
    # Inclusion: decile 6+ families in PKH, above its cut-off of 4.
    pkh = Program.objects.get(fiscal_year=YEAR, national_program__code="PKH")
    assert pkh.decile_cutoff == 4
    assert Household.objects.filter(pk__in=active_families(program=pkh), decile__gte=6).exists()
    # Double aid: PKH and the local Sembako, which no allowed pair covers.
    local = Program.objects.get(fiscal_year=YEAR, name="Bantuan Sembako Daerah")
    assert (local.cluster.number, local.national_program) == (1, None)
    assert active_families(program=pkh) & active_families(program=local)
    # Ended benefits, recipients who died with their benefit still active, members who moved.
    reasons = set(Beneficiary.objects.values_list("end_reason", flat=True))
    assert {EndReason.DECEASED, EndReason.GRADUATED, EndReason.NOT_ELIGIBLE} <= reasons
    assert Beneficiary.objects.active().filter(person__status=PersonStatus.DECEASED).exists()
    moved = Beneficiary.objects.active().exclude(person__household_id=F("household_at_enrolment"))
    assert moved.exists()
    # A group program with its groups, and reports in every status.
    assert BeneficiaryGroup.objects.filter(program__fiscal_year=YEAR, members__isnull=False)
    assert set(Realization.objects.values_list("status", flat=True)) == set(
        RealizationStatus.values
    )
    returned = Realization.objects.get(status=RealizationStatus.RETURNED)
    assert returned.verification_comment
    # The demo operators find their agency's programs.
    operator = User.objects.get(username="operator.dinsos")
    assert Program.objects.for_user(operator).filter(fiscal_year=YEAR).count() == 3


def test_seeding_twice_adds_nothing(demo_registry):
    seed(stdout=io.StringIO())

    def counts():
        return (
            Program.objects.count(),
            Beneficiary.objects.count(),
            Beneficiary.objects.active().count(),
            Realization.objects.count(),
            BeneficiaryGroup.objects.count(),
            Agency.objects.count(),
            AuditEvent.objects.count(),
        )

    before = counts()
    out = io.StringIO()
    seed(stdout=out)
    assert counts() == before
    assert "0 program(s) created" in out.getvalue()


def test_without_the_demo_accounts_the_seed_does_nothing(hsu):
    out = io.StringIO()
    seed(stdout=out)
    assert not Program.objects.exists()
    assert "skipped" in out.getvalue()
