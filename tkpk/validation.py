"""The registry of data validation rules: every app registers its own, so that the app that runs
them (households, which keeps the findings) never imports the app that wrote a rule (programs).

An app registers its rules in its AppConfig.ready(), like its menu items and slot panels:

    from tkpk import validation
    validation.register(validation.Rule(
        code="programs_beneficiary_deceased",
        severity=validation.Severity.WARNING,
        title=_("A deceased person is still an active beneficiary"),
        advice=_("End the person's enrolment in the program."),
        subject=validation.PERSON,
        find=lambda run: Beneficiary.objects.filter(...).values_list(
            "person_id", Value(None, output_field=BigIntegerField()),
            JSONObject(program=F("program__name")),
        ),
    ))

A rule's `find(run)` returns, set-based, the rows that break it: a QuerySet (its values_list of
three columns) or a pair (sql, params) selecting three columns: the subject's id (a person's or a
household's, as `subject` says), the id of another person or NULL, and the detail as JSON (a
JSON expression such as JSONObject, JSON text, or NULL for none). `run` is a RunContext: the
database vendor, today's date and a place where `prepare` hooks keep what they made. SQL with
params writes a literal percent sign as %%. Each subject appears once per rule; a rule with
`pairs=True` finds pairs of people, each pair once in either order (the runner keys them
"smaller:larger").

`prepare(run)`, if given, runs once per validation run before the first rule that names it (the
same function for several rules runs once): one pass over a big table whose result several
rules read, a function that SQLite lacks. This module imports no app and no model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

PERSON = "person"
HOUSEHOLD = "household"
SUBJECTS = (PERSON, HOUSEHOLD)


class Severity(models.TextChoices):
    """How bad a finding is: an error makes the record wrong, a warning probably so, an info
    asks for a look only."""

    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")
    INFO = "info", _("Information")


#: Worst first, for ordering.
SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass
class RunContext:
    """What a rule's `find` and `prepare` get: the vendor of the database ("postgresql",
    "sqlite"), today's local date (ages are counted to it), and `state`, where prepare hooks keep
    what they made for the rules (a table name, a flag)."""

    vendor: str
    today: dt.date
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def postgres(self) -> bool:
        return self.vendor == "postgresql"


@dataclass(frozen=True)
class Rule:
    """One named check of the registry's data; see the module docstring for `find`."""

    code: str
    severity: str
    title: Any
    advice: Any
    subject: str
    find: Callable[[RunContext], Any]
    pairs: bool = False
    prepare: Callable[[RunContext], None] | None = None
    #: Detail (dict) -> a sentence for the findings page and export; default: none.
    describe: Callable[[dict], str] | None = None
    #: PostgreSQL planner settings for this rule's statement only (SET LOCAL), where EXPLAIN
    #: showed the planner's choice to be the slow one: {"enable_mergejoin": "off"}.
    planner: dict[str, str] = field(default_factory=dict)

    def finder_sql(self, run: RunContext) -> tuple[str, list]:
        """The rule's SELECT of (subject id, other person id, detail) with its params."""
        found = self.find(run)
        query = getattr(found, "query", None)
        if query is not None:  # a QuerySet
            sql, params = query.sql_with_params()
            return sql, list(params)
        sql, params = found
        return sql, list(params or [])

    def description(self, detail: dict | None) -> str:
        if self.describe is None or not detail:
            return ""
        return self.describe(detail)


_RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Add a rule; registering a code again replaces the rule (tests swap rules)."""
    if not rule.code or len(rule.code) > 60 or not rule.code.replace("_", "").isalnum():
        raise ImproperlyConfigured(f"Rule code {rule.code!r}: letters, digits and _, at most 60.")
    if rule.severity not in Severity.values:
        raise ImproperlyConfigured(f"Rule {rule.code}: unknown severity {rule.severity!r}.")
    if rule.subject not in SUBJECTS:
        raise ImproperlyConfigured(f"Rule {rule.code}: subject must be one of {SUBJECTS}.")
    if rule.pairs and rule.subject != PERSON:
        raise ImproperlyConfigured(f"Rule {rule.code}: only people come in pairs.")
    _RULES[rule.code] = rule
    return rule


def unregister(code: str) -> None:
    """Take a rule out (tests register rules of their own and remove them again)."""
    _RULES.pop(code, None)


def rules() -> list[Rule]:
    """Every registered rule, worst severity first, then by code."""
    return sorted(_RULES.values(), key=lambda r: (SEVERITY_RANK[r.severity], r.code))


def rule(code: str) -> Rule | None:
    """The rule with this code, or None (a finding of a rule that is no longer registered)."""
    return _RULES.get(code)
