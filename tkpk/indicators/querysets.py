"""Access scoping of the indicators app: `Model.objects.for_user(user)` is the one place that
decides what a user may reach; an object outside it answers 404 from a view.

- Indicators, observations, RPJMD periods and targets are public statistics and the region's
  plan: every signed-in user with a role reads them (the dashboard permission decides who opens
  the dashboard); only the holders of the add/change permissions (Admin, the secretariat) write.
- The uploaded tables of an import are the secretariat's work: Admin and the secretariat.
- Recommendations of the annual report: every role that reads the dashboard.
- Snapshots are read only through tkpk.indicators.selectors, which scopes their program and
  follow-up figures by the reader's permissions.
"""

from django.db import models

from tkpk.roles import ADMIN, SECRETARIAT, user_role


class ReadByEveryRoleQuerySet(models.QuerySet):
    """Public figures and reference data: every user with a role."""

    def for_user(self, user):
        return self if user_role(user) else self.none()


class ObservationQuerySet(ReadByEveryRoleQuerySet):
    def national(self):
        """Figures of Indonesia as a whole (no region)."""
        return self.filter(region__isnull=True)


class SecretariatQuerySet(models.QuerySet):
    """Admin and the secretariat only."""

    def for_user(self, user):
        return self if user_role(user) in (ADMIN, SECRETARIAT) else self.none()
