"""Pages of the registry: list, detail, add and edit, NIK check and reveal, import and export.

Each is a few declarative lines on tkpk.generic: the selectors read, the services write.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tkpk.choices import JobStatus
from tkpk.generic import (
    ObjectDownloadView,
    ObjectExportView,
    ObjectFormView,
    ObjectListView,
    ObjectMixin,
    ObjectView,
    ProtectedView,
)

from .exporting import FORMATS, household_export
from .forms import FamilyForm, ImportMappingForm, ImportUploadForm, NikCheckForm
from .importing.changes import HELD_LABELS
from .importing.reader import FileProblem
from .models import Household, HouseholdImport, Person
from .privacy import kk_shown, sees_full_identity
from .resources import LAYOUTS
from .selectors import (
    household_detail,
    household_history,
    household_list,
    household_members,
    import_preview,
    import_review,
    village_choices,
)
from .services import (
    ImportStillRunning,
    NikCheckLimitReached,
    household_import_create,
    household_import_start,
    household_save,
    import_changes_open,
    nik_check,
    nik_checks_left,
    nik_reveal,
    nik_search_record,
)


class HouseholdListView(ObjectListView):
    """Families with filters and search; pages without a COUNT(*) of the whole registry."""

    permission_required = "households.view_household"
    selector = household_list
    template_name = "households/household_list.html"
    partial_template_name = "households/_household_table.html"
    context_object_name = "households"
    # Exact up to this many families; above it the planner's estimate, said to be one.
    count_up_to = 10_000
    export_url_name = "households:export"
    export_formats = ("xlsx", "csv")
    export_layouts = (
        ("people", gettext_lazy("Readable")),
        ("import", gettext_lazy("Import format")),
    )

    def page_shown(self, filterset, page):
        # A search by NIK or No. KK is personal data processing: audited with what it found.
        if filterset.number_searched and not filterset.refusal:
            nik_search_record(
                user=self.request.user,
                query=filterset.number_searched,
                matches=len(page.rows),
                more=page.has_next,
                request=self.request,
            )


class VillageOptionsView(ProtectedView):
    """htmx: the villages of the chosen district, as the options of the list's village filter."""

    permission_required = "households.view_household"

    def get(self, request):
        villages = village_choices(district=request.GET.get("kecamatan", ""))
        return render(request, "households/_village_options.html", {"villages": villages})


class HouseholdDetailView(ObjectView):
    """One family: its members as the role may see them, its history and the panels that other
    apps put into the slot household_detail."""

    permission_required = "households.view_household"
    template_name = "households/household_detail.html"
    context_object_name = "household"

    def get_queryset(self):
        return household_detail(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        user, household = self.request.user, self.object
        full_identity = sees_full_identity(user)
        return super().get_context_data(
            kk=kk_shown(household.kk_number, full_identity=full_identity),
            full_identity=full_identity,
            members=household_members(user=user, household=household),
            history=household_history(
                user=user, household=household, members=household.members.all()
            ),
            **kwargs,
        )


class NikCheckView(ObjectFormView):
    """Is this exact NIK in the registry? Yes or no, audited and rate-limited: how a role that
    does not see full NIKs checks the number a beneficiary gave it (households.privacy)."""

    permission_required = "households.view_person"
    form_class = NikCheckForm
    template_name = "households/nik_check.html"
    # htmx swaps only 2xx answers: the partial carries the refusal itself.
    partial_template_name = "households/_nik_check_result.html"

    def get_context_data(self, **kwargs):
        checks_left = nik_checks_left(user=self.request.user)
        return {"checks_left": checks_left, "found": None, "checked": "", **kwargs}

    def save(self, form):
        try:
            return nik_check(
                user=self.request.user, nik=form.cleaned_data["nik"], request=self.request
            )
        except NikCheckLimitReached:
            self.limit_reached = True
            message = _(
                "You have checked %(n)s NIKs in the last hour, the most allowed. "
                "Try again later, or search by name."
            )
            raise ValidationError(message % {"n": settings.NIK_CHECK_PER_HOUR}) from None

    def form_invalid(self, form):
        status = 429 if getattr(self, "limit_reached", False) else 400
        return self.render_form(form, status=200 if self.request.htmx else status)

    def form_valid(self, form, found):
        return self.render_form(form, found=found, checked=form.cleaned_data["nik"])


class NikRevealView(ObjectMixin, ProtectedView):
    """htmx: replace a masked NIK by the full one; audited."""

    permission_required = "households.view_full_nik"
    model = Person
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        number = nik_reveal(user=request.user, person=self.object, request=request)
        return HttpResponse(format_html('<code data-testid="nik-full">{}</code>', number))


class HouseholdFormView(ObjectFormView):
    """A family with its members, saved together: added (no pk) or corrected."""

    model = Household
    form_class = FamilyForm
    template_name = "households/household_form.html"
    context_object_name = "household"

    def get_form_kwargs(self):
        return {"household": self.object, "user": self.request.user, "request": self.request}

    def get_context_data(self, **kwargs):
        family = kwargs.pop("form")
        return super().get_context_data(form=family.household, formset=family.members, **kwargs)

    def save(self, form):
        household = household_save(
            user=self.request.user,
            household=self.object,
            data=form.service_data(),
            members=form.member_changes(),
            request=self.request,
        )
        for warning in form.nik_warnings():
            messages.warning(self.request, warning)
        return household

    def get_success_message(self, household):
        return _("The family %(kk)s was saved.") % {"kk": household.kk_number}


class HouseholdCreateView(HouseholdFormView):
    permission_required = "households.add_household"


class HouseholdUpdateView(HouseholdFormView):
    permission_required = "households.change_household"


class ExportView(ObjectExportView):
    """Export the filtered list: small lists at once, big ones as a background job."""

    permission_required = "households.view_household"
    selector = household_list
    formats = FORMATS
    option_names = ("layout",)
    list_url_name = "households:household_list"
    invalid_filters_message = gettext_lazy("The filters are not valid.")

    def export(self, filters, file_format, layout="people"):
        if layout not in LAYOUTS:
            raise Http404
        return household_export(
            user=self.request.user,
            filters=filters,
            file_format=file_format,
            layout=layout,
            request=self.request,
        )


class ImportUploadView(ObjectFormView):
    """Step 1 of an import: upload the file; it is checked before anything else happens."""

    permission_required = "households.add_householdimport"
    max_request_bytes = settings.HOUSEHOLD_IMPORT_MAX_BYTES + 1024 * 1024  # the file and the form
    form_class = ImportUploadForm
    template_name = "households/import_upload.html"

    def get_context_data(self, **kwargs):
        return {"recent": HouseholdImport.objects.for_user(self.request.user)[:5], **kwargs}

    def save(self, form):
        data = form.cleaned_data
        try:
            return household_import_create(
                user=self.request.user, upload=data["file"], source=data["source"]
            )
        except FileProblem as problem:
            raise ValidationError({"file": str(problem)}) from None


class ImportDetailView(ObjectFormView):
    """Step 2: the mapping (editable) and a preview; then a dry run and the import, as jobs."""

    permission_required = "households.add_householdimport"
    model = HouseholdImport
    form_class = ImportMappingForm
    template_name = "households/import_detail.html"
    context_object_name = "record"

    def get(self, request, *args, **kwargs):
        return self.read_file() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.read_file() or super().post(request, *args, **kwargs)

    def read_file(self):
        """The file's header and first rows; or, when it cannot be read, the upload page."""
        if not self.object.file:
            return self.file_gone()
        try:
            self.header, self.sheets, self.rows = import_preview(record=self.object)
        except FileProblem as problem:
            messages.error(self.request, str(problem))
            return redirect("households:import")
        return None

    def file_gone(self):
        """The upload was deleted by the retention task (IMPORT_FILE_RETENTION_DAYS)."""
        message = _(
            "The file %(name)s was deleted %(days)s days after its upload, as uploaded "
            "personal data is kept only that long. Upload it again to import it."
        )
        days = settings.IMPORT_FILE_RETENTION_DAYS
        messages.warning(self.request, message % {"name": self.object.original_name, "days": days})
        return redirect("households:import")

    def get_form(self, data=None, files=None):
        record = self.object
        initial = {f"map_{field}": str(index) for field, index in record.mapping.items()}
        initial.update(sheet=record.sheet, clear_empty=record.clear_empty)
        return ImportMappingForm(data, initial=initial, header=self.header, sheets=self.sheets)

    def get_context_data(self, **kwargs):
        record = self.object
        return super().get_context_data(
            header=self.header,
            rows=self.rows,
            mapped={int(v): k for k, v in record.mapping.items()},
            dry_run_job=record.dry_run_job,
            import_job=record.import_job,
            review=import_review(user=self.request.user, record=record),
            held_labels=HELD_LABELS,
            import_done=bool(record.import_job and record.import_job.status == JobStatus.SUCCEEDED),
            **kwargs,
        )

    def save(self, form):
        try:
            household_import_start(
                user=self.request.user,
                record=self.object,
                mapping=form.mapping(),
                sheet=form.cleaned_data.get("sheet", self.object.sheet),
                clear_empty=form.cleaned_data["clear_empty"],
                action=self.request.POST.get("action", ""),
                accept=self.request.POST.getlist("accept"),
            )
        except ImportStillRunning:
            messages.warning(
                self.request, _("A run of this file is still going; wait for it to end.")
            )
        return self.object


class ImportChangesView(ObjectDownloadView):
    """Download the last dry run's whole change list (personal data: audited)."""

    permission_required = "households.add_householdimport"
    model = HouseholdImport

    def open_file(self, record):
        return import_changes_open(user=self.request.user, record=record, request=self.request)
