"""Access scoping of the core models: `Model.objects.for_user(user)` is the one place that decides
what a user may reach. An object outside it answers 404 from a view."""

from django.db import models

from .job_kinds import kinds_visible_to
from .roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT, user_role


class RegionQuerySet(models.QuerySet):
    """Regions are public reference data: every signed-in user reads them."""

    def for_user(self, user):
        return self if user_role(user) else self.none()

    def within(self, code: str):
        """The region with this code and every region below it."""
        return self.filter(models.Q(code=code) | models.Q(code__startswith=f"{code}."))


class AgencyQuerySet(models.QuerySet):
    """Every signed-in user with a role sees the directory of agencies; only Admin edits it."""

    def for_user(self, user):
        return self if user_role(user) else self.none()

    def active(self):
        return self.filter(is_active=True)


class JobQuerySet(models.QuerySet):
    """A user sees the jobs they started and every job of a kind visible to their role (a job
    kind declares it: `@job_kind(..., visible_to=[SECRETARIAT])`); Admin sees every job."""

    def for_user(self, user):
        role = user_role(user)
        if role == ADMIN:
            return self
        if role in (SECRETARIAT, OPERATOR, BAPPEDA):
            visible = models.Q(created_by=user)
            kinds = kinds_visible_to(role)
            if kinds:
                visible |= models.Q(kind__in=kinds)
            return self.filter(visible)
        return self.none()


class AuditEventQuerySet(models.QuerySet):
    """The audit trail is read by Admin and the secretariat only."""

    def for_user(self, user):
        return self if user_role(user) in (ADMIN, SECRETARIAT) else self.none()

    def update(self, **kwargs):
        raise TypeError("AuditEvent is append-only: it cannot be updated.")

    def delete(self):
        raise TypeError("AuditEvent is append-only: it cannot be deleted.")


class UserQuerySet(models.QuerySet):
    """Admin sees every account, the secretariat the accounts of all agencies, an operator the
    accounts of their own agency."""

    def for_user(self, user):
        role = user_role(user)
        if role in (ADMIN, SECRETARIAT):
            return self
        if role == OPERATOR and user.agency_id:
            return self.filter(agency_id=user.agency_id)
        if role:
            return self.filter(pk=user.pk)
        return self.none()
