"""The rules on the embedded default, SQLite: the same SQL but for a few expressions, and the
duplicate people rule with households.importing.changes.name_similarity in place of pg_trgm.
Runs `validate_registry` in a process of its own on a fresh SQLite file."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

DATA = """
import datetime as dt
from households.tests.factories import HouseholdFactory, PersonFactory
born = dt.date(1980, 5, 17)
PersonFactory(nik="6308015705800001", name="Siti Aminah", birth_date=born, sex="P")
PersonFactory(nik="6308015705800002", name="Siti Aminah Contoh", birth_date=born, sex="P")
PersonFactory(nik="6308010103850000", birth_date=dt.date(1985, 3, 1), name="Budi")
PersonFactory(nik="6308012902850001", birth_date=None, name="Hasan")
PersonFactory(nik="6308010107850003", birth_date=dt.date(1985, 7, 2), name="Eko")
family = HouseholdFactory(kk_number="6308013502200001", decile=None)
PersonFactory(household=family, relation=4, nik="6308010101100004", name="Rina",
              birth_date=dt.date(2010, 1, 1))
"""

COUNT = """
import json
from households.models import ValidationFinding
print(json.dumps(sorted(ValidationFinding.objects.filter(status="open")
                        .values_list("rule", flat=True))))
"""


def manage(env, *args, stdin=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=300,
    )


@pytest.mark.worker
def test_every_rule_runs_on_sqlite_and_a_rerun_changes_nothing(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_QUEUE"}
    }
    env.update({"DEBUG": "1", "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tkpk.settings"})
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_regions", "--within", "63.08")
    manage(env, "shell", stdin=DATA)
    first = json.loads(manage(env, "validate_registry").stdout.strip().splitlines()[-1])
    assert first["findings_new"] == first["findings_open"] > 0
    rules = json.loads(manage(env, "shell", stdin=COUNT).stdout.strip().splitlines()[-1])
    for expected in (
        "duplicate_person",
        "nik_serial_zero",
        "nik_invalid_birth_date",
        "nik_birth_date_mismatch",
        "kk_invalid",
        "decile_missing",
        "household_no_head",
    ):
        assert expected in rules, expected
    assert rules.count("duplicate_person") == 1
    again = json.loads(manage(env, "validate_registry").stdout.strip().splitlines()[-1])
    assert (again["findings_new"], again["findings_closed"]) == (0, 0)
    assert again["findings_open"] == first["findings_open"]
