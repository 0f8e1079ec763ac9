"""Give the four roles their permissions on programs.

- Admin: everything.
- Sekretariat TKPK: reads every program, report and beneficiary, verifies or returns the
  quarterly reports (unless a cluster names its coordinators), keeps the lists of clusters,
  national programs and allowed overlaps, and reads coverage and budget.
- Operator SKPD: enters its agency's programs (scoped by for_user), their quarterly reports and
  beneficiaries, by hand or from a file.
- Bappeda: reads programs, reports, coverage and budget as figures; never a beneficiary's name.
"""

from django.db import migrations

from tkpk.migration_utils import grant_permissions, revoke_permissions

MODELS = [
    "cluster",
    "nationalprogram",
    "allowedoverlap",
    "program",
    "realization",
    "beneficiarygroup",
    "beneficiary",
    "beneficiaryimport",
]
CUSTOM = ["view_coverage", "view_budget", "verify_realization"]
REFERENCE = ["cluster", "nationalprogram", "allowedoverlap"]


def crud(models, actions=("add", "change", "view")):
    return [f"programs.{action}_{model}" for model in models for action in actions]


GRANTS = {
    "Admin": crud(MODELS, ("add", "change", "delete", "view"))
    + [f"programs.{codename}" for codename in CUSTOM],
    "Sekretariat TKPK": crud(REFERENCE)
    + crud(
        ["program", "realization", "beneficiarygroup", "beneficiary", "beneficiaryimport"],
        ("view",),
    )
    + [f"programs.{codename}" for codename in CUSTOM],
    "Operator SKPD": crud(["program", "realization", "beneficiarygroup", "beneficiary"])
    + crud(["beneficiaryimport"], ("add", "view"))
    + crud(REFERENCE, ("view",)),
    "Bappeda": crud(["program", "realization", *REFERENCE], ("view",))
    + ["programs.view_coverage", "programs.view_budget"],
}


def forwards(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("programs", "0002_reference_data"), ("tkpk", "0002_roles")]

    operations = [migrations.RunPython(forwards, backwards)]
