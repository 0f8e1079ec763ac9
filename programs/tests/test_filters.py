"""The FilterSets of the program pages, counted on `.qs`."""

import pytest
from django.utils import timezone

from programs.choices import FundingSource, ProgramStatus, RealizationStatus
from programs.filters import ProgramFilter, RealizationFilter
from programs.models import Program, Realization
from programs.tests.factories import ProgramFactory, RealizationFactory, cluster, national
from tkpk.models import Region

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def programs(**filters):
    return ProgramFilter(filters, queryset=Program.objects.all()).qs


@pytest.fixture
def programs_of_two_agencies(cast, hsu):
    pkh = ProgramFactory(
        agency=cast.agency_a,
        name="PKH Daerah",
        fiscal_year=THIS_YEAR,
        national_program=national("PKH"),
        budget_code="1.06.05.2.02.0003",
        budget_code_name="Fasilitasi Bantuan Sosial Kesejahteraan Keluarga",
    )
    pkh.locations.set([Region.objects.get(code="63.08.01.2003")])  # a village of 63.08.01
    kur = ProgramFactory(
        agency=cast.agency_b,
        name="Modal Usaha Mikro",
        fiscal_year=THIS_YEAR,
        cluster=cluster(3),
        national_program=national("KUR"),
        funding_source=FundingSource.APBN,
        status=ProgramStatus.PLANNED,
    )
    # The district and one of its villages: listed once.
    kur.locations.set(
        [Region.objects.get(code="63.08.02"), Region.objects.get(code="63.08.02.2001")]
    )
    ProgramFactory(agency=cast.agency_a, name="PKH Daerah", fiscal_year=THIS_YEAR - 1)
    return pkh, kur


def test_the_program_filter_shows_this_fiscal_year_by_default(programs_of_two_agencies):
    assert programs().count() == 2
    assert programs(fiscal_year=str(THIS_YEAR - 1)).count() == 1
    assert programs(fiscal_year="").count() == 3


def test_an_unknown_fiscal_year_makes_the_filters_invalid(programs_of_two_agencies):
    assert not ProgramFilter({"fiscal_year": "1999"}, queryset=Program.objects.all()).is_valid()


@pytest.mark.parametrize(
    ("q", "count"),
    [("pkh", 1), ("1.06.05", 1), ("kesejahteraan", 1), ("Dinkes", 1), ("Dinas", 2), ("x", 0)],
)
def test_the_program_search_reads_name_budget_code_and_agency(programs_of_two_agencies, q, count):
    assert programs(q=q).count() == count


def test_the_program_filter_by_cluster_agency_source_national_program_and_status(
    cast, programs_of_two_agencies
):
    assert programs(cluster=str(cluster(3).pk)).count() == 1
    assert programs(agency=str(cast.agency_a.pk), fiscal_year="").count() == 2
    assert programs(funding_source=FundingSource.APBN).count() == 1
    assert programs(national_program=str(national("PKH").pk)).count() == 1
    assert programs(status=ProgramStatus.PLANNED).count() == 1
    assert programs(status=ProgramStatus.RUNNING, agency=str(cast.agency_b.pk)).count() == 0


def test_the_district_filter_finds_programs_in_it_or_in_its_villages(programs_of_two_agencies):
    pkh, kur = programs_of_two_agencies
    in_01 = programs(kecamatan=str(Region.objects.get(code="63.08.01").pk))
    in_02 = programs(kecamatan=str(Region.objects.get(code="63.08.02").pk))
    in_03 = programs(kecamatan=str(Region.objects.get(code="63.08.03").pk))
    assert list(in_01) == [pkh]
    assert list(in_02) == [kur]  # once, though it lies in the district and in a village
    assert in_03.count() == 0


def reports(default_status="", **filters):
    queryset = Realization.objects.all()
    return RealizationFilter(filters, queryset=queryset, default_status=default_status).qs


@pytest.fixture
def reports_of_two_agencies(programs_of_two_agencies):
    pkh, kur = programs_of_two_agencies
    RealizationFactory(program=pkh, quarter=1, status=RealizationStatus.VERIFIED)
    RealizationFactory(program=pkh, quarter=2, status=RealizationStatus.SUBMITTED)
    RealizationFactory(program=kur, quarter=1, status=RealizationStatus.SUBMITTED)
    old = Program.objects.get(fiscal_year=THIS_YEAR - 1)
    RealizationFactory(program=old, quarter=4, status=RealizationStatus.RETURNED)


def test_the_report_filter_applies_its_default_status_unless_one_is_named(
    reports_of_two_agencies,
):
    assert reports().count() == 4
    assert reports(default_status=RealizationStatus.SUBMITTED).count() == 2
    assert reports(default_status=RealizationStatus.SUBMITTED, status="").count() == 4
    assert reports(status=RealizationStatus.RETURNED).count() == 1


def test_the_report_filter_by_year_quarter_cluster_agency_and_search(cast, reports_of_two_agencies):
    assert reports(fiscal_year=str(THIS_YEAR)).count() == 3
    assert reports(quarter="1").count() == 2
    assert reports(cluster=str(cluster(3).pk)).count() == 1
    assert reports(agency=str(cast.agency_a.pk)).count() == 3
    assert reports(q="modal").count() == 1
