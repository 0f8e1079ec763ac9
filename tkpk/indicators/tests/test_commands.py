"""The admin commands: load_boundaries, indicators_rollup and indicators_status's errors."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tkpk.indicators.models import KecamatanBoundary, Rollup

from .factories import HSU_P0, observations

pytestmark = pytest.mark.django_db
JOBS = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "jobs"]
)


def square(x):
    return {"type": "Polygon", "coordinates": [[[x, -2], [x + 0.1, -2], [x + 0.1, -2.1], [x, -2]]]}


def test_boundaries_are_matched_by_code_or_by_name_and_the_rest_reported(hsu, tmp_path):
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"KDCPUM": "630801"}, "geometry": square(115)},
            {
                "type": "Feature",
                "properties": {"WADMKC": "Kecamatan Babirik"},
                "geometry": square(115.2),
            },
            {"type": "Feature", "properties": {"nama": "Atlantis"}, "geometry": square(116)},
            {"type": "Feature", "properties": {"kode": "63.08.03"}, "geometry": {"type": "Point"}},
        ],
    }
    path = tmp_path / "kecamatan.geojson"
    path.write_text(json.dumps(collection))
    out = io.StringIO()
    call_command("load_boundaries", str(path), stdout=out)
    stored = {b.region.code: json.loads(b.geometry) for b in KecamatanBoundary.objects.all()}
    assert stored == {"63.08.01": square(115), "63.08.02": square(115.2)}
    assert "Atlantis" in out.getvalue() and "63.08.03" in out.getvalue()
    # Loading again replaces, it does not add.
    call_command("load_boundaries", str(path), stdout=io.StringIO())
    assert KecamatanBoundary.objects.count() == 2


def test_a_file_without_a_matching_kecamatan_is_refused(hsu, tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    with pytest.raises(CommandError):
        call_command("load_boundaries", str(path))
    path.write_text("not json")
    with pytest.raises(CommandError):
        call_command("load_boundaries", str(path))


@JOBS
def test_indicators_rollup_computes_the_dashboard_now(hsu):
    observations(HSU_P0)
    out = io.StringIO()
    call_command("indicators_rollup", stdout=out)
    assert Rollup.objects.get().counts["indicators"] == 5


def test_indicators_status_refuses_unknown_codes(hsu):
    with pytest.raises(CommandError):
        call_command("indicators_status", "--region", "99.99")
    with pytest.raises(CommandError):
        call_command("indicators_status", "--region", "63.08", "--indicator", "P9")
    out = io.StringIO()
    observations({2020: "9.78"}, region=None)  # Indonesia
    observations({2020: "9.78"})  # not Indonesia: not printed for "00"
    call_command("indicators_status", "--region", "00", stdout=out)
    assert [json.loads(line)["region"] for line in out.getvalue().splitlines()] == ["00"]
