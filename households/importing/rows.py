"""Turning one row of a family file into a clean record, or into the reasons it is refused.

The columns are found from DTKS/P3KE/DTSEN-style headers (domain.md) and can be remapped by the
user. Every check of a NIK or No. KK goes through households.identity, like the forms do.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tkpk.models import Region

from ..choices import Relation
from ..identity import check_kk, check_nik, message_for
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


@dataclass(slots=True)
class Record:
    """A clean row, in the column order of the staging table."""

    row_no: int
    nik: str | None
    temporary_number: str | None
    name: str
    sex: str
    birth_place: str
    birth_date: dt.date | None
    relation: int | None
    mother_name: str
    kk: str
    address: str
    rt: str
    rw: str
    dusun: str
    village_id: int
    decile: int | None
    source_id: str
    warnings: str

    def as_tuple(self) -> tuple:
        return (
            self.row_no,
            self.nik,
            self.temporary_number,
            self.name,
            self.sex,
            self.birth_place,
            self.birth_date,
            self.relation,
            self.mother_name,
            self.kk,
            self.address,
            self.rt,
            self.rw,
            self.dusun,
            self.village_id,
            self.decile,
            self.source_id,
            self.warnings,
        )


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


class RowParser:
    """Validates rows against a mapping; `parse(row_no, cells)` gives (Record, None) or
    (None, reasons)."""

    def __init__(self, mapping: dict[str, int], resolver: RegionResolver):
        self.mapping = mapping
        self.resolver = resolver
        self.get = {field: mapping.get(field) for field in FIELD_ALIASES}

    def cell(self, cells, field):
        index = self.get[field]
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def parse(self, row_no: int, cells: list) -> tuple[Record | None, list[str] | None]:
        reasons: list[str] = []
        warnings: list[str] = []
        name = _text(self.cell(cells, "name"))
        if not name:
            reasons.append(_("name is empty"))
        sex_text = _text(self.cell(cells, "sex")).upper()
        sex = SEX_WORDS.get(sex_text, "")
        if sex_text and not sex:
            reasons.append(_("sex %(value)s is not L or P") % {"value": sex_text})
        birth_date = parse_date(self.cell(cells, "birth_date"))
        if birth_date == "bad":
            reasons.append(
                _("date of birth %(value)s is not a date")
                % {"value": _text(self.cell(cells, "birth_date"))}
            )
            birth_date = None
        nik_raw = self.cell(cells, "nik")
        nik_result = check_nik(nik_raw, birth_date=birth_date, sex=sex or None)
        nik = temporary = None
        if nik_result.temporary:
            temporary = nik_result.nik
            warnings.append("temporary_number")
        elif nik_result.errors:
            reasons.extend(f"NIK: {message_for(code)}" for code in nik_result.errors)
        else:
            nik = nik_result.nik
        warnings.extend(nik_result.warnings)
        kk_result = check_kk(self.cell(cells, "kk"))
        if kk_result.errors:
            reasons.extend(f"No. KK: {message_for(code)}" for code in kk_result.errors)
        village_id, problem = self.resolver.resolve(
            self.cell(cells, "district"), self.cell(cells, "village")
        )
        if problem:
            reasons.append(problem)
        relation = self._relation(_text(self.cell(cells, "relation")), reasons)
        decile = self._decile(_text(self.cell(cells, "decile")), reasons)
        if reasons:
            return None, reasons
        return Record(
            row_no=row_no,
            nik=nik,
            temporary_number=temporary,
            name=name[:150],
            sex=sex,
            birth_place=_text(self.cell(cells, "birth_place"))[:100],
            birth_date=birth_date,
            relation=relation,
            mother_name=_text(self.cell(cells, "mother_name"))[:150],
            kk=kk_result.kk,
            address=_text(self.cell(cells, "address"))[:255],
            rt=_short_number(self.cell(cells, "rt")),
            rw=_short_number(self.cell(cells, "rw")),
            dusun=_text(self.cell(cells, "dusun"))[:100],
            village_id=village_id,
            decile=decile,
            source_id=_text(self.cell(cells, "source_id"))[:40],
            warnings=json.dumps(sorted(set(warnings))) if warnings else "[]",
        ), None

    @staticmethod
    def _relation(text: str, reasons: list[str]) -> int | None:
        if not text:
            return None
        if text.isdigit() and 1 <= int(text) <= 11:
            return int(text)
        value = RELATION_WORDS.get(text.upper())
        if value is None:
            reasons.append(_("relation %(value)s is not an SHDK code 1-11") % {"value": text})
        return value

    @staticmethod
    def _decile(text: str, reasons: list[str]) -> int | None:
        if not text:
            return None
        digits = re.sub(r"\D", "", text)
        if digits and 1 <= int(digits) <= 10:
            return int(digits)
        reasons.append(_("decile %(value)s is not 1-10") % {"value": text})
        return None


def _short_number(value) -> str:
    text = _text(value)
    digits = re.sub(r"\D", "", text)
    return digits.zfill(3)[-3:] if digits else ""


RELATION_VALUES = set(Relation.values)
