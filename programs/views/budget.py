"""The budget summary: pagu against realization per cluster, agency and program, on a page (the
figures swapped by htmx when a filter changes), printable on A4 landscape, and as an XLSX file.

Who: Admin, the secretariat and Bappeda (programs.view_budget) see every agency's figures; an
Operator SKPD sees its own agency's only (selectors.budget.budget_visible; the programs it
reaches are scoped by Program.objects.for_user). Anyone else: 403.
"""

from django import forms
from django.conf import settings
from django.http import FileResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tkpk.forms import BootstrapMixin
from tkpk.generic import ProtectedView
from tkpk.models import Agency

from ..models import Cluster
from ..selectors.budget import budget_summary, budget_visible, budget_years
from ..services.budget import budget_export, budget_scope, budget_title


class BudgetFilterForm(BootstrapMixin, forms.Form):
    """The year (the current one unless chosen), and optionally a cluster and an agency. An
    Operator SKPD, whose figures are its agency's, has no agency to choose."""

    fiscal_year = forms.TypedChoiceField(
        label=_("Fiscal year"), coerce=int, required=False, empty_value=None
    )
    cluster = forms.ModelChoiceField(
        label=_("Cluster"),
        queryset=Cluster.objects.all(),
        required=False,
        empty_label=_("All clusters"),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.all(),
        required=False,
        empty_label=_("All agencies"),
    )

    def __init__(self, data, *, user):
        data = data.copy()
        if not data.get("fiscal_year"):
            data["fiscal_year"] = str(timezone.localdate().year)
        super().__init__(data)
        self.fields["fiscal_year"].choices = [(y, str(y)) for y in budget_years(user=user)]
        if not user.has_perm("programs.view_budget"):
            del self.fields["agency"]

    def filters(self) -> dict:
        """The cleaned filters for budget_summary; a value that is not valid is left out (the
        form shows why, the figures and the title say what they cover)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "year": cleaned.get("fiscal_year"),
            "cluster": cleaned.get("cluster"),
            "agency": cleaned.get("agency"),
        }


class BudgetMixin:
    """Access (budget_visible) and the summary of the request's filters."""

    def has_permission(self):
        return budget_visible(self.request.user)

    def summary_context(self, data) -> dict:
        form = BudgetFilterForm(data, user=self.request.user)
        summary = budget_summary(user=self.request.user, **form.filters())
        return {
            "form": form,
            "summary": summary,
            "title": budget_title(summary),
            "scope": budget_scope(summary),
            "query": form.data.urlencode(),
        }


class BudgetView(BudgetMixin, ProtectedView):
    """The page; an htmx request (a filter changed) gets the figures only."""

    template_name = "programs/budget.html"
    partial_template_name = "programs/_budget_figures.html"

    def get(self, request):
        template = self.partial_template_name if request.htmx else self.template_name
        return render(request, template, self.summary_context(request.GET))


class BudgetPrintView(BudgetMixin, ProtectedView):
    """The same figures laid out for A4 landscape, with the title, the year and when printed."""

    def get(self, request):
        context = self.summary_context(request.GET)
        context["printed_at"] = timezone.localtime()
        context["office_name"] = settings.TKPK_OFFICE_NAME
        return render(request, "programs/budget_print.html", context)


class BudgetExportView(BudgetMixin, ProtectedView):
    """The XLSX file of the filters posted; the export is audited (services.budget)."""

    http_method_names = ["post"]

    def post(self, request):
        form = BudgetFilterForm(request.POST, user=request.user)
        download = budget_export(user=request.user, request=request, **form.filters())
        response = FileResponse(download.handle, as_attachment=True, filename=download.name)
        response["Content-Type"] = download.content_type
        return response


urls = [
    path("anggaran/", BudgetView.as_view(), name="budget"),
    path("anggaran/cetak/", BudgetPrintView.as_view(), name="budget_print"),
    path("anggaran/unduh/", BudgetExportView.as_view(), name="budget_export"),
]
