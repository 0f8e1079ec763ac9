"""Factories of the programs app. Clusters and national programs are the seeded rows
(migration 0002); families come from households.tests.factories (the `hsu` regions)."""

import factory

from programs.choices import FundingSource, ProgramStatus, TargetUnit
from programs.models import Beneficiary, Cluster, NationalProgram, Program, Realization
from tkpk.tests.factories import AgencyFactory


def cluster(number: int) -> Cluster:
    return Cluster.objects.get(number=number)


def national(code: str) -> NationalProgram:
    return NationalProgram.objects.get(code=code)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    agency = factory.SubFactory(AgencyFactory)
    cluster = factory.LazyFunction(lambda: cluster(1))
    name = factory.Sequence(lambda n: f"Bantuan Keluarga {n}")
    fiscal_year = 2026
    funding_source = FundingSource.APBD_REGENCY
    budget = 1_000_000_000
    target_quantity = 500
    target_unit = TargetUnit.FAMILY
    status = ProgramStatus.RUNNING


class RealizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Realization

    program = factory.SubFactory(ProgramFactory)
    quarter = 1
    spent = 100_000_000
    reached = 100
    physical_progress = 25


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beneficiary

    program = factory.SubFactory(ProgramFactory)
    fiscal_year = factory.SelfAttribute("program.fiscal_year")
    person = None
    household_at_enrolment = factory.SelfAttribute("person.household")
    kk_at_enrolment = factory.SelfAttribute("person.household.kk_number")
