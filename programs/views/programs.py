"""Program pages: the list with its figures, a program's page with its quarter table, add,
edit (with optimistic locking) and the copy to the next fiscal year."""

from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tkpk.generic import ObjectActionView, ObjectFormView, ObjectListView, ObjectView
from tkpk.roles import OPERATOR, user_role

from ..choices import EDITABLE_REALIZATION
from ..forms.programs import ProgramCopyForm, ProgramForm
from ..models import Program
from ..selectors.programs import active_beneficiary_count, program_list, program_quarters
from ..services.programs import program_copy, program_create, program_update

PROGRAM_RELATED = ("agency", "cluster", "national_program", "national_program__cluster")
#: What writing a quarterly report takes (its pages are in realizations.py).
REPORT_PERMISSIONS = ("programs.add_realization", "programs.change_realization")


def optional_url(name: str, **kwargs) -> str | None:
    """The URL of a page another part of the app may not serve (yet): None if it does not."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


class ProgramListView(ObjectListView):
    """The programs the user may reach (an agency's own, everyone's for the secretariat and
    Bappeda), this fiscal year unless another is chosen, with pagu, spending and reach."""

    permission_required = "programs.view_program"
    selector = program_list
    template_name = "programs/program_list.html"
    partial_template_name = "programs/_program_table.html"
    context_object_name = "programs"
    paginate_by = 50
    count_up_to = 10_000

    def get_extra_context(self, filterset, page, *, partial):
        # An agency sees its own programs only: choosing an agency would tell it nothing.
        return {"show_agency": user_role(self.request.user) != OPERATOR}


class ProgramDetailView(ObjectView):
    """One program: its fields and locations, the quarter table with each report's status,
    its active beneficiaries, and the panels other parts put into the slot program_detail."""

    permission_required = "programs.view_program"
    model = Program
    select_related = (*PROGRAM_RELATED, "copied_from", "created_by", "updated_by")
    template_name = "programs/program_detail.html"
    context_object_name = "program"

    def get_context_data(self, **kwargs):
        program, user = self.object, self.request.user
        beneficiary_url = None
        if user.has_perm("programs.view_beneficiary"):
            beneficiary_url = optional_url("programs:beneficiary_list", pk=program.pk)
        return super().get_context_data(
            locations=program.locations.select_related("parent").order_by("code"),
            quarters=program_quarters(program=program),
            active_beneficiaries=active_beneficiary_count(program=program),
            beneficiary_url=beneficiary_url,
            may_write_reports=user.has_perms(REPORT_PERMISSIONS),
            editable_statuses=EDITABLE_REALIZATION,
            copy_form=ProgramCopyForm() if user.has_perm("programs.add_program") else None,
            **kwargs,
        )


class ProgramFormView(ObjectFormView):
    """The program form, for a new program (no pk) or one of the user's reach."""

    model = Program
    select_related = PROGRAM_RELATED
    form_class = ProgramForm
    template_name = "programs/program_form.html"
    context_object_name = "program"
    success_message = gettext_lazy("Program saved.")

    def get_form_kwargs(self):
        return {"instance": self.object, "user": self.request.user}


class ProgramCreateView(ProgramFormView):
    """Enter a program: an Operator SKPD for their own agency, Admin for the agency chosen."""

    permission_required = "programs.add_program"

    def save(self, form):
        return program_create(
            user=self.request.user,
            data=form.service_data(),
            locations=list(form.cleaned_data["locations"]),
            agency=form.cleaned_data.get("agency"),
            request=self.request,
        )


class ProgramUpdateView(ProgramFormView):
    """Change a program; an edit begun before someone else's save is refused (409) and shown
    beside the saved values. Another agency's program answers 404."""

    permission_required = "programs.change_program"

    def save(self, form):
        return program_update(
            user=self.request.user,
            program=self.object,
            data=form.service_data(),
            locations=list(form.cleaned_data["locations"]),
            expected_version=form.cleaned_data["version"] or self.object.version,
            request=self.request,
        )


class ProgramCopyView(ObjectActionView):
    """Copy a program to the next fiscal year (planned), optionally with its active
    beneficiaries; then the copy's page. A second copy is refused with a message."""

    permission_required = "programs.add_program"
    model = Program
    select_related = ("agency",)

    def act(self, program):
        form = ProgramCopyForm(self.request.POST)
        form.is_valid()
        self.copy = program_copy(
            user=self.request.user,
            program=program,
            with_beneficiaries=form.cleaned_data.get("with_beneficiaries", False),
            request=self.request,
        )
        return self.copy

    @property
    def success_message(self):
        return _("Copied to fiscal year %(year)s as a planned program: check its budget.") % {
            "year": self.copy.fiscal_year
        }


urls = [
    path("", ProgramListView.as_view(), name="program_list"),
    path("tambah/", ProgramCreateView.as_view(), name="program_add"),
    path("<int:pk>/", ProgramDetailView.as_view(), name="program_detail"),
    path("<int:pk>/ubah/", ProgramUpdateView.as_view(), name="program_edit"),
    path("<int:pk>/salin/", ProgramCopyView.as_view(), name="program_copy"),
]
