"""manage.py validate_registry [--rules CODE,...]

Run the validation rules over the whole registry in this process, recorded as a validation run
(a Job, as on the summary page), and bring the findings up to date. Prints the counts per rule
and, as its last line, one JSON object: findings_open, findings_new, findings_closed,
ignored_kept and seconds. Refuses while another run is queued or running.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from households.validation.runs import COMMAND, UnknownRules, chosen_rules, validation_run_start
from tkpk.choices import JobStatus
from tkpk.jobs import job_execute
from tkpk.models import Job


class Command(BaseCommand):
    help = "Validate the household registry against every registered rule (or the given ones)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rules",
            default="",
            metavar="CODE,...",
            help="Run only these rules (comma-separated codes); others' findings stay as they are.",
        )
        parser.add_argument(
            "--list", action="store_true", dest="list_rules", help="List the rules and stop."
        )

    def handle(self, *args, rules, list_rules, **options):
        if list_rules:
            for rule in chosen_rules():
                self.stdout.write(f"{rule.code:<34} {rule.severity:<8} {rule.title}")
            return
        codes = [code.strip() for code in rules.split(",") if code.strip()]
        try:
            job = validation_run_start(rules=codes, reason=COMMAND, enqueue=False)
        except UnknownRules as exc:
            raise CommandError(f"unknown rules: {exc}; see --list") from None
        if not job.started_now:
            raise CommandError(f"validation run #{job.pk} is {job.status}; wait for it to end")
        job = job_execute(job.pk) or Job.objects.get(pk=job.pk)
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"validation run #{job.pk} {job.status}: {job.message}")
        counts = job.counts
        self.stdout.write(
            f"{'rule':<34} {'found':>8} {'open':>8} {'new':>8} {'reopened':>8} "
            f"{'closed':>8} {'ignored':>8}"
        )
        # In the registry's order (Job.counts is stored as jsonb, which sorts its keys).
        for code in [rule.code for rule in chosen_rules(codes)]:
            row = counts["rules"][code]
            self.stdout.write(
                f"{code:<34} {row['found']:>8,} {row['open']:>8,} {row['new']:>8,} "
                f"{row['reopened']:>8,} {row['closed']:>8,} {row['ignored_kept']:>8,}"
            )
        self.stdout.write(
            f"families marked with problems: {counts['households_flagged']:,}, "
            f"cleared: {counts['households_cleared']:,}"
        )
        summary = {
            name: counts[name]
            for name in (
                "findings_open",
                "findings_new",
                "findings_closed",
                "ignored_kept",
                "seconds",
            )
        }
        self.stdout.write(json.dumps(summary))
