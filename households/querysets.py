"""Access scoping of the registry. Personal lists are read by Admin, the secretariat and the
Operator SKPD (who enrol beneficiaries from them); Bappeda sees aggregates only, never names."""

from django.db import models

from tkpk.roles import ADMIN, OPERATOR, SECRETARIAT, user_role

PERSONAL_DATA_ROLES = (ADMIN, SECRETARIAT, OPERATOR)


class HouseholdQuerySet(models.QuerySet):
    def for_user(self, user):
        return self if user_role(user) in PERSONAL_DATA_ROLES else self.none()


class PersonQuerySet(models.QuerySet):
    def for_user(self, user):
        return self if user_role(user) in PERSONAL_DATA_ROLES else self.none()


class HouseholdImportQuerySet(models.QuerySet):
    """Imports are the secretariat's team work: Admin and every secretariat user reach every
    import (one picks up another's dry run); an operator and Bappeda, who import nothing, reach
    none."""

    def for_user(self, user):
        return self if user_role(user) in (ADMIN, SECRETARIAT) else self.none()


class ValidationFindingQuerySet(models.QuerySet):
    """Validation findings are the secretariat's work list: Admin and the secretariat reach them
    all; the Operator SKPD and Bappeda none (Bappeda may get counts in dashboards, not rows)."""

    def for_user(self, user):
        return self if user_role(user) in (ADMIN, SECRETARIAT) else self.none()
