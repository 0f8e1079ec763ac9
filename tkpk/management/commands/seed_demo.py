"""manage.py seed_demo: the demo region, agencies and one account per role. Run by `make run`.

Idempotent: a second run creates nothing twice. The demo passwords are printed on purpose; the
command refuses to run with DEBUG off unless --allow-production is given.
"""

import os
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tkpk.choices import AgencyKind
from tkpk.models import Agency, Region, User
from tkpk.roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT
from tkpk.services import agency_create, regions_load, user_create

# The agencies of a kabupaten government that take part in its TKPK.
DEMO_AGENCIES = [
    ("Dinas Sosial", "Dinsos", AgencyKind.DINAS),
    ("Dinas Kesehatan", "Dinkes", AgencyKind.DINAS),
    ("Dinas Pendidikan", "Disdik", AgencyKind.DINAS),
    ("Dinas Pemberdayaan Masyarakat dan Desa", "DPMD", AgencyKind.DINAS),
    ("Dinas Koperasi, Usaha Kecil dan Menengah dan Perdagangan", "Diskopdag", AgencyKind.DINAS),
    ("Dinas Pertanian", "Distan", AgencyKind.DINAS),
    ("Dinas Perumahan Rakyat dan Kawasan Permukiman", "Disperkim", AgencyKind.DINAS),
    ("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil", AgencyKind.DINAS),
    ("Dinas Tenaga Kerja dan Transmigrasi", "Disnakertrans", AgencyKind.DINAS),
    ("Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "DP3A", AgencyKind.DINAS),
    ("Dinas Perikanan", "Diskan", AgencyKind.DINAS),
    (
        "Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah",
        "Bappelitbang",
        AgencyKind.BADAN,
    ),
    ("Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD", AgencyKind.BADAN),
]

# username, password, role, agency short name, full name, position
DEMO_USERS = [
    ("admin", "demo-admin-2026", ADMIN, None, "Admin Sistem", "Pranata komputer"),
    (
        "sekretariat",
        "demo-sekretariat-2026",
        SECRETARIAT,
        "Bappelitbang",
        "Siti Rahmah",
        "Sekretariat TKPK",
    ),
    (
        "operator.dinsos",
        "demo-dinsos-2026",
        OPERATOR,
        "Dinsos",
        "Ahmad Fauzi",
        "Operator data Dinas Sosial",
    ),
    (
        "operator.dinkes",
        "demo-dinkes-2026",
        OPERATOR,
        "Dinkes",
        "Nurul Hidayah",
        "Operator data Dinas Kesehatan",
    ),
    (
        "bappeda",
        "demo-bappeda-2026",
        BAPPEDA,
        "Bappelitbang",
        "Rizky Pratama",
        "Perencana ahli muda",
    ),
]


class Command(BaseCommand):
    help = "Load the demo region, agencies and one account per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (demo passwords are public).",
        )
        parser.add_argument(
            "--logins-only",
            action="store_true",
            help="Seed nothing; print the address and the demo logins (the end of `make run`).",
        )

    def handle(self, *args, allow_production=False, logins_only=False, **options):
        if logins_only:
            return self.print_logins()
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "seed_demo creates accounts with public passwords; with DEBUG off pass "
                "--allow-production if this really is a demo instance."
            )
        home = settings.HOME_REGION_CODE
        if (
            not Region.objects.filter(code=home).exists()
            or not Region.objects.filter(code__startswith=f"{home}.", level=4).exists()
        ):
            dataset = regions_load(within=home)
            self.stdout.write(
                f"Regions {home}: {dataset.regions_created} created, "
                f"{dataset.regions_updated} updated."
            )
        with transaction.atomic():
            agencies = {a.short_name: a for a in Agency.objects.all()}
            for name, short, kind in DEMO_AGENCIES:
                if short not in agencies:
                    agencies[short] = agency_create(
                        user=None, name=name, short_name=short, kind=kind
                    )
            for username, password, role, agency, full_name, position in DEMO_USERS:
                if User.objects.filter(username=username).exists():
                    continue
                first, _, last = full_name.partition(" ")
                user, _password = user_create(
                    actor=None,
                    username=username,
                    password=password,
                    role=role,
                    agency=agencies.get(agency) if agency else None,
                    first_name=first,
                    last_name=last,
                    position=position,
                    email=f"{username}@tkpk.example",
                )
                if role == ADMIN:
                    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
        # Each app adds its own demo data in <app>/demo.py: seed(*, stdout) -> None, idempotent.
        # Discovered rather than imported, so that the core imports no app.
        for app_config in apps.get_app_configs():
            try:
                module = import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app_config.name}.demo":
                    raise
                continue
            module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.print_logins()

    def print_logins(self):
        port = os.environ.get("WEB_PORT", "8000")
        self.stdout.write(self.style.SUCCESS(f"TKPK: http://127.0.0.1:{port}/  Demo logins:"))
        for username, password, role, agency, _full, _pos in DEMO_USERS:
            where = f" ({agency})" if agency else ""
            self.stdout.write(f"  {role:<17} {username:<16} {password}{where}")
