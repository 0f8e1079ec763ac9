"""Quarterly report pages: one quarter of a program (the agency writes and submits it, the
cluster's coordinator verifies or returns it, everyone else reads it) and the report queue.

The quarter's URL names the program and the quarter: the program is fetched through
Program.objects.for_user (another agency's answers 404), then its report, which a quarter
without one yet does not have (the form starts empty).
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from tkpk.generic import ObjectFormView, ObjectListView
from tkpk.roles import OPERATOR, user_role

from ..choices import EDITABLE_REALIZATION, RealizationStatus
from ..forms.realizations import DecisionForm, RealizationForm
from ..models import Program
from ..selectors.programs import program_quarters, quarter_budget, realization_list
from ..services.realizations import (
    can_verify,
    realization_return,
    realization_save,
    realization_verify,
)
from .programs import PROGRAM_RELATED, REPORT_PERMISSIONS


class Refused(Exception):
    """A service refused the step itself (a report in the wrong status), not the input: shown
    as a message on the report's page, which then shows the report as it is now."""

    def __init__(self, messages):
        self.messages = messages
        super().__init__(" ".join(messages))


def refusing(call):
    """Run a service call; a ValidationError that names no field becomes Refused."""
    try:
        return call()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise Refused(error.messages) from None


def realization_page(request, program, quarter: int, **forms) -> dict:
    """The page of one quarter: the program's pagu, the other quarters' spending and what is
    left, the report (or none yet), the agency's form while the report is theirs to change, and
    the coordinator's decision forms while it awaits them (a form given in `forms` is shown
    instead of a fresh one, with its errors)."""
    user = request.user
    table = program_quarters(program=program)
    row = table.rows[quarter - 1]
    report = row.report
    may_write = user.has_perms(REPORT_PERMISSIONS)
    editable = may_write and (report is None or report.status in EDITABLE_REALIZATION)
    context = {
        "program": program,
        "quarter": quarter,
        "quarter_label": row.label,
        "row": row,
        "realization": report,
        "table": table,
        **quarter_budget(table=table, quarter=quarter),
        "editable": editable,
        "may_write": may_write,
    }
    if editable or "form" in forms:
        context["form"] = forms.get("form") or RealizationForm(instance=report)
    if report is not None and can_verify(user, report):
        if report.status == RealizationStatus.SUBMITTED:
            context["verify_form"] = forms.get("verify_form") or DecisionForm(
                prefix="verify", required=False
            )
        if report.status in (RealizationStatus.SUBMITTED, RealizationStatus.VERIFIED):
            context["return_form"] = forms.get("return_form") or DecisionForm(prefix="return")
    return context


class QuarterMixin:
    """The quarter of the URL (1-4, else 404) and its report, if one was written."""

    model = Program
    select_related = PROGRAM_RELATED
    template_name = "programs/realization_edit.html"

    @cached_property
    def quarter(self) -> int:
        quarter = self.kwargs["quarter"]
        if quarter not in (1, 2, 3, 4):
            raise Http404
        return quarter

    @cached_property
    def report(self):
        return self.object.realizations.filter(quarter=self.quarter).first()

    def get_success_url(self, result) -> str:
        return reverse(
            "programs:realization_edit", kwargs={"pk": self.object.pk, "quarter": self.quarter}
        )


class RealizationEditView(QuarterMixin, ObjectFormView):
    """One quarter of a program: the agency saves a draft or submits it; a submitted or
    verified report is read-only to it, with its status and the coordinator's comment. A
    report changed by someone else meanwhile is shown beside the user's input (409)."""

    form_class = RealizationForm
    # In a conflict tkpk.generic puts the report as saved under this name.
    context_object_name = "realization"
    refused = (Refused,)

    def get_permission_required(self):
        if self.request.method == "POST":
            return REPORT_PERMISSIONS
        return ("programs.view_realization",)

    def get_form(self, data=None, files=None):
        return RealizationForm(data, files, instance=self.report)

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form")
        # A bound form is shown with its errors, also over a report that is read-only now.
        forms = {"form": form} if form.is_bound else {}
        return {**realization_page(self.request, self.object, self.quarter, **forms), **kwargs}

    def save(self, form):
        self.submitted = self.request.POST.get("action") == "submit"
        return refusing(
            lambda: realization_save(
                user=self.request.user,
                program=self.object,
                quarter=self.quarter,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
                submit=self.submitted,
                request=self.request,
            )
        )

    def get_success_message(self, report):
        if self.submitted:
            return _("Report submitted: the cluster's coordinator will verify it.")
        return _("Draft saved. Submit it when the quarter's figures are complete.")


class DecisionView(QuarterMixin, ObjectFormView):
    """The coordinator verifies or returns a submitted report, with a comment."""

    permission_required = "programs.verify_realization"
    http_method_names = ["post"]
    form_class = DecisionForm
    refused = (Refused,)
    prefix = ""
    comment_required = True
    service = None

    def get_form_kwargs(self):
        return {"prefix": self.prefix, "required": self.comment_required}

    def get_context_data(self, **kwargs):
        forms = {f"{self.prefix}_form": kwargs.pop("form")}
        return {**realization_page(self.request, self.object, self.quarter, **forms), **kwargs}

    def post(self, request, *args, **kwargs):
        if self.report is None:
            raise Http404
        return super().post(request, *args, **kwargs)

    def save(self, form):
        user, comment = self.request.user, form.cleaned_data["comment"]
        return refusing(
            lambda: type(self).service(
                user=user, realization=self.report, comment=comment, request=self.request
            )
        )


class RealizationVerifyView(DecisionView):
    prefix = "verify"
    comment_required = False
    service = realization_verify
    success_message = _("Report verified.")


class RealizationReturnView(DecisionView):
    prefix = "return"
    service = realization_return
    success_message = _("Report returned to the agency for correction.")


class RealizationListView(ObjectListView):
    """The report queue: for a coordinator the reports awaiting verification by default, for
    an agency its own reports; filtered by status, year, quarter, cluster and agency."""

    permission_required = "programs.view_realization"
    selector = realization_list
    template_name = "programs/realization_list.html"
    partial_template_name = "programs/_realization_table.html"
    context_object_name = "reports"
    paginate_by = 50
    count_up_to = 10_000

    def get_extra_context(self, filterset, page, *, partial):
        return {"show_agency": user_role(self.request.user) != OPERATOR}


urls = [
    path("laporan/", RealizationListView.as_view(), name="realization_list"),
    path(
        "<int:pk>/triwulan/<int:quarter>/",
        RealizationEditView.as_view(),
        name="realization_edit",
    ),
    path(
        "<int:pk>/triwulan/<int:quarter>/verifikasi/",
        RealizationVerifyView.as_view(),
        name="realization_verify",
    ),
    path(
        "<int:pk>/triwulan/<int:quarter>/kembalikan/",
        RealizationReturnView.as_view(),
        name="realization_return",
    ),
]
