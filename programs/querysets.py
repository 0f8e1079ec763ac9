"""Access scoping of programs: `Model.objects.for_user(user)` is the one place that decides what
a user may reach; an object outside it answers 404 from a view.

- Admin, the secretariat and Bappeda read every program and its quarterly reports (Bappeda
  read-only: the write views need permissions its group does not hold).
- An Operator SKPD reads and edits its own agency's programs only.
- Beneficiaries are personal data: Admin and the secretariat read them all, an Operator SKPD
  those of its agency's programs, Bappeda none (it sees figures, never names).
"""

from django.db import models

from tkpk.roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT, user_role

from .choices import BeneficiaryStatus

READ_ALL_ROLES = (ADMIN, SECRETARIAT, BAPPEDA)
NAMES_ROLES = (ADMIN, SECRETARIAT)


def _operator_agency_id(user) -> int | None:
    if user_role(user) == OPERATOR and user.agency_id:
        return user.agency_id
    return None


class ReferenceQuerySet(models.QuerySet):
    """Clusters, national programs and the allowed overlaps: reference data for every role."""

    def for_user(self, user):
        return self if user_role(user) else self.none()

    def active(self):
        return self.filter(is_active=True)


class ProgramQuerySet(models.QuerySet):
    def for_user(self, user):
        if user_role(user) in READ_ALL_ROLES:
            return self
        agency_id = _operator_agency_id(user)
        return self.filter(agency_id=agency_id) if agency_id else self.none()


class ProgramPartQuerySet(models.QuerySet):
    """Quarterly reports and groups: reachable with their program."""

    def for_user(self, user):
        if user_role(user) in READ_ALL_ROLES:
            return self
        agency_id = _operator_agency_id(user)
        return self.filter(program__agency_id=agency_id) if agency_id else self.none()


class BeneficiaryQuerySet(models.QuerySet):
    def for_user(self, user):
        if user_role(user) in NAMES_ROLES:
            return self
        agency_id = _operator_agency_id(user)
        return self.filter(program__agency_id=agency_id) if agency_id else self.none()

    def active(self):
        return self.filter(status=BeneficiaryStatus.ACTIVE)


class BeneficiaryImportQuerySet(models.QuerySet):
    """The files an agency imported for its programs (the secretariat reads them all)."""

    def for_user(self, user):
        if user_role(user) in NAMES_ROLES:
            return self
        agency_id = _operator_agency_id(user)
        return self.filter(program__agency_id=agency_id) if agency_id else self.none()
