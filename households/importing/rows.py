"""Turning one row of a family file into a clean record, or into the reasons it is refused.

The columns are found from DTKS/P3KE/DTSEN-style headers (domain.md) and can be remapped by the
user. Every check of a NIK or No. KK goes through households.identity, like the forms do.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tkpk.models import Region

from ..identity import check_kk, check_nik, message_for, normalize_rt_rw
from .reader import normalise_header

# Target field -> the headers that mean it in the files regions receive.
FIELD_ALIASES: dict[str, list[str]] = {
    "source_id": [
        "iddtks",
        "id_dtks",
        "idsemesta",
        "id_semesta",
        "id_keluarga",
        "idkeluarga",
        "id_p3ke",
        "id_dtsen",
        "id",
    ],
    "province": ["provinsi", "nama_provinsi", "kode_provinsi", "prov"],
    "regency": [
        "kabupaten_kota",
        "kabupaten",
        "kab_kota",
        "nama_kabupaten",
        "kode_kabupaten",
        "kota",
    ],
    "district": ["kecamatan", "nama_kecamatan", "kode_kecamatan", "kec"],
    "village": [
        "desa_kelurahan",
        "desa",
        "kelurahan",
        "nama_desa",
        "kode_desa",
        "kode_wilayah",
        "kode_desa_kelurahan",
        "desa_kel",
    ],
    "address": ["alamat", "alamat_lengkap"],
    "dusun": ["dusun", "nama_dusun", "lingkungan"],
    "rt": ["rt", "no_rt"],
    "rw": ["rw", "no_rw"],
    "kk": ["nomor_kk", "no_kk", "nokk", "kk", "nomor_kartu_keluarga"],
    "nik": ["nomor_nik", "nik", "no_nik", "noktp", "no_ktp"],
    "name": ["nama", "nama_lengkap", "nama_art"],
    "birth_date": ["tanggal_lahir", "tgl_lahir", "tgllahir"],
    "birth_place": ["tempat_lahir", "tmp_lahir"],
    "sex": ["jenis_kelamin", "jk", "kelamin", "sex"],
    "mother_name": ["nama_ibu_kandung", "ibu_kandung", "nama_ibu"],
    "relation": [
        "hubungan_keluarga",
        "shdk",
        "hub_keluarga",
        "hubungan_dengan_kepala_keluarga",
        "status_hubungan",
    ],
    "decile": ["desil", "desil_kemensos", "desil_nasional", "peringkat_desil"],
}
REQUIRED_FIELDS = ["kk", "nik", "name", "village"]

# What each field is called on screen (the mapping form, the "columns not found" message).
FIELD_LABELS = {
    "source_id": gettext_lazy("ID in the source"),
    "province": gettext_lazy("Province"),
    "regency": gettext_lazy("Regency/city"),
    "district": gettext_lazy("District (kecamatan)"),
    "village": gettext_lazy("Village (desa/kelurahan)"),
    "address": gettext_lazy("Address"),
    "dusun": gettext_lazy("Dusun"),
    "rt": "RT",
    "rw": "RW",
    "kk": gettext_lazy("No. KK"),
    "nik": gettext_lazy("NIK"),
    "name": gettext_lazy("Name"),
    "birth_date": gettext_lazy("Date of birth"),
    "birth_place": gettext_lazy("Place of birth"),
    "sex": gettext_lazy("Sex"),
    "mother_name": gettext_lazy("Mother's name"),
    "relation": gettext_lazy("Relation to the head (SHDK)"),
    "decile": gettext_lazy("Decile"),
}


def detect_mapping(header: list[str]) -> dict[str, int]:
    """Field -> column index, from the header names; each column used at most once."""
    normalised = [normalise_header(h) for h in header]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for field, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            if alias in normalised and normalised.index(alias) not in used:
                mapping[field] = normalised.index(alias)
                used.add(mapping[field])
                break
    return mapping


def missing_fields(mapping: dict[str, int]) -> list[str]:
    return [field for field in REQUIRED_FIELDS if field not in mapping]


SEX_WORDS = {
    "L": "L",
    "LK": "L",
    "LAKI": "L",
    "LAKI-LAKI": "L",
    "LAKI LAKI": "L",
    "1": "L",
    "M": "L",
    "P": "P",
    "PR": "P",
    "PEREMPUAN": "P",
    "WANITA": "P",
    "2": "P",
    "F": "P",
}
RELATION_WORDS = {
    "KEPALA KELUARGA": 1,
    "KEPALA RUMAH TANGGA": 1,
    "KK": 1,
    "SUAMI": 2,
    "ISTRI": 3,
    "ISTERI": 3,
    "ANAK": 4,
    "MENANTU": 5,
    "CUCU": 6,
    "ORANG TUA": 7,
    "ORANGTUA": 7,
    "MERTUA": 8,
    "FAMILI LAIN": 9,
    "FAMILI": 9,
    "PEMBANTU": 10,
    "LAINNYA": 11,
    "LAIN-LAIN": 11,
}
_DATE_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), ("y", "m", "d")),
]
_SPACES = re.compile(r"\s+")
_NAME_PREFIX = re.compile(
    r"^(DESA|KELURAHAN|KEL\.?|DS\.?|KECAMATAN|KEC\.?|KABUPATEN|KAB\.?|KOTA)\s+"
)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACES.sub(" ", str(value)).strip()


def parse_date(value) -> dt.date | None | str:
    """A date from the usual spellings; '' when empty; the string 'bad' when unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                return dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return "bad"
    return "bad"


def normalise_region_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).upper().strip()
    text = _SPACES.sub(" ", text)
    return _NAME_PREFIX.sub("", text)


class RegionResolver:
    """Finds the village of a row from Kemendagri codes or from names (district + village)."""

    def __init__(self):
        self.by_code: dict[str, int] = {}
        self.by_names: dict[tuple[str, str], list[int]] = {}
        self.by_village_name: dict[str, list[int]] = {}
        districts = dict(Region.objects.filter(level=3).values_list("id", "name"))
        for pk, code, name, parent_id in Region.objects.filter(level=4).values_list(
            "pk", "code", "name", "parent_id"
        ):
            self.by_code[code.replace(".", "")] = pk
            village = normalise_region_name(name)
            district = normalise_region_name(districts.get(parent_id, ""))
            self.by_names.setdefault((district, village), []).append(pk)
            self.by_village_name.setdefault(village, []).append(pk)

    def resolve(self, district, village) -> tuple[int | None, str | None]:
        """(village id, None) or (None, reason)."""
        village_text = _text(village)
        digits = village_text.replace(".", "")
        if digits.isdigit() and len(digits) == 10:
            pk = self.by_code.get(digits)
            if pk is None:
                return None, _("village code %(code)s is not a known village") % {
                    "code": village_text
                }
            return pk, None
        if not village_text:
            return None, _("village is empty")
        key_village = normalise_region_name(village_text)
        district_text = _text(district)
        if district_text:
            candidates = self.by_names.get((normalise_region_name(district_text), key_village), [])
        else:
            candidates = self.by_village_name.get(key_village, [])
        if len(candidates) == 1:
            return candidates[0], None
        if not candidates:
            return None, _("village %(village)s (district %(district)s) is not found") % {
                "village": village_text,
                "district": district_text or "-",
            }
        return None, _("village name %(village)s is ambiguous: give the district or the code") % {
            "village": village_text
        }


STAGING_COLUMNS = [
    "row_no",
    "nik",
    "temporary_number",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "relation",
    "mother_name",
    "kk",
    "address",
    "rt",
    "rw",
    "dusun",
    "village_id",
    "decile",
    "source_id",
    "warnings",
]
EMPTY_WARNINGS = "[]"


class RowParser:
    """Validates rows against a mapping. `parse(row_no, cells)` gives (staging tuple, None) or
    (None, reasons); the tuple follows STAGING_COLUMNS.

    It runs once per row of files with a million rows, so values that repeat (villages, dates,
    RT/RW, relations, deciles) are parsed once and looked up afterwards.
    """

    def __init__(self, mapping: dict[str, int], resolver: RegionResolver):
        self.mapping = mapping
        self.resolver = resolver
        self.width = max(mapping.values(), default=0) + 1
        self.index = {field: mapping.get(field) for field in FIELD_ALIASES}
        self._regions: dict[tuple, tuple] = {}
        self._dates: dict[object, object] = {}
        self._short: dict[object, str] = {}
        self._relations: dict[str, tuple] = {}
        self._deciles: dict[str, tuple] = {}
        self._last_kk: tuple = (object(), None)

    def parse(self, row_no: int, cells: list) -> tuple[tuple | None, list[str] | None]:
        if len(cells) < self.width:
            cells = list(cells) + [None] * (self.width - len(cells))
        i = self.index
        reasons: list[str] = []
        warnings: list[str] = []

        name = _words(cells[i["name"]])
        if not name:
            reasons.append(_("name is empty"))
        sex_raw = _value(cells, i["sex"])
        sex = SEX_WORDS.get(sex_raw.upper(), "") if sex_raw else ""
        if sex_raw and not sex:
            reasons.append(_("sex %(value)s is not L or P") % {"value": sex_raw})
        birth_raw = cells[i["birth_date"]] if i["birth_date"] is not None else None
        birth_date = self._dates.get(birth_raw, False) if isinstance(birth_raw, str) else False
        if birth_date is False:
            birth_date = parse_date(birth_raw)
            if isinstance(birth_raw, str):
                self._dates[birth_raw] = birth_date
        if birth_date == "bad":
            reasons.append(_("date of birth %(value)s is not a date") % {"value": birth_raw})
            birth_date = None

        nik_raw = cells[i["nik"]]
        if isinstance(nik_raw, int | float) and not isinstance(nik_raw, bool) and nik_raw >= 1e14:
            # An XLSX number cell: Excel keeps 15 significant digits, so the 16th is lost.
            reasons.append(
                _(
                    "NIK: the cell is a number in Excel, which keeps only 15 digits. "
                    "Format the column as Text and enter the NIKs again."
                )
            )
            nik_raw = None
        nik_result = check_nik(nik_raw, birth_date=birth_date, sex=sex or None)
        nik = temporary = None
        if nik_result.temporary:
            temporary = nik_result.nik
            warnings.append("temporary_number")
        elif nik_result.errors and nik_raw is not None:
            reasons.extend(message_for(code, label="NIK") for code in nik_result.errors)
        else:
            nik = nik_result.nik
        if nik_result.warnings:
            warnings.extend(nik_result.warnings)

        kk_raw = cells[i["kk"]]
        if kk_raw != self._last_kk[0]:  # the members of a family come one after another
            self._last_kk = (kk_raw, check_kk(kk_raw))
        kk_result = self._last_kk[1]
        if kk_result.errors:
            reasons.extend(message_for(code, label="No. KK") for code in kk_result.errors)

        district = cells[i["district"]] if i["district"] is not None else None
        village = cells[i["village"]]
        region_key = (district, village)
        region = self._regions.get(region_key)
        if region is None:
            region = self._regions[region_key] = self.resolver.resolve(district, village)
        if region[1]:
            reasons.append(region[1])

        relation, problem = self._lookup(
            self._relations, _value(cells, i["relation"]), _parse_relation
        )
        if problem:
            reasons.append(problem)
        decile, problem = self._lookup(self._deciles, _value(cells, i["decile"]), _parse_decile)
        if problem:
            reasons.append(problem)
        if reasons:
            return None, reasons
        return (
            row_no,
            nik,
            temporary,
            name[:150],
            sex,
            _value(cells, i["birth_place"])[:100],
            birth_date,
            relation,
            _words(_cell(cells, i["mother_name"]))[:150],
            kk_result.kk,
            _words(_cell(cells, i["address"]))[:255],
            self._short_number(_cell(cells, i["rt"])),
            self._short_number(_cell(cells, i["rw"])),
            _words(_cell(cells, i["dusun"]))[:100],
            region[0],
            decile,
            _value(cells, i["source_id"])[:40],
            json.dumps(sorted(set(warnings))) if warnings else EMPTY_WARNINGS,
        ), None

    @staticmethod
    def _lookup(cache: dict, text: str, parse) -> tuple:
        found = cache.get(text)
        if found is None:
            found = cache[text] = parse(text)
        return found

    def _short_number(self, value) -> str:
        found = self._short.get(value)
        if found is None:
            found = self._short[value] = _short_number(value)
        return found


def _cell(cells, index):
    return None if index is None else cells[index]


def _value(cells, index) -> str:
    """A cell as stripped text ('' when absent)."""
    if index is None:
        return ""
    value = cells[index]
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return _text(value)


def _words(value) -> str:
    """Text with runs of whitespace collapsed (names and addresses)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split())
    return _text(value)


def _parse_relation(text: str) -> tuple[int | None, str | None]:
    if not text:
        return None, None
    if text.isdigit() and 1 <= int(text) <= 11:
        return int(text), None
    value = RELATION_WORDS.get(text.upper())
    if value is None:
        return None, _("relation %(value)s is not an SHDK code 1-11") % {"value": text}
    return value, None


def _parse_decile(text: str) -> tuple[int | None, str | None]:
    if not text:
        return None, None
    digits = re.sub(r"\D", "", text)
    if digits and 1 <= int(digits) <= 10:
        return int(digits), None
    return None, _("decile %(value)s is not 1-10") % {"value": text}


def _short_number(value) -> str:
    return normalize_rt_rw(_text(value))
