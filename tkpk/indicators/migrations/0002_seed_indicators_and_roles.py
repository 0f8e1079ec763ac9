"""The indicators BPS publishes for every kabupaten/kota (and the region's HDI, Gini and open
unemployment), and the roles' permissions on the indicators app.

- Admin: everything.
- Sekretariat TKPK: enters and imports observations, RPJMD periods and targets, writes the
  recommendations, makes the annual report, runs the rollup, reads the dashboard.
- Operator SKPD: reads the dashboard (its program and follow-up figures: its own agency's only,
  tkpk.indicators.selectors).
- Bappeda: reads the dashboard and makes the annual report; enters nothing.

The poverty line is a price measure, not a goal: its direction (lower is better) only matters if
a plan sets it a target, which RPJMDs rarely do. The Admin may change an indicator in the admin.
"""

from decimal import Decimal

from django.db import migrations

from tkpk.migration_utils import grant_permissions, revoke_permissions

# code, name, unit, direction, decimals, minimum, maximum, is_key
INDICATORS = [
    ("P0", "Persentase penduduk miskin (P0)", "%", "lower_better", 2, "0", "100", True),
    ("JPM", "Jumlah penduduk miskin", "ribu jiwa", "lower_better", 2, "0", None, True),
    ("P1", "Indeks kedalaman kemiskinan (P1)", "indeks", "lower_better", 2, "0", None, False),
    ("P2", "Indeks keparahan kemiskinan (P2)", "indeks", "lower_better", 2, "0", None, False),
    ("GK", "Garis kemiskinan", "Rp/kapita/bulan", "lower_better", 0, "0", None, False),
    ("PE", "Persentase penduduk miskin ekstrem", "%", "lower_better", 2, "0", "100", True),
    ("TPT", "Tingkat pengangguran terbuka (TPT)", "%", "lower_better", 2, "0", "100", False),
    ("GINI", "Rasio Gini", "indeks", "lower_better", 3, "0", "1", False),
    ("IPM", "Indeks Pembangunan Manusia (IPM)", "indeks", "higher_better", 2, "0", "100", True),
]
SOURCES = {
    "TPT": "BPS, Survei Angkatan Kerja Nasional (Sakernas) Agustus",
    "IPM": "BPS, Indeks Pembangunan Manusia",
    "PE": "BPS, Susenas Maret (garis kemiskinan ekstrem Bank Dunia)",
}

MODELS = ["indicator", "rpjmdperiod", "target", "observation", "recommendation"]
CUSTOM = ["view_dashboard", "import_indicators", "make_annual_report", "run_rollup"]
READ = ["view_indicator", "view_rpjmdperiod", "view_target", "view_observation"]


def perms(*codenames):
    return [f"indicators.{codename}" for codename in codenames]


GRANTS = {
    "Admin": perms(
        *(
            f"{action}_{model}"
            for model in [*MODELS, "kecamatanboundary", "indicatorimport"]
            for action in ("add", "change", "delete", "view")
        ),
        *CUSTOM,
    ),
    "Sekretariat TKPK": perms(
        *(
            f"{action}_{model}"
            for model in ["rpjmdperiod", "target", "observation", "recommendation"]
            for action in ("add", "change", "delete", "view")
        ),
        "view_indicator",
        "add_indicatorimport",
        "view_indicatorimport",
        *CUSTOM,
    ),
    "Operator SKPD": perms("view_dashboard", *READ),
    "Bappeda": perms("view_dashboard", "make_annual_report", "view_recommendation", *READ),
}


def seed(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    for order, (code, name, unit, direction, decimals, low, high, key) in enumerate(INDICATORS):
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "direction": direction,
                "decimals": decimals,
                "source": SOURCES.get(code, "BPS, Survei Sosial Ekonomi Nasional (Susenas) Maret"),
                "minimum": Decimal(low) if low is not None else None,
                "maximum": Decimal(high) if high is not None else None,
                "order": order + 1,
                "is_key": key,
            },
        )
    grant_permissions(apps, GRANTS)


def unseed(apps, schema_editor):
    revoke_permissions(apps, GRANTS)
    apps.get_model("indicators", "Indicator").objects.filter(
        code__in=[row[0] for row in INDICATORS], observations__isnull=True, targets__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial"), ("tkpk", "0002_roles")]

    operations = [migrations.RunPython(seed, unseed)]
