"""Panels that programs puts on other apps' pages through tkpk.slots: what a family receives, on
the household page (slot household_detail), loaded by htmx."""

from django.urls import path

from households.models import Household
from tkpk.generic import ObjectView

from ..selectors.panels import household_benefits


class HouseholdBenefitsView(ObjectView):
    """The partial that replaces the slot's placeholder on the household page: the benefits of
    the family and of each member, by fiscal year and program. The family is fetched through
    Household.objects.for_user (404 outside the user's reach); Bappeda, which sees no family
    page, is refused by the permissions (403)."""

    permission_required = ("households.view_household", "programs.view_beneficiary")
    model = Household
    template_name = "programs/_household_benefits.html"
    context_object_name = "household"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            years=household_benefits(user=self.request.user, household=self.object), **kwargs
        )


urls = [
    path(
        "keluarga/<int:pk>/",
        HouseholdBenefitsView.as_view(),
        name="household_benefits",
    ),
]
