"""The validation rules about programs, registered in the core's rule registry (tkpk.validation)
by ProgramsConfig.ready(): households, which runs the rules and keeps the findings, never
imports programs. Both are set-based SQL over the programs of the current fiscal year."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from households.choices import HouseholdStatus, PersonStatus
from tkpk import validation
from tkpk.validation import HOUSEHOLD, PERSON, Rule, RunContext, Severity

from .choices import CLOSED_STATUSES, BeneficiaryStatus
from .models import Beneficiary, Program
from .selectors.coverage import _DOUBLED_PAIRS, _benefit_cte, _conflict_cte


def _json(run: RunContext, *pairs: tuple[str, str]) -> str:
    items = ", ".join(f"'{key}', {value}" for key, value in pairs)
    return f"jsonb_build_object({items})" if run.postgres else f"json_object({items})"


def find_gone_beneficiary(run: RunContext):
    """An active benefit, in a program that still runs, of a person who died or moved away, or
    whose family is no longer an active one: one row a person, with the number of programs."""
    detail = _json(run, ("programs", "COUNT(*)"), ("status", "MAX(p.status)"))
    closed = ", ".join(["%s"] * len(CLOSED_STATUSES))
    return (
        f"""SELECT b.person_id, NULL, {detail}
            FROM {Beneficiary._meta.db_table} b
            JOIN {Program._meta.db_table} pr ON pr.id = b.program_id
            JOIN households_person p ON p.id = b.person_id
            JOIN households_household h ON h.id = p.household_id
            WHERE b.status = %s AND pr.status NOT IN ({closed})
              AND (p.status IN (%s, %s) OR h.status <> %s)
            GROUP BY b.person_id""",  # noqa: S608 - table names and placeholders only
        [
            BeneficiaryStatus.ACTIVE,
            *CLOSED_STATUSES,
            PersonStatus.DECEASED,
            PersonStatus.MOVED,
            HouseholdStatus.ACTIVE,
        ],
    )


def find_double_aid(run: RunContext):
    """A family in two programs of one cluster in the current fiscal year whose national
    programs are not an allowed pair: the rule of the coverage page's double-aid figure."""
    benefit, benefit_params = _benefit_cte(run.today.year)
    conflict, conflict_params = _conflict_cte(run.today.year)
    detail = _json(run, ("pairs", "COUNT(*)"), ("year", str(int(run.today.year))))
    return (
        f"""WITH {benefit}, {conflict}
            SELECT x.household_id, NULL, {detail} {_DOUBLED_PAIRS}
            GROUP BY x.household_id""",
        [*benefit_params, *conflict_params],
    )


RULES = [
    Rule(
        code="programs_beneficiary_gone",
        severity=Severity.WARNING,
        title=gettext_lazy("Deceased or moved person still an active beneficiary"),
        advice=gettext_lazy(
            "End the benefit in the program with the reason (deceased, moved away), or correct "
            "the person's status in the registry if it is wrong."
        ),
        subject=PERSON,
        find=find_gone_beneficiary,
        describe=lambda d: gettext_lazy("%(n)s active programs") % {"n": d.get("programs")},
    ),
    Rule(
        code="programs_double_aid",
        severity=Severity.WARNING,
        title=gettext_lazy("Double aid within one cluster"),
        advice=gettext_lazy(
            "The family receives two programs of one cluster that are not an allowed pair. "
            "Ask the agencies which one it should keep, and end the other."
        ),
        subject=HOUSEHOLD,
        find=find_double_aid,
    ),
]


def register() -> None:
    for rule in RULES:
        validation.register(rule)
