"""What a role may learn about a person: the one place that decides how a NIK, a No. KK and a
birth date are shown, on pages, in partials, exports, job results and messages.

Roles that hold `households.view_full_nik` (Admin, Sekretariat TKPK) see the No. KK and the birth
date, and the NIK masked as `6308**********01` with an audited reveal; their searches by NIK are
audited too. Every other role that reads the registry (the Operator SKPD) sees less, by this
arithmetic (UU 27/2022; domain.md, "Personal data"):

A NIK is `PP KK CC DDMMYY SSSS`. Count how many NIKs stay possible for a person once a page has
shown everything next to a masked NIK:

- digits 1-6 (province, kabupaten/kota, kecamatan of first issue) are as good as known: the
  family's address gives them for almost everyone, so they count for nothing;
- digits 7-12 are the birth date, with 40 added to the day for women. The sex is shown, so it
  settles the +40. With the full birth date shown they are known; with only the birth **year**
  shown (and an age computed from years alone, which changes on 1 January for everyone, so that
  watching it tick never tells the birthday) any of 365 or 366 days remains;
- digits 13-16 are a serial from 0001: 9,999 values, each shown digit divides that by ten.

So: full birth date + the last two digits shown = 100 candidates (what a review recovered in 22
requests); full birth date + no serial digit = 10^4; birth year only + two serial digits = 36,500;
birth year only + no serial digit = 365 x 9,999 = 3.6 million. Only the last reaches the 10^6 that
this application requires. A role without `view_full_nik` therefore sees the NIK as `6308` and
twelve stars, the age instead of the birth date, no mother's name (a common identity check), and
the No. KK masked like a NIK; it cannot search by NIK or No. KK prefix, and can check an exact NIK
only as a yes/no answer, audited and rate-limited (`nik_check` in services).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .identity import mask_nik

FULL_NIK_PERMISSION = "households.view_full_nik"

#: How many leading digits a role without view_full_nik sees of a NIK: the kabupaten/kota.
VISIBLE_PREFIX = 4


def sees_full_identity(user) -> bool:
    """True for the roles that may see full NIKs, No. KKs and birth dates (Admin, secretariat)."""
    return bool(user and user.has_perm(FULL_NIK_PERMISSION))


def nik_shown(number: str | None, *, full_identity: bool) -> str:
    """The NIK (or temporary number) as this role may see it on any page or in any file."""
    if not number:
        return ""
    if full_identity:
        return mask_nik(number)
    return number[:VISIBLE_PREFIX] + "*" * (len(number) - VISIBLE_PREFIX)


def kk_shown(number: str | None, *, full_identity: bool) -> str:
    """The No. KK as this role may see it: whole for the secretariat, masked for the rest."""
    if not number:
        return ""
    return number if full_identity else mask_nik(number)


def age_in_years(birth_date: dt.date | None, *, today: dt.date | None = None) -> int | None:
    """Age counted in calendar years (this year minus the birth year): it moves on 1 January for
    everyone, so it gives away the birth year and nothing of the day (see the module docstring)."""
    if birth_date is None:
        return None
    today = today or timezone.localdate()
    return max(today.year - birth_date.year, 0)
