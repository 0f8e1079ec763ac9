"""Pages of the data validation (issue 12): the summary, the findings, decisions and the export.

Each is a few declarative lines on tkpk.generic; the selectors read, the services write. Admin
and the secretariat hold the permissions (migration 0006); the Operator SKPD and Bappeda get 403.
"""

from django.contrib import messages
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tkpk.generic import (
    ObjectActionView,
    ObjectExportView,
    ObjectFormView,
    ObjectListView,
    ObjectView,
)

from ..models import ValidationFinding
from .forms import FindingDecisionForm
from .runs import validation_run_start
from .selectors import finding_rows, validation_finding_list, validation_summary
from .services import finding_decide, validation_findings_export


class ValidationSummaryView(ObjectView):
    """Open findings by rule (with the change since the previous run) and by kecamatan and desa,
    the run going on with its progress, and the last runs."""

    permission_required = "households.view_validationfinding"
    template_name = "households/validation_summary.html"

    def get_context_data(self, **kwargs):
        summary = validation_summary(
            user=self.request.user, district=self.request.GET.get("kecamatan", "")
        )
        return super().get_context_data(**summary, **kwargs)


class ValidationRunView(ObjectActionView):
    """ "Run now": start a validation run, or be shown the one already going."""

    permission_required = "households.change_validationfinding"
    model = ValidationFinding

    def act(self, _nothing):
        job = validation_run_start(user=self.request.user)
        if job.started_now:
            messages.success(self.request, _("The validation run has started."))
        else:
            messages.info(self.request, _("A validation run is already going: here it is."))
        return job

    def get_success_url(self, job) -> str:
        return reverse("households:validation_summary")


class ValidationFindingListView(ObjectListView):
    """The findings with filters (rule, severity, status, kecamatan, desa, name), a decision on
    one or a selection, the way to the record to correct, and the export per village."""

    permission_required = "households.view_validationfinding"
    selector = validation_finding_list
    template_name = "households/validation_findings.html"
    partial_template_name = "households/_validation_findings_table.html"
    context_object_name = "findings"
    count_up_to = 10_000
    export_url_name = "households:validation_export"
    export_formats = ("xlsx",)

    def get_extra_context(self, filterset, page, *, partial):
        return {
            "rows": finding_rows(user=self.request.user, findings=page.rows),
            "next_url": self.request.get_full_path(),
        }


class ValidationDecisionView(ObjectFormView):
    """Resolve, ignore or open again one finding or a selection, with the reason (required)."""

    permission_required = "households.change_validationfinding"
    form_class = FindingDecisionForm
    template_name = "households/validation_decide.html"

    def get_form(self, data=None, files=None):
        initial = None
        if data is None:
            initial = {
                "finding": self.request.GET.getlist("finding"),
                "status": self.request.GET.get("status", "ignored"),
                "next": self.request.GET.get("next", ""),
            }
        return self.form_class(data, files, user=self.request.user, initial=initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        chosen = form.cleaned_data.get("finding") if form.is_bound and form.is_valid() else None
        if chosen is None:
            ids = [i for i in (form["finding"].value() or []) if str(i).isdigit()]
            chosen = validation_finding_list(user=self.request.user).qs.filter(pk__in=ids)
        context["rows"] = finding_rows(user=self.request.user, findings=chosen)
        context["back_url"] = self._next(form["next"].value())
        return context

    def save(self, form):
        data = form.cleaned_data
        changed = finding_decide(
            user=self.request.user,
            findings=data["finding"],
            status=data["status"],
            reason=data["reason"],
            request=self.request,
        )
        self.next_url = self._next(data.get("next"))
        return changed

    def get_success_message(self, changed):
        return ngettext(
            "%(n)s finding recorded with your decision.",
            "%(n)s findings recorded with your decision.",
            changed,
        ) % {"n": changed}

    def get_success_url(self, changed) -> str:
        return self.next_url

    def _next(self, url) -> str:
        """Back to the list the user came from, if it is one of ours."""
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return url
        return reverse("households:validation_findings")


class ValidationExportView(ObjectExportView):
    """The filtered findings as XLSX, a sheet per village, masked for the role and audited."""

    permission_required = "households.view_validationfinding"
    selector = validation_finding_list
    formats = ("xlsx",)
    list_url_name = "households:validation_findings"
    invalid_filters_message = gettext_lazy("The filters are not valid.")

    def export(self, filters, file_format):
        return validation_findings_export(
            user=self.request.user, filters=filters, request=self.request
        )
