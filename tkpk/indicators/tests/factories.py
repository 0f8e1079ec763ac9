"""factory_boy factories of the indicators app. Indicators are the seeded rows (migration
0002); regions come from the `hsu` fixture (63.08 and its kecamatan)."""

from decimal import Decimal

import factory

from tkpk.models import Region

from ..choices import ObservationSource
from ..models import Indicator, Observation, Recommendation, RpjmdPeriod, Target


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def home() -> Region:
    return Region.objects.get(code="63.08")


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RpjmdPeriod

    region = factory.LazyFunction(home)
    first_year = 2021
    last_year = 2026
    perda_reference = "Perda Kabupaten Hulu Sungai Utara Nomor 1 Tahun 2021"


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    period = factory.SubFactory(PeriodFactory)
    indicator = factory.LazyFunction(lambda: indicator("P0"))
    year = 2021
    value = Decimal("6.38")


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    region = factory.LazyFunction(home)
    indicator = factory.LazyFunction(lambda: indicator("P0"))
    year = 2020
    value = Decimal("6.14")
    source = ObservationSource.BPS


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    year = 2025
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Rekomendasi {n}")
    text = "Perkuat pemutakhiran data keluarga desil 1."


#: HSU's P0 (domain.md, Susenas) and the RPJMD path of the seed, spread over 2021-2026.
HSU_P0 = {2016: "6.76", 2017: "6.65", 2018: "6.38", 2019: "6.50", 2020: "6.14"}
HSU_PATH = {2021: "6.38", 2022: "6.34", 2023: "6.30", 2024: "6.27", 2025: "6.23", 2026: "6.19"}


def hsu_plan(*, values=HSU_PATH, code="P0") -> RpjmdPeriod:
    period = PeriodFactory()
    for year, value in values.items():
        TargetFactory(period=period, indicator=indicator(code), year=year, value=Decimal(value))
    return period


HOME = "home"


def observations(values: dict, *, code="P0", region=HOME, source=ObservationSource.BPS):
    """Figures by year of the home region (region None: Indonesia)."""
    for year, value in values.items():
        ObservationFactory(
            region=home() if region == HOME else region,
            indicator=indicator(code),
            year=year,
            value=Decimal(value),
            source=source,
        )
