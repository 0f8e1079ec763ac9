"""`manage.py nik NIK [NIK ...]`: one JSON object a line, exit 0 also for invalid NIKs."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
KEYS = [
    "nik",
    "valid",
    "errors",
    "warnings",
    "province",
    "regency",
    "district",
    "birth_date",
    "sex",
    "temporary",
]


def run_nik(*niks: str) -> list[dict]:
    out = StringIO()
    call_command("nik", *niks, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_nik_prints_one_json_object_per_nik_in_the_order_given():
    lines = run_nik("6308014107850001", "6.30801E+15", "0630801200100001")

    assert [line["nik"] for line in lines] == [
        "6308014107850001",
        "6.30801E+15",
        "0630801200100001",
    ]
    assert all(list(line) == KEYS for line in lines)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            "6308014107850001",
            {
                "nik": "6308014107850001",
                "valid": True,
                "errors": [],
                "warnings": ["placeholder_birth_date"],
                "province": "Kalimantan Selatan",
                "regency": "Kabupaten Hulu Sungai Utara",
                "district": "Danau Panggang",
                "birth_date": "1985-07-01",
                "sex": "P",
                "temporary": False,
            },
            id="a woman of Danau Panggang born 1 July 1985",
        ),
        pytest.param(
            "6308 0112 0385 0002",
            {
                "nik": "6308011203850002",
                "valid": True,
                "errors": [],
                "warnings": [],
                "province": "Kalimantan Selatan",
                "regency": "Kabupaten Hulu Sungai Utara",
                "district": "Danau Panggang",
                "birth_date": "1985-03-12",
                "sex": "L",
                "temporary": False,
            },
            id="a pasted NIK with spaces is printed cleaned",
        ),
        pytest.param(
            "6.30801E+15",
            {
                "nik": "6.30801E+15",
                "valid": False,
                "errors": ["excel_scientific"],
                "warnings": [],
                "province": None,
                "regency": None,
                "district": None,
                "birth_date": None,
                "sex": None,
                "temporary": False,
            },
            id="scientific notation is printed as given",
        ),
        pytest.param(
            "0630801200100001",
            {
                "nik": "0630801200100001",
                "valid": False,
                "errors": ["temporary_number"],
                "warnings": [],
                "province": "Kalimantan Selatan",
                "regency": "Kabupaten Hulu Sungai Utara",
                "district": "Danau Panggang",
                "birth_date": None,
                "sex": None,
                "temporary": True,
            },
            id="a temporary village number",
        ),
        pytest.param(
            "9101011203900002",
            {
                "nik": "9101011203900002",
                "valid": True,
                "errors": [],
                "warnings": ["region_pre_split"],
                "province": "Papua",
                "regency": "Kabupaten Merauke",
                "district": "Merauke",
                "birth_date": "1990-03-12",
                "sex": "L",
                "temporary": False,
            },
            id="a Merauke NIK from before Papua Selatan",
        ),
        pytest.param(
            "6300001300850000",
            {
                "nik": "6300001300850000",
                "valid": False,
                "errors": ["regency_zero", "invalid_birth_date", "serial_zero"],
                "warnings": [],
                "province": "Kalimantan Selatan",
                "regency": None,
                "district": None,
                "birth_date": None,
                "sex": None,
                "temporary": False,
            },
            id="every error of a broken NIK",
        ),
    ],
)
def test_nik_prints_what_the_checks_found(raw, expected):
    assert run_nik(raw) == [expected]


def test_nik_exits_0_for_an_invalid_nik_and_2_with_a_usage_message_without_any():
    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", "nik", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": "", "DEBUG": "1", "PYTHONPATH": str(ROOT)},
        )

    invalid = manage("123")
    missing = manage()

    assert invalid.returncode == 0, invalid.stderr
    assert json.loads(invalid.stdout)["errors"] == ["wrong_length"]
    assert missing.returncode == 2
    assert "usage: manage.py nik" in missing.stderr
    assert "NIK" in missing.stderr
