"""Demo figures of the indicators app, loaded by `manage.py seed_demo` after the registry,
programs and meetings (idempotent: a figure, period or target that exists is left alone).

- HSU's poverty rate (P0) 2016-2020 as domain.md gives it (BPS, Susenas Maret);
- the years after, up to last year, and the other indicators: **illustrative** figures (source
  "estimate", said so in their note), plausible but not BPS's: replace them with the published
  ones;
- Kalimantan Selatan's and Indonesia's P0 for the comparison lines (illustrative as well);
- the RPJMD 2021-2026 with its path: "ditarget turun dari 6,38 % menjadi 6,19 %", spread evenly
  over the period, and targets for extreme poverty, open unemployment and the HDI;
- two recommendations for last year's report;

then one rollup, so that the dashboard tells its story at first start: P0 above its path after
2020, back on it from 2024; extreme poverty far from its target of zero.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tkpk.choices import JobStatus
from tkpk.jobs import job_execute, job_run_inline
from tkpk.models import Job, Region, User

from .choices import ObservationSource
from .models import Indicator, Observation, Recommendation, Rollup, RpjmdPeriod, Target
from .services.entries import (
    ROLLUP_KIND,
    observation_create,
    period_create,
    recommendation_create,
    target_create,
)

HOME = "63.08"
PROVINCE = "63"
SUSENAS = "BPS, Susenas Maret (domain.md)"
ILLUSTRATIVE = "Angka ilustratif untuk demo, bukan angka resmi BPS: ganti dengan angka publikasi."
PERDA = "Perda Kabupaten Hulu Sungai Utara tentang RPJMD 2021–2026 (contoh demo)"

#: HSU's P0 as domain.md gives it (Susenas).
P0_BPS = {2016: "6.76", 2017: "6.65", 2018: "6.38", 2019: "6.50", 2020: "6.14"}
#: Illustrative figures of HSU for the years after 2020, up to 2025.
ESTIMATES = {
    "P0": {2021: "6.58", 2022: "6.41", 2023: "6.33", 2024: "6.26", 2025: "6.21"},
    "JPM": {2021: "15.61", 2022: "15.34", 2023: "15.25", 2024: "15.18", 2025: "15.14"},
    "P1": {2021: "1.02", 2022: "0.97", 2023: "0.92", 2024: "0.95", 2025: "0.88"},
    "P2": {2021: "0.24", 2022: "0.22", 2023: "0.20", 2024: "0.22", 2025: "0.19"},
    "GK": {2021: "466521", 2022: "492110", 2023: "523684", 2024: "547905", 2025: "566210"},
    "PE": {2021: "1.62", 2022: "1.21", 2023: "0.93", 2024: "0.61", 2025: "0.42"},
    "TPT": {2021: "3.45", 2022: "3.12", 2023: "3.05", 2024: "2.98", 2025: "2.87"},
    "GINI": {2021: "0.296", 2022: "0.301", 2023: "0.289", 2024: "0.292", 2025: "0.287"},
    "IPM": {2021: "69.61", 2022: "70.22", 2023: "70.79", 2024: "71.35", 2025: "71.90"},
}
#: Illustrative P0 of the province and of Indonesia, for the comparison lines.
COMPARISON_P0 = {
    PROVINCE: dict(
        zip(
            range(2016, 2026),
            "4.85 4.73 4.54 4.47 4.38 4.83 4.49 4.29 4.11 4.04".split(),
            strict=True,
        )
    ),
    None: dict(
        zip(
            range(2016, 2026),
            "10.86 10.64 9.82 9.41 9.78 10.14 9.54 9.36 9.03 8.47".split(),
            strict=True,
        )
    ),
}
FIRST_YEAR, LAST_YEAR = 2021, 2026
#: P0 from 6,38 % in the first year to 6,19 % in the last, evenly (rounded to 2 decimals).
P0_START, P0_END = Decimal("6.38"), Decimal("6.19")
TARGETS = {
    "PE": {2022: "1.00", 2023: "0.50", 2024: "0.00", 2025: "0.00", 2026: "0.00"},
    "TPT": {2022: "3.40", 2023: "3.30", 2024: "3.20", 2025: "3.05", 2026: "2.90"},
    "IPM": {2022: "70.30", 2023: "70.90", 2024: "71.50", 2025: "72.10", 2026: "72.70"},
}
RECOMMENDATIONS = [
    (
        "Percepat penghapusan kemiskinan ekstrem",
        "Persentase penduduk miskin ekstrem masih jauh dari target nol. Sekretariat TKPK "
        "mengusulkan agar keluarga desil 1 yang belum menerima bantuan klaster 1 diprioritaskan "
        "dalam pemutakhiran data dan penyaluran bantuan tahun berikutnya.",
    ),
    (
        "Tuntaskan tindak lanjut rapat koordinasi yang terlambat",
        "Perangkat daerah dengan tindak lanjut terlambat diminta melaporkan kemajuannya sebelum "
        "rapat evaluasi berikutnya.",
    ),
]


def p0_path() -> dict[int, Decimal]:
    """The P0 targets of 2021-2026: 6,38 % to 6,19 %, evenly, 2 decimals."""
    step = (P0_END - P0_START) / (LAST_YEAR - FIRST_YEAR)
    return {
        year: (P0_START + step * (year - FIRST_YEAR)).quantize(Decimal("0.01"))
        for year in range(FIRST_YEAR, LAST_YEAR + 1)
    }


def extended(values: dict[int, str], *, last_year: int, decimals: int) -> dict[int, Decimal]:
    """The series up to `last_year`: after its last year, each year continues the last step,
    damped by a fifth a year (never below zero), so that a demo run in a later year still has
    figures up to last year."""
    series = {year: Decimal(value) for year, value in values.items() if year <= last_year}
    years = sorted(series)
    step = series[years[-1]] - series[years[-2]]
    places = Decimal(1).scaleb(-decimals)
    for year in range(years[-1] + 1, last_year + 1):
        step = step * Decimal("0.8")
        series[year] = max(series[year - 1] + step, Decimal(0)).quantize(places)
    return series


def _observation(*, user, region, indicator, year, value, source, note) -> int:
    if Observation.objects.filter(
        region=region, indicator=indicator, year=year, source=source
    ).exists():
        return 0
    observation_create(
        user=user,
        region=region,
        indicator=indicator,
        year=year,
        value=Decimal(value),
        source=source,
        note=note,
    )
    return 1


def seed(*, stdout) -> None:
    if settings.HOME_REGION_CODE != HOME:
        stdout.write("Indicators demo skipped: its figures are those of HSU (63.08).")
        return
    home = Region.objects.filter(code=HOME).first()
    province = Region.objects.filter(code=PROVINCE).first()
    if home is None:
        stdout.write("Indicators demo skipped: the region 63.08 is not loaded.")
        return
    user = User.objects.filter(username="sekretariat").first()
    indicators = {i.code: i for i in Indicator.objects.all()}
    last_year = timezone.localdate().year - 1
    created = 0
    with transaction.atomic():
        for year, value in P0_BPS.items():
            created += _observation(
                user=user,
                region=home,
                indicator=indicators["P0"],
                year=year,
                value=value,
                source=ObservationSource.BPS,
                note=SUSENAS,
            )
        for code, values in ESTIMATES.items():
            series = extended(values, last_year=last_year, decimals=indicators[code].decimals)
            for year, value in series.items():
                created += _observation(
                    user=user,
                    region=home,
                    indicator=indicators[code],
                    year=year,
                    value=value,
                    source=ObservationSource.ESTIMATE,
                    note=ILLUSTRATIVE,
                )
        for code, values in COMPARISON_P0.items():
            region = province if code else None
            if code and region is None:
                continue
            for year, value in extended(values, last_year=last_year, decimals=2).items():
                created += _observation(
                    user=user,
                    region=region,
                    indicator=indicators["P0"],
                    year=year,
                    value=value,
                    source=ObservationSource.ESTIMATE,
                    note=ILLUSTRATIVE,
                )
        period = RpjmdPeriod.objects.filter(region=home, first_year=FIRST_YEAR).first()
        if period is None:
            period = period_create(
                user=user,
                region=home,
                first_year=FIRST_YEAR,
                last_year=LAST_YEAR,
                perda_reference=PERDA,
            )
            created += 1
        paths = {"P0": p0_path(), **TARGETS}
        for code, values in paths.items():
            for year, value in values.items():
                if Target.objects.filter(
                    period=period, indicator=indicators[code], year=year
                ).exists():
                    continue
                target_create(
                    user=user,
                    period=period,
                    indicator=indicators[code],
                    year=year,
                    value=Decimal(value),
                    note="RPJMD 2021–2026 (contoh demo)",
                )
                created += 1
        if not Recommendation.objects.filter(year=last_year).exists():
            for order, (title, text) in enumerate(RECOMMENDATIONS, start=1):
                recommendation_create(
                    user=user, year=last_year, order=order, title=title, text=text
                )
    if created or not Rollup.objects.exists():
        # The rollup that the entries asked for, run here rather than by the worker (which
        # will find it done and skip it), so that the dashboard has figures at first start.
        queued = (
            Job.objects.filter(kind=ROLLUP_KIND, status=JobStatus.QUEUED).order_by("-pk").first()
        )
        job = job_execute(queued.pk) if queued else None
        if job is None:
            job = job_run_inline(kind=ROLLUP_KIND, params={"reason": "demo"})
        stdout.write(
            f"Indicators: {created} demo figures, targets and periods; dashboard computed "
            f"({job.status})."
        )
