"""Choices of the household registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataSource(models.TextChoices):
    """Where a family's record came from."""

    DTKS = "dtks", _("DTKS (Kemensos)")
    P3KE = "p3ke", _("P3KE (extreme poverty)")
    DTSEN = "dtsen", _("DTSEN (BPS)")
    LOCAL = "lokal", _("Local data")


class HouseholdStatus(models.TextChoices):
    """Whether a family is still in the registry as it was recorded."""

    ACTIVE = "aktif", _("Active")
    MOVED = "pindah", _("Moved away")
    SPLIT = "pecah", _("Split (new family card)")
    INACTIVE = "nonaktif", _("Inactive")


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class Relation(models.IntegerChoices):
    """SHDK: status hubungan dalam keluarga, as printed on the Kartu Keluarga."""

    HEAD = 1, _("Head of family")
    HUSBAND = 2, _("Husband")
    WIFE = 3, _("Wife")
    CHILD = 4, _("Child")
    CHILD_IN_LAW = 5, _("Son/daughter-in-law")
    GRANDCHILD = 6, _("Grandchild")
    PARENT = 7, _("Parent")
    PARENT_IN_LAW = 8, _("Parent-in-law")
    OTHER_RELATIVE = 9, _("Other relative")
    HOUSEHOLD_HELP = 10, _("Household help")
    OTHER = 11, _("Other")


class PersonStatus(models.TextChoices):
    ALIVE = "hidup", _("Alive")
    DECEASED = "meninggal", _("Deceased")
    MOVED = "pindah", _("Moved away")


DECILE_CHOICES = [(n, str(n)) for n in range(1, 11)]


class FindingStatus(models.TextChoices):
    """Where a validation finding stands: open until a run no longer finds it or a person decides
    (resolved: fixed; ignored: not a problem, e.g. "not the same person")."""

    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    IGNORED = "ignored", _("Ignored")
