"""Bahasa Indonesia is the default language: its catalogue is complete and matches the source."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"
SOURCES = ["manage.py", "tkpk", "households", "programs", "meetings", "templates", "locale"]


def test_every_message_has_an_indonesian_translation():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [], untranslated
    assert fuzzy == [], fuzzy
    assert catalogue.percent_translated() == 100


def test_the_catalogue_holds_exactly_the_messages_of_the_source(tmp_path):
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "tests")
            )
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / CATALOGUE.relative_to(ROOT)).unlink()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id", "-v0"],
        cwd=tmp_path,
        check=True,
        env={
            "DEBUG": "1",
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "tkpk.settings",
            "PYTHONPATH": str(tmp_path),
        },
        timeout=120,
    )
    fresh = {
        e.msgid for e in polib.pofile(str(tmp_path / CATALOGUE.relative_to(ROOT))) if not e.obsolete
    }
    committed = {e.msgid for e in polib.pofile(str(CATALOGUE)) if not e.obsolete}
    assert fresh - committed == set(), "run `make messages-update` and translate the new strings"
    assert committed - fresh == set(), "the catalogue holds strings no longer in the source"
