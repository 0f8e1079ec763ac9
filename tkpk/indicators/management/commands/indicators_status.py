"""manage.py indicators_status --region CODE [--indicator CODE]: the status rule, year by year.

One JSON object a line per indicator and year: {"region", "indicator", "year", "actual",
"target", "gap", "status", "needed_yearly_change", "projection"}, computed from the stored
figures and targets now (the same function as the rollup, tkpk.indicators.rollup.status_series).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from tkpk.models import Region

from ...models import Indicator
from ...models.definitions import NATIONAL_CODE
from ...rollup import status_series


def _number(value):
    return None if value is None else float(value)


class Command(BaseCommand):
    help = "Print actual against target, gap, status, needed change and projection as JSON lines."

    def add_arguments(self, parser):
        parser.add_argument(
            "--region", required=True, help='Kemendagri code, e.g. 63.08 ("00": Indonesia).'
        )
        parser.add_argument("--indicator", help="Indicator code, e.g. P0 (default: all).")

    def handle(self, *args, region, indicator, **options):
        region_id = None
        if region != NATIONAL_CODE:
            found = Region.objects.filter(code=region).first()
            if found is None:
                raise CommandError(f"Unknown region code {region}.")
            region_id = found.pk
        indicator_ids = None
        if indicator:
            chosen = Indicator.objects.filter(code__iexact=indicator).first()
            if chosen is None:
                codes = ", ".join(Indicator.objects.values_list("code", flat=True))
                raise CommandError(f"Unknown indicator {indicator}; the codes are {codes}.")
            indicator_ids = [chosen.pk]
        for _region, found_indicator, item in status_series(
            region_ids=[region_id], indicator_ids=indicator_ids
        ):
            self.stdout.write(
                json.dumps(
                    {
                        "region": region,
                        "indicator": found_indicator.code,
                        "year": item.year,
                        "actual": _number(item.actual),
                        "target": _number(item.target),
                        "gap": _number(item.gap),
                        "status": str(item.status),
                        "needed_yearly_change": _number(item.needed_yearly_change),
                        "projection": _number(item.projection),
                    }
                )
            )
