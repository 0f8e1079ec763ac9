"""Reads of the validation findings and runs, scoped by user."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count

from tkpk import validation
from tkpk.choices import JobStatus
from tkpk.models import Job, Region
from tkpk.validation import SEVERITY_RANK, Severity

from ..choices import FindingStatus
from ..models import ValidationFinding
from ..privacy import kk_shown, nik_shown, sees_full_identity
from .filters import ValidationFindingFilter
from .runs import KIND, validation_run_active

RECENT_RUNS = 5


def validation_finding_list(*, user, filters: dict | None = None) -> ValidationFindingFilter:
    """The findings the user may see, filtered, with what a row shows. Returns the bound
    FilterSet (`.qs`)."""
    queryset = (
        ValidationFinding.objects.for_user(user)
        .select_related(
            "person",
            "other_person",
            "other_person__household",
            "household",
            "village",
            "village__parent",
            "decided_by",
        )
        .order_by("rule", "id")
    )
    return ValidationFindingFilter(filters or {}, queryset=queryset, user=user)


def finding_rows(*, user, findings) -> list[dict]:
    """The findings of a page as this user may see them: NIKs and No. KK shown as the role may
    (households.privacy), the rule's title, advice and the detail in words. No birth date, sex
    or mother's name: next to a masked NIK they would give it back."""
    full_identity = sees_full_identity(user)
    rows = []
    for finding in findings:
        rule = validation.rule(finding.rule)
        person, other = finding.person, finding.other_person
        detail = finding.detail or {}
        rows.append(
            {
                "finding": finding,
                "rule": rule,
                "title": rule.title if rule else finding.rule,
                "advice": rule.advice if rule else "",
                "description": rule.description(detail) if rule else "",
                "person": person,
                "nik": nik_shown(person.identity_number, full_identity=full_identity)
                if person
                else "",
                "other": other,
                "other_nik": nik_shown(other.identity_number, full_identity=full_identity)
                if other
                else "",
                "other_household_id": other.household_id if other else None,
                "kk": kk_shown(finding.household.kk_number, full_identity=full_identity)
                if finding.household
                else "",
                "reopened": detail.get("reopened"),
            }
        )
    return rows


def validation_summary(*, user, district: str = "") -> dict:
    """The summary page: per rule the open, ignored and resolved findings and the change since
    the previous run; open findings per kecamatan (and per desa of one kecamatan) by severity;
    the run going on and the last runs."""
    findings = ValidationFinding.objects.for_user(user)
    by_status: dict[str, dict[str, int]] = {}
    for row in findings.order_by().values("rule", "status").annotate(n=Count("id")):
        by_status.setdefault(row["rule"], {})[row["status"]] = row["n"]
    runs = list(
        Job.objects.for_user(user)
        .filter(kind=KIND)
        .select_related("created_by")
        .order_by("-created_at", "-id")[:RECENT_RUNS]
    )
    full_runs = [
        job
        for job in runs
        if job.status == JobStatus.SUCCEEDED and job.counts.get("full", True) and job.counts
    ]
    last = full_runs[0].counts.get("rules", {}) if full_runs else {}
    previous = full_runs[1].counts.get("rules", {}) if len(full_runs) > 1 else None
    codes = {rule.code for rule in validation.rules()} | set(by_status)
    rows = []
    for code in codes:
        rule = validation.rule(code)
        counts = by_status.get(code, {})
        ran = last.get(code, {})
        rows.append(
            {
                "code": code,
                "rule": rule,
                "title": rule.title if rule else code,
                "advice": rule.advice if rule else "",
                "severity": rule.severity if rule else "",
                "open": counts.get(FindingStatus.OPEN, 0),
                "ignored": counts.get(FindingStatus.IGNORED, 0),
                "resolved": counts.get(FindingStatus.RESOLVED, 0),
                "new": ran.get("new", 0) + ran.get("reopened", 0),
                "closed": ran.get("closed", 0),
                # Open after the last run against open after the one before.
                "change": (ran.get("open", 0) - previous.get(code, {}).get("open", 0))
                if previous is not None and ran
                else None,
            }
        )
    rows.sort(key=lambda r: (SEVERITY_RANK.get(r["severity"], 9), -r["open"], r["code"]))
    return {
        "rules": rows,
        "totals": _totals(rows),
        "areas": _areas(findings, district=district),
        "active_job": validation_run_active_for(user),
        "runs": runs,
        "last_run": full_runs[0] if full_runs else None,
        "previous_run": full_runs[1] if len(full_runs) > 1 else None,
    }


def _totals(rows: list[dict]) -> dict:
    return {
        name: sum(row[name] for row in rows) for name in ("open", "ignored", "resolved", "new")
    } | {"closed": sum(row["closed"] for row in rows)}


def validation_run_active_for(user) -> Job | None:
    """The run going on, if the user may see it (every secretariat user and Admin may)."""
    job = validation_run_active()
    if job is None or not Job.objects.for_user(user).filter(pk=job.pk).exists():
        return None
    return job


def _areas(findings, *, district: str) -> dict:
    """Open findings by severity per kecamatan of the home region, and per desa of the chosen
    kecamatan (its id in `district`)."""
    home = settings.HOME_REGION_CODE
    districts = list(Region.objects.filter(level=3).within(home).order_by("name"))
    open_findings = findings.filter(status=FindingStatus.OPEN).order_by()
    per_district = _by_severity(
        open_findings.values("village__parent", "severity").annotate(n=Count("id")),
        "village__parent",
    )
    chosen = next((d for d in districts if str(d.pk) == district.strip()), None)
    villages = []
    if chosen is not None:
        per_village = _by_severity(
            open_findings.filter(village__parent=chosen)
            .values("village", "severity")
            .annotate(n=Count("id")),
            "village",
        )
        villages = [
            {"region": village, **per_village.get(village.pk, _empty())}
            for village in Region.objects.filter(parent=chosen).order_by("name")
        ]
    rows = [{"region": d, **per_district.get(d.pk, _empty())} for d in districts]
    outside = per_district.get(None)
    return {"districts": rows, "chosen": chosen, "villages": villages, "no_village": outside}


def _empty() -> dict:
    return {Severity.ERROR.value: 0, Severity.WARNING.value: 0, Severity.INFO.value: 0, "total": 0}


def _by_severity(rows, key: str) -> dict:
    found: dict = {}
    for row in rows:
        counts = found.setdefault(row[key], _empty())
        counts[row["severity"]] = counts.get(row["severity"], 0) + row["n"]
        counts["total"] += row["n"]
    return found
