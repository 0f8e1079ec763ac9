"""manage.py nik NIK [NIK ...]: check NIKs the way the forms and the importer do, one JSON
object a line."""

import json

from django.core.management.base import BaseCommand

from households.identity import check_nik


class Command(BaseCommand):
    help = (
        "Check one or more NIKs and print one JSON object per line: nik, valid, errors, warnings, "
        "province, regency, district, birth_date, sex, temporary. Exits 0 also for invalid NIKs."
    )
    # A checker: it needs no database, so it runs before migrations and without PostgreSQL.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("niks", nargs="+", metavar="NIK", help="A NIK, as typed or pasted.")

    def handle(self, *args, niks, **options):
        for raw in niks:
            result = check_nik(raw)
            self.stdout.write(
                json.dumps(
                    {
                        "nik": result.nik if result.nik is not None else raw,
                        "valid": result.valid,
                        "errors": list(result.errors),
                        "warnings": list(result.warnings),
                        "province": result.province,
                        "regency": result.regency,
                        "district": result.district,
                        "birth_date": result.birth_date.isoformat() if result.birth_date else None,
                        "sex": result.sex,
                        "temporary": result.temporary,
                    },
                    ensure_ascii=False,
                )
            )
