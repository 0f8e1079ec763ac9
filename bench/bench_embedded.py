"""Benchmark: the embedded default (SQLite) stays usable while a big family file is imported.

    make bench-embedded          # or: python bench/bench_embedded.py [--people N]

In one run, in a temporary VAR_DIR of its own (SQLite in WAL mode, as `make run`):
  1. migrates, loads the HSU regions and a secretariat user, and generates a file of N people
     (default: EMBEDDED_IMPORT_MAX_ROWS, the largest file the embedded default accepts);
  2. reference: for 10 s with nothing else running, another user saves (an audited update of an
     agency, in a transaction) and loads the household list, once every 100 ms;
  3. the same user's saves and page loads while `manage.py import_households` imports the file
     in a second process, through the same service as the web import.
It prints the longest and the 95th-percentile wait of a save and of a page, with the import's
own time, and whether any save failed ("database is locked"); then checks that a file of
1,000,000 rows is refused before it starts, with the setting that moves to PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

INTERVAL = 0.1
REFERENCE_SECONDS = 10


def setup(var_dir: Path) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ["VAR_DIR"] = str(var_dir)
    os.environ["DEBUG"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tkpk.settings"
    import django

    django.setup()


def manage(*args: str, var_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "VAR_DIR": str(var_dir), "DEBUG": "1"}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


class User:
    """Another user of the app: saves and loads pages, timing each."""

    def __init__(self):
        from django.test import Client

        from tkpk.models import Agency
        from tkpk.models import User as Account
        from tkpk.roles import SECRETARIAT

        self.account, _ = Account.objects.get_or_create(username="bench.sekretariat")
        from django.contrib.auth.models import Group

        self.account.groups.set([Group.objects.get(name=SECRETARIAT)])
        self.agency, _ = Agency.objects.get_or_create(
            short_name="BenchDinas", defaults={"name": "Dinas Bench", "kind": "dinas"}
        )
        self.client = Client(SERVER_NAME="127.0.0.1")
        self.client.force_login(self.account)
        self.saves: list[float] = []
        self.pages: list[float] = []
        self.failures: list[str] = []

    def save(self) -> None:
        from django.db import transaction

        from tkpk.audit import audit_record
        from tkpk.choices import AuditAction
        from tkpk.models import Agency

        started = time.perf_counter()
        try:
            with transaction.atomic():
                Agency.objects.filter(pk=self.agency.pk).update(
                    email=f"{time.time_ns()}@bench.test"
                )
                audit_record(actor=self.account, action=AuditAction.UPDATE, obj=self.agency)
        except Exception as exc:  # noqa: BLE001 - a failed save is what this counts
            self.failures.append(str(exc))
        self.saves.append(time.perf_counter() - started)

    def page(self) -> None:
        from django.urls import reverse

        started = time.perf_counter()
        response = self.client.get(reverse("households:household_list"))
        if response.status_code != 200:
            self.failures.append(f"page answered {response.status_code}")
        self.pages.append(time.perf_counter() - started)

    def work_until(self, done) -> None:
        while not done():
            self.save()
            self.page()
            time.sleep(INTERVAL)


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered) if ordered else 0.0,
        "p95": ordered[int(len(ordered) * 0.95) - 1] if len(ordered) >= 20 else max(ordered),
        "max": max(ordered) if ordered else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=0, help="rows (default: the limit)")
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="tkpk-bench-embedded-"))
    setup(var_dir)
    from django.conf import settings
    from django.core.management import call_command

    from households.synthetic import VERSION, write_csv

    people = args.people or settings.EMBEDDED_IMPORT_MAX_ROWS
    call_command("migrate", verbosity=0)
    call_command("load_regions", within="63.08", stdout=open(os.devnull, "w"))  # noqa: SIM115
    data_dir = ROOT / "var" / "bench"
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"dtks-v{VERSION}-{people}.csv"
    if not path.exists():
        write_csv(path, people=people)

    user = User()
    deadline = time.monotonic() + REFERENCE_SECONDS
    user.work_until(lambda: time.monotonic() > deadline)
    reference = {"saves": summary(user.saves), "pages": summary(user.pages)}

    user.saves, user.pages = [], []
    started = time.perf_counter()
    importer = subprocess.Popen(
        [sys.executable, "manage.py", "import_households", str(path), "--valid-only"],
        cwd=ROOT,
        env={**os.environ},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    worker = threading.Thread(target=user.work_until, args=(lambda: importer.poll() is not None,))
    worker.start()
    output = importer.communicate()[0]
    import_seconds = time.perf_counter() - started
    worker.join()
    if importer.returncode != 0:
        sys.exit(f"import failed:\n{output[-3000:]}")
    counts = json.loads(output.strip().splitlines()[-1])
    during = {"saves": summary(user.saves), "pages": summary(user.pages)}

    big = data_dir / f"dtks-v{VERSION}-1000000.csv"
    if not big.exists():
        write_csv(big, people=1_000_000)
    refused = manage("import_households", str(big), "--dry-run", var_dir=var_dir)

    print()
    print(f"SQLite (embedded default), import of {people:,} rows in a second process")
    print(f"{'what ran':<40} {'n':>5} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    for label, figures in (
        ("save, nothing else running (reference)", reference["saves"]),
        ("page, nothing else running (reference)", reference["pages"]),
        ("save, during the import", during["saves"]),
        ("page, during the import", during["pages"]),
    ):
        print(
            f"{label:<40} {figures['n']:>5} {figures['p50']:>7.3f} {figures['p95']:>7.3f} "
            f"{figures['max']:>7.3f}"
        )
    print(
        f"import: {import_seconds:.1f} s, {counts['people_new']:,} people new; "
        f"failed saves or pages: {len(user.failures)}"
    )
    print(f"1,000,000 rows: {refused.stderr.strip().splitlines()[-1] if refused.stderr else ''}")
    print(
        json.dumps(
            {
                "bench": "embedded",
                "rows": people,
                "import_seconds": round(import_seconds, 1),
                "longest_save_wait_s": round(during["saves"]["max"], 3),
                "longest_page_s": round(during["pages"]["max"], 3),
                "failures": len(user.failures),
                "million_refused": refused.returncode != 0,
            }
        )
    )


if __name__ == "__main__":
    main()
