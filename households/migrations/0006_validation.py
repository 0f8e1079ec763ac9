"""Data validation (issue 12): the findings of the validation runs; pg_trgm for the duplicate
people rule (PostgreSQL only; SQLite computes the similarity in Python); room in the families'
pages for the runs' has_problems updates; and the permission to see and decide findings for Admin
and the secretariat (the Operator SKPD and Bappeda: none)."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from tkpk.migration_utils import grant_permissions, revoke_permissions

GRANTS = {
    role: [f"households.{action}_validationfinding" for action in ("view", "change")]
    for role in ("Admin", "Sekretariat TKPK")
}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def revoke(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


def fillfactor(apps, schema_editor):
    """10 % free space in each page of the families' table (from the next load on): a run
    flips has_problems of thousands of families, and with room on the page PostgreSQL updates a
    row without new entries in its four indexes (a HOT update: 260 ms instead of 440 ms for
    36,000 families)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE households_household SET (fillfactor = 90)")


def fillfactor_reset(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE households_household RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0005_rt_rw_three_digits"),
        ("tkpk", "0010_secretariat_manages_agencies"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ValidationFinding",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("rule", models.CharField(max_length=60, verbose_name="rule")),
                ("key", models.CharField(max_length=64, verbose_name="key")),
                (
                    "severity",
                    models.CharField(
                        choices=[
                            ("error", "Error"),
                            ("warning", "Warning"),
                            ("info", "Information"),
                        ],
                        max_length=8,
                        verbose_name="severity",
                    ),
                ),
                ("detail", models.JSONField(blank=True, default=dict, verbose_name="detail")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("resolved", "Resolved"),
                            ("ignored", "Ignored"),
                        ],
                        default="open",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("opened_at", models.DateTimeField(verbose_name="open since")),
                (
                    "closed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="closed at"),
                ),
                (
                    "decided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
                ),
                ("decision_reason", models.TextField(blank=True, verbose_name="reason")),
                (
                    "closed_run",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="tkpk.job",
                        verbose_name="resolved by the run",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="decided by",
                    ),
                ),
                (
                    "first_seen_run",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="tkpk.job",
                        verbose_name="first found by",
                    ),
                ),
                (
                    "household",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="validation_findings",
                        to="households.household",
                        verbose_name="household",
                    ),
                ),
                (
                    "other_person",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="households.person",
                        verbose_name="other person",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="validation_findings",
                        to="households.person",
                        verbose_name="person",
                    ),
                ),
                (
                    "village",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="tkpk.region",
                        verbose_name="village",
                    ),
                ),
            ],
            options={
                "verbose_name": "validation finding",
                "verbose_name_plural": "validation findings",
                "ordering": ["rule", "id"],
                "indexes": [
                    models.Index(fields=["status", "rule", "id"], name="households_vf_status_rule"),
                    models.Index(fields=["village", "status"], name="households_vf_village"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("rule", "key"), name="households_validationfinding_unique_rule_key"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["open", "resolved", "ignored"])),
                        name="households_validationfinding_status_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("severity__in", ["error", "warning", "info"])),
                        name="households_validationfinding_severity_valid",
                    ),
                ],
            },
        ),
        # pg_trgm's similarity() for the duplicate people rule; the operation does nothing on
        # other databases.
        TrigramExtension(),
        migrations.RunPython(fillfactor, fillfactor_reset),
        migrations.RunPython(grant, revoke),
    ]
