"""Validation runs (issue 12): every registered rule over the whole registry, set-based, and the
findings kept across runs.

A run is a Job of kind "households.validate" (households.job_handlers). It works in four steps:

1. each rule's SELECT goes into a temporary table with one INSERT ... SELECT (no query per
   person), keyed by rule and subject ("smaller:larger" for a pair of people);
2. the found rows meet the stored findings in one join (`vr_staged`): which are new, which come
   back, which changed and which are the same;
3. a few statements in one short transaction write only what differs: new keys open; a finding
   that a person or a run resolved and that is found again opens again, saying so in its detail
   ("reopened"); an ignored finding stays ignored whatever the run finds (a person decided it);
   open findings that are no longer found are resolved by the run; unchanged findings are not
   written at all;
4. Household.has_problems follows the open findings of severity error or warning (info findings
   flag nothing), written only where it changes, in batches of FLAG_BATCH rows, each its own
   transaction.

Nothing here takes a table lock: the rules only read (a person editing a family is never kept
waiting), and the writes lock only the finding and family rows they change, briefly. One run at a
time: `validation_run_start` returns the run that is queued or running instead of starting a
second, and a run itself holds a PostgreSQL advisory lock while it works.
"""

# ruff: noqa: S608 - SQL assembled from this module's own table names; values are parameters.

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tkpk import validation
from tkpk.choices import JobStatus
from tkpk.jobs import job_is_stale, job_start, jobs_fail_stale
from tkpk.models import Job
from tkpk.validation import HOUSEHOLD, PERSON, Rule, RunContext, Severity

from ..choices import FindingStatus

logger = logging.getLogger(__name__)

KIND = "households.validate"
FOUND = "vr_found"
RULE_ROWS = "vr_rule_rows"
STAGED = "vr_staged"
FLAGS = "vr_flags"
#: Severities whose open findings mark a family as having problems.
PROBLEM_SEVERITIES = (Severity.ERROR.value, Severity.WARNING.value)
#: Families whose has_problems changes are written this many at a time, each batch committed.
FLAG_BATCH = 5000
#: Why a run was started (Job.params["reason"]).
MANUAL, NIGHTLY, IMPORT, COMMAND = "manual", "nightly", "import", "command"

# Advisory lock keys (PostgreSQL): one serialises starting, one is held by the running run.
_START_LOCK = "households.validate.start"
_RUN_LOCK = "households.validate.run"

OPEN = FindingStatus.OPEN.value
RESOLVED = FindingStatus.RESOLVED.value
IGNORED = FindingStatus.IGNORED.value


class UnknownRules(ValueError):
    """Rule codes that no app registered."""


def chosen_rules(codes: list[str] | None = None) -> list[Rule]:
    """The rules of a run: the given codes (UnknownRules for codes nobody registered) or all."""
    if not codes:
        return validation.rules()
    unknown = [code for code in codes if validation.rule(code) is None]
    if unknown:
        raise UnknownRules(", ".join(unknown))
    wanted = set(codes)
    return [rule for rule in validation.rules() if rule.code in wanted]


# -- Starting ------------------------------------------------------------------------------------


def validation_run_active() -> Job | None:
    """The validation run that is queued or running, if any (a run whose worker died is failed
    first, so that it does not block every later run until the stale check)."""
    active = Job.objects.filter(kind=KIND, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    job = active.order_by("created_at", "id").first()
    if job is not None and job_is_stale(job) and jobs_fail_stale(job=job):
        job = active.order_by("created_at", "id").first()
    return job


def _serialise_starts() -> None:
    """Inside the caller's transaction: make concurrent starts wait for each other, so that two
    clicks (or beat and a click) see each other's job. SQLite's IMMEDIATE transactions already
    serialise every writer."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_START_LOCK])


@transaction.atomic
def validation_run_start(
    *, user=None, rules: list[str] | None = None, reason: str = MANUAL, enqueue: bool = True
) -> Job:
    """Start a validation run, enqueued when the transaction commits; or, while one is queued or
    running, return that one. The returned job has `started_now` (False for the run already
    going). An import's request while a run is going asks that run for one more run after it
    (its data may have changed behind the running run). `enqueue=False` (the command) creates
    the job without sending it to a worker; the caller runs it."""
    if rules:
        chosen_rules(rules)  # UnknownRules before anything is stored
    _serialise_starts()
    active = validation_run_active()
    if active is not None:
        if reason == IMPORT and active.status == JobStatus.RUNNING:
            params = {**active.params, "again": True}
            Job.objects.filter(pk=active.pk).update(params=params)
            active.params = params
        active.started_now = False
        return active
    params = {"rules": list(rules or []), "reason": reason}
    if enqueue:
        job = job_start(kind=KIND, user=user, params=params)
    else:
        job = Job.objects.create(kind=KIND, created_by=user, params=params)
    job.started_now = True
    return job


@transaction.atomic
def _start_follow_up(job: Job) -> Job | None:
    """After a run that an import asked to repeat: one more run, unless another is queued."""
    _serialise_starts()
    waiting = Job.objects.filter(kind=KIND, status=JobStatus.QUEUED).exclude(pk=job.pk).first()
    if waiting is not None:
        return None
    return job_start(kind=KIND, user=None, params={"rules": [], "reason": IMPORT})


# -- Running -------------------------------------------------------------------------------------


def validation_run(*, job: Job, progress: Callable[[int, int, str], None] | None = None) -> dict:
    """Run the job's rules (Job.params["rules"], all when empty) and bring the findings up to
    date; returns the counts for Job.counts: per rule (found, new, reopened, closed, ignored kept,
    open), in total (findings_open, findings_new, findings_closed, ignored_kept, seconds,
    findings_written, households_flagged, households_cleared) and the seconds of each step
    (`timings`: each rule, each prepare, staging, writing, has_problems)."""
    started = time.perf_counter()
    codes = list(job.params.get("rules") or [])
    rules = chosen_rules(codes)
    run = RunContext(vendor=connection.vendor, today=timezone.localdate())
    steps = len(rules) + 2
    timings: dict[str, float] = {}

    def report(done: int, what) -> None:
        if progress is not None:
            progress(done, steps, str(what))

    @contextmanager
    def timed(name: str):
        step = time.perf_counter()
        yield
        timings[name] = round(time.perf_counter() - step, 3)
        logger.debug("validation %s: %.2fs", name, timings[name])

    with _run_session(run):
        _create_found()
        prepared: set = set()
        for position, rule in enumerate(rules):
            report(position, rule.title)
            if rule.prepare is not None and rule.prepare not in prepared:
                with timed(rule.prepare.__name__):
                    rule.prepare(run)
                prepared.add(rule.prepare)
            with timed(rule.code):
                _collect(rule, run)
        report(len(rules), _("Comparing with the previous findings"))
        with timed("compare_and_write"):
            counts = _apply(job, rules, full=not codes, run=run)
        report(len(rules) + 1, _("Marking the families with problems"))
        with timed("has_problems"):
            flagged, cleared = _follow_problems()
    counts["households_flagged"], counts["households_cleared"] = flagged, cleared
    counts["timings"] = timings
    counts["seconds"] = round(time.perf_counter() - started, 2)
    logger.info(
        "validation run #%s: %s findings open, %s new, %s closed in %.2fs",
        job.pk,
        counts["findings_open"],
        counts["findings_new"],
        counts["findings_closed"],
        counts["seconds"],
    )
    if Job.objects.filter(pk=job.pk, params__again=True).exists():
        _start_follow_up(job)
    return counts


@contextmanager
def _run_session(run: RunContext):
    """PostgreSQL: hold the run lock, give the joins memory and switch JIT off (its compile time
    cost more than the statements themselves); afterwards undo all and drop the run's tables."""
    postgres = run.postgres
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [_RUN_LOCK])
            cursor.execute("SET work_mem = '128MB'")
            cursor.execute("SET jit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for table in (FOUND, RULE_ROWS, STAGED, FLAGS, *run.state.get("temporary_tables", [])):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            if postgres:
                cursor.execute("RESET work_mem")
                cursor.execute("RESET jit")
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [_RUN_LOCK])


def _create_found() -> None:
    detail = "jsonb" if connection.vendor == "postgresql" else "text"
    with connection.cursor() as cursor:
        for table in (FOUND, STAGED, FLAGS):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"""CREATE TEMPORARY TABLE {FOUND} (
                    rule varchar(60) NOT NULL, key varchar(64) NOT NULL,
                    severity varchar(8) NOT NULL, subject varchar(10) NOT NULL,
                    subject_id bigint NOT NULL, other_id bigint, detail {detail} NOT NULL
                )"""
        )
        cursor.execute(f"CREATE UNIQUE INDEX {FOUND}_key ON {FOUND} (rule, key)")


def _collect(rule: Rule, run: RunContext) -> int:
    """The rule's rows into FOUND, keyed; a subject (or pair) found twice counts once. The
    rule's SELECT runs as CREATE TABLE ... AS, which PostgreSQL may run with parallel workers
    (an INSERT ... SELECT it never does), then one INSERT ... SELECT moves its rows into FOUND.
    Returns the rows found."""
    sql, params = rule.finder_sql(run)
    if rule.pairs:
        first = "CASE WHEN f.subject_id < f.other_id THEN f.subject_id ELSE f.other_id END"
        second = "CASE WHEN f.subject_id < f.other_id THEN f.other_id ELSE f.subject_id END"
        key = f"CAST({first} AS varchar(30)) || ':' || CAST({second} AS varchar(30))"
    else:
        first, second = "f.subject_id", "f.other_id"
        key = "CAST(f.subject_id AS varchar(30))"
    if run.postgres:
        detail = "COALESCE(CAST(f.detail AS jsonb), '{}'::jsonb)"
        first, second = f"CAST({first} AS bigint)", f"CAST({second} AS bigint)"
    else:
        detail = "COALESCE(json(f.detail), '{}')"
    with transaction.atomic(), connection.cursor() as cursor:
        if run.postgres:
            for name, value in rule.planner.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        cursor.execute(f"DROP TABLE IF EXISTS {RULE_ROWS}")
        cursor.execute(
            f"""CREATE TEMPORARY TABLE {RULE_ROWS} AS
                WITH f (subject_id, other_id, detail) AS ({sql})
                SELECT subject_id, other_id, detail FROM f""",
            params,
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {FOUND} (rule, key, severity, subject, subject_id, other_id, detail)
                SELECT %s, {key}, %s, %s, {first}, {second}, {detail} FROM {RULE_ROWS} f
                WHERE f.subject_id IS NOT NULL
                ON CONFLICT (rule, key) DO NOTHING""",
            [rule.code, rule.severity, rule.subject],
        )
        found = cursor.rowcount
        cursor.execute(f"DROP TABLE {RULE_ROWS}")
    return found


def _stage(run: RunContext) -> None:
    """STAGED: each found row with its family and village, and the stored finding of the same
    rule and key (its id and status) with whether the row differs from it. A subject deleted
    since the rule ran drops out (and its open finding is resolved)."""
    if run.postgres:
        stored_detail = "(f.detail - 'reopened')"
        differs = "IS DISTINCT FROM"
    else:
        stored_detail = "json_remove(f.detail, '$.reopened')"
        differs = "IS NOT"
    select = f"""SELECT s.rule, s.key, s.severity, {{person}} AS person_id,
                        s.other_id AS other_person_id, h.id AS household_id, h.village_id,
                        s.detail, f.id AS finding_id, f.status AS finding_status,
                        (f.id IS NOT NULL AND ({stored_detail} {differs} s.detail
                         OR f.severity <> s.severity OR f.household_id {differs} h.id
                         OR f.village_id {differs} h.village_id
                         OR f.other_person_id {differs} s.other_id)) AS changed
                 FROM {FOUND} s {{join}}
                 LEFT JOIN households_validationfinding f ON f.rule = s.rule AND f.key = s.key
                 WHERE s.subject = %s"""
    person = select.format(
        person="p.id",
        join="""JOIN households_person p ON p.id = s.subject_id
                JOIN households_household h ON h.id = p.household_id""",
    )
    household = select.format(
        person="CAST(NULL AS bigint)",
        join="JOIN households_household h ON h.id = s.subject_id",
    )
    with connection.cursor() as cursor:
        if run.postgres:
            cursor.execute(f"ANALYZE {FOUND}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGED} AS {person} UNION ALL {household}",
            [PERSON, HOUSEHOLD],
        )
        cursor.execute(f"CREATE INDEX {STAGED}_finding ON {STAGED} (finding_id)")
        if run.postgres:
            cursor.execute(f"ANALYZE {STAGED}")


def _apply(job: Job, rules: list[Rule], *, full: bool, run: RunContext) -> dict:
    """Steps 2 and 3 of the module docstring; returns the counts."""
    now = timezone.now()
    postgres = run.postgres
    codes = [rule.code for rule in rules]
    per_rule = {
        code: {"found": 0, "new": 0, "reopened": 0, "closed": 0, "ignored_kept": 0, "open": 0}
        for code in codes
    }
    _stage(run)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT rule, COUNT(*),
                       SUM(CASE WHEN finding_id IS NULL THEN 1 ELSE 0 END),
                       SUM(CASE WHEN finding_status = %s THEN 1 ELSE 0 END)
                FROM {STAGED} GROUP BY rule""",
            [IGNORED],
        )
        for code, found, new, ignored in cursor.fetchall():
            per_rule[code].update(found=found, new=new or 0, ignored_kept=ignored or 0)
    if postgres:
        keep_marker = """CASE WHEN (households_validationfinding.detail -> 'reopened') IS NOT NULL
            THEN s.detail || jsonb_build_object('reopened',
                                                households_validationfinding.detail -> 'reopened')
            ELSE s.detail END"""
        reopened = """s.detail || jsonb_build_object('reopened', jsonb_build_object(
            'run', %(job)s, 'closed_run', households_validationfinding.closed_run_id,
            'resolved_by', (SELECT username FROM tkpk_user u
                            WHERE u.id = households_validationfinding.decided_by_id),
            'reason', households_validationfinding.decision_reason))"""
        changed = "s.changed"
    else:
        keep_marker = """CASE WHEN json_type(households_validationfinding.detail, '$.reopened')
                                   IS NOT NULL
            THEN json_set(s.detail, '$.reopened',
                          json(json_extract(households_validationfinding.detail, '$.reopened')))
            ELSE s.detail END"""
        reopened = """json_set(s.detail, '$.reopened', json_object(
            'run', %(job)s, 'closed_run', households_validationfinding.closed_run_id,
            'resolved_by', (SELECT username FROM tkpk_user u
                            WHERE u.id = households_validationfinding.decided_by_id),
            'reason', households_validationfinding.decision_reason))"""
        changed = "s.changed = 1"
    params = {"job": job.pk, "now": now, "open": OPEN, "resolved": RESOLVED, "ignored": IGNORED}
    scope = ""
    if not full:
        scope = "AND rule IN (" + ", ".join(f"%(rule{i})s" for i in range(len(codes))) + ")"
        params.update({f"rule{i}": code for i, code in enumerate(codes)})
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        # First what is gone: the rows inserted below are not in STAGED with an id.
        cursor.execute(
            f"""UPDATE households_validationfinding SET
                    status = %(resolved)s, closed_run_id = %(job)s, closed_at = %(now)s
                WHERE status = %(open)s {scope}
                  AND NOT EXISTS (SELECT 1 FROM {STAGED} s
                                  WHERE s.finding_id = households_validationfinding.id)
                RETURNING rule""",
            params,
        )
        closed = Counter(code for (code,) in cursor.fetchall())
        written += sum(closed.values())
        cursor.execute(
            f"""INSERT INTO households_validationfinding
                    (rule, key, severity, person_id, other_person_id, household_id, village_id,
                     detail, status, first_seen_run_id, opened_at, decision_reason)
                SELECT rule, key, severity, person_id, other_person_id, household_id,
                       village_id, detail, %(open)s, %(job)s, %(now)s, ''
                FROM {STAGED} WHERE finding_id IS NULL
                ON CONFLICT (rule, key) DO NOTHING""",
            params,
        )
        written += cursor.rowcount
        cursor.execute(
            f"""UPDATE households_validationfinding SET
                    status = %(open)s, severity = s.severity, person_id = s.person_id,
                    other_person_id = s.other_person_id, household_id = s.household_id,
                    village_id = s.village_id, detail = {reopened}, opened_at = %(now)s,
                    closed_at = NULL, closed_run_id = NULL, decided_by_id = NULL,
                    decided_at = NULL, decision_reason = ''
                FROM {STAGED} s
                WHERE households_validationfinding.id = s.finding_id
                  AND households_validationfinding.status = %(resolved)s
                RETURNING households_validationfinding.rule""",
            params,
        )
        for (code,) in cursor.fetchall():
            per_rule[code]["reopened"] += 1
            written += 1
        cursor.execute(
            f"""UPDATE households_validationfinding SET
                    severity = s.severity, other_person_id = s.other_person_id,
                    household_id = s.household_id, village_id = s.village_id,
                    detail = {keep_marker}
                FROM {STAGED} s
                WHERE households_validationfinding.id = s.finding_id AND {changed}
                  AND households_validationfinding.status IN (%(open)s, %(ignored)s)""",
            params,
        )
        written += cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rule, COUNT(*) FROM households_validationfinding WHERE status = %s "
            "GROUP BY rule",
            [OPEN],
        )
        open_by_rule = dict(cursor.fetchall())
    for code, counts in per_rule.items():
        counts["closed"] = closed.get(code, 0)
        counts["open"] = open_by_rule.get(code, 0)
    withdrawn = sum(n for code, n in closed.items() if code not in per_rule)
    return {
        "rules": per_rule,
        "findings_open": sum(c["open"] for c in per_rule.values()),
        "findings_new": sum(c["new"] + c["reopened"] for c in per_rule.values()),
        "findings_closed": sum(closed.values()),
        "ignored_kept": sum(c["ignored_kept"] for c in per_rule.values()),
        "findings_written": written,
        "withdrawn_closed": withdrawn,
        "full": full,
    }


def _follow_problems() -> tuple[int, int]:
    """Step 4: has_problems of every family as its open error and warning findings say (the
    family of a pair's second person too). Returns (flagged, cleared)."""
    severities = ", ".join(["%s"] * len(PROBLEM_SEVERITIES))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLAGS}")
        cursor.execute(
            f"""CREATE TEMPORARY TABLE {FLAGS} AS
                SELECT h.id, NOT h.has_problems AS value,
                       ROW_NUMBER() OVER (ORDER BY h.id) AS n
                FROM households_household h
                WHERE h.has_problems <> (h.id IN (
                    SELECT f.household_id FROM households_validationfinding f
                    WHERE f.status = %s AND f.severity IN ({severities})
                      AND f.household_id IS NOT NULL
                    UNION
                    SELECT p.household_id FROM households_validationfinding f
                    JOIN households_person p ON p.id = f.other_person_id
                    WHERE f.status = %s AND f.severity IN ({severities})))""",
            [OPEN, *PROBLEM_SEVERITIES, OPEN, *PROBLEM_SEVERITIES],
        )
        cursor.execute(f"SELECT COUNT(*), SUM(CASE WHEN value THEN 1 ELSE 0 END) FROM {FLAGS}")
        total, flagged = cursor.fetchone()
    flagged = flagged or 0
    for start in range(0, total, FLAG_BATCH):
        # Each batch its own short transaction: a family being edited waits a moment at most.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""UPDATE households_household SET has_problems = v.value
                    FROM {FLAGS} v
                    WHERE households_household.id = v.id AND v.n > %s AND v.n <= %s
                      AND households_household.has_problems <> v.value""",
                [start, start + FLAG_BATCH],
            )
    return flagged, total - flagged
