"""Bahasa Indonesia is the default language: every catalogue is complete and matches its source.

The core and the shared templates keep their catalogue in locale/; each app in <app>/locale/.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["households", "meetings", "programs"]
SOURCES = ["manage.py", "tkpk", *APPS, "templates", "locale"]
PO = Path("locale") / "id" / "LC_MESSAGES" / "django.po"
CATALOGUES = [Path("."), *(Path(app) for app in APPS)]


@pytest.mark.parametrize("where", CATALOGUES, ids=str)
def test_every_message_has_an_indonesian_translation(where):
    catalogue = polib.pofile(str(ROOT / where / PO))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def extract(tree: Path, where: Path) -> set[str]:
    """makemessages run afresh on a copy of the source, as `make messages-update` runs it."""
    (tree / where / PO).unlink()
    ignore = [] if where != Path(".") else [f"--ignore={app}" for app in APPS]
    subprocess.run(
        [
            sys.executable,
            str(tree / "manage.py"),
            "makemessages",
            "-l",
            "id",
            "-v0",
            "--ignore=tests",
            *ignore,
        ],
        cwd=tree / where,
        check=True,
        timeout=120,
        env={
            "DEBUG": "1",
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "tkpk.settings",
            "PYTHONPATH": str(tree),
        },
    )
    return {e.msgid for e in polib.pofile(str(tree / where / PO)) if not e.obsolete}


@pytest.mark.parametrize("where", CATALOGUES, ids=str)
def test_the_catalogue_holds_exactly_the_messages_of_its_source(tmp_path, where):
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "tests")
            )
        else:
            shutil.copy(source, tmp_path / name)
    fresh = extract(tmp_path, where)
    committed = {e.msgid for e in polib.pofile(str(ROOT / where / PO)) if not e.obsolete}
    assert fresh - committed == set(), "run `make messages-update` and translate the new strings"
    assert committed - fresh == set(), "the catalogue holds strings no longer in the source"
