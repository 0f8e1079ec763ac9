"""Pages of a program's beneficiaries: the list and its export, enrolment by a search of the
registry, the end and the change of a benefit, and enrolment from a file (upload, mapping, dry
run, review, apply). Each reaches its program or beneficiary through `for_user`, so another
agency's answers 404; the rules live in the services and selectors."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from households.importing.reader import FileProblem
from households.privacy import nik_shown, sees_full_identity
from households.services import nik_checks_left, nik_search_record
from tkpk.choices import JobStatus
from tkpk.generic import (
    ObjectExportView,
    ObjectFormView,
    ObjectListView,
    ObjectMixin,
    add_service_errors,
)

from ..choices import TargetUnit
from ..forms.beneficiaries import (
    BeneficiaryEditForm,
    BeneficiaryEndForm,
    EnrolForm,
    EnrolSearchForm,
    GroupForm,
    ImportMappingForm,
    ImportUploadForm,
)
from ..models import Beneficiary, BeneficiaryImport, Program
from ..selectors.beneficiaries import (
    BY_NAME,
    CANDIDATE_FAMILIES,
    beneficiary_list,
    beneficiary_rows,
    import_review,
    program_groups,
)
from ..services.beneficiaries import ACCEPTABLE, FINDING_LABELS, beneficiary_end, beneficiary_update
from ..services.beneficiary_export import FORMATS, beneficiary_export
from ..services.enrolment import (
    NikCheckLimitReached,
    beneficiary_enrol_one,
    beneficiary_group_create,
    enrolment_search,
)
from ..services.imports import (
    ACCEPT_LABELS,
    IMPORT_ACCEPTABLE,
    ImportStillRunning,
    beneficiary_import_create,
    beneficiary_import_start,
    import_header,
)


def _list_url(program_pk: int) -> str:
    return reverse("programs:beneficiary_list", args=[program_pk])


class BeneficiaryListView(ObjectMixin, ObjectListView):
    """A program's beneficiaries, filtered, with their count and an export masked for the role.
    Bappeda, which sees figures and never names, holds no view_beneficiary (403)."""

    permission_required = "programs.view_beneficiary"
    model = Program
    select_related = ("agency",)
    template_name = "programs/beneficiary_list.html"
    partial_template_name = "programs/_beneficiary_table.html"
    context_object_name = "beneficiaries"
    count_up_to = 10_000

    def get_filterset(self):
        return beneficiary_list(
            user=self.request.user, program=self.object, filters=self.request.GET
        )

    def get_extra_context(self, filterset, page, *, partial):
        user, program = self.request.user, self.object
        return {
            "program": program,
            "lines": beneficiary_rows(user=user, beneficiaries=page.rows),
            "export_url": reverse("programs:beneficiary_export", args=[program.pk]),
            "export_formats": FORMATS,
            "is_group_program": program.target_unit == TargetUnit.GROUP,
            "full_identity": sees_full_identity(user),
        }

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


class BeneficiaryExportView(ObjectMixin, ObjectExportView):
    """The filtered list as XLSX or CSV, masked for the role: small lists now, long ones as a
    background job (its page follows); more rows than an operator may export goes back to the
    list with the reason."""

    permission_required = "programs.view_beneficiary"
    model = Program
    formats = FORMATS

    def back_to_list(self, filters: dict, message: str):
        messages.error(self.request, message)
        query = f"?{urlencode(filters)}" if filters else ""
        return redirect(f"{_list_url(self.object.pk)}{query}")

    def post(self, request, *args, **kwargs):
        program = self.object
        file_format = request.POST.get("format", self.formats[0])
        if file_format not in self.formats:
            raise Http404
        skipped = {"format", "csrfmiddlewaretoken", "page"}
        filters = {key: value for key, value in request.POST.items() if key not in skipped}
        try:
            result = beneficiary_export(
                user=request.user,
                program=program,
                filters=filters,
                file_format=file_format,
                request=request,
            )
        except ValidationError as error:
            return self.back_to_list(filters, " ".join(error.messages))
        if hasattr(result, "handle"):
            return FileResponse(result.handle, as_attachment=True, filename=result.name)
        return redirect("tkpk:job_detail", pk=result.pk)


class BeneficiaryEnrolView(ObjectFormView):
    """Enrol a person found in the registry. The search (by name; or by the exact NIK or No.
    KK, POSTed, audited, and for a role that does not see full NIKs counted against the hourly
    NIK-check limit) shows each family with the findings against each member; POST enrols the
    member picked, with the acceptable findings ticked, and says what happened."""

    permission_required = "programs.add_beneficiary"
    model = Program
    form_class = EnrolForm
    template_name = "programs/beneficiary_enrol.html"
    partial_template_name = "programs/_beneficiary_candidates.html"
    context_object_name = "program"

    def get_form_kwargs(self):
        return {"user": self.request.user, "program": self.object}

    def get(self, request, *args, **kwargs):
        # A search by name may come as a link (the page again after an enrolment); a NIK or a
        # No. KK only by POST, so that the number stays out of URLs, browser history and access
        # logs, and a reload does not spend another of the hour's checks.
        by_name = request.GET.get("by", BY_NAME) == BY_NAME
        return self.render_page(request.GET if by_name and "q" in request.GET else None)

    def render_page(self, data=None, **kwargs):
        request = self.request
        program, user = self.object, request.user
        search = EnrolSearchForm(data, user=user)
        families, refusal, status = None, "", 200
        if search.is_bound and search.is_valid() and search.cleaned_data.get("value"):
            data = search.cleaned_data
            try:
                families = enrolment_search(
                    user=user, program=program, by=data["by"], value=data["value"], request=request
                )
            except NikCheckLimitReached:
                refusal = _(
                    "You have checked %(n)s NIKs or No. KKs in the last hour, the most allowed. "
                    "Try again later, or search by name."
                ) % {"n": settings.NIK_CHECK_PER_HOUR}
                status = 429
        elif search.is_bound:
            status = 400
        template = self.partial_template_name if request.htmx else self.template_name
        full_identity = sees_full_identity(user)
        context = {
            "program": program,
            "object": program,
            "search": search,
            "families": families,
            "refusal": refusal,
            "full_identity": full_identity,
            "checks_left": None if full_identity else nik_checks_left(user=user),
            "groups": program_groups(program=program),
            "group_form": kwargs.get("group_form") or GroupForm(),
            "accept_labels": {kind: ACCEPT_LABELS[kind] for kind in ACCEPTABLE},
            "max_families": CANDIDATE_FAMILIES,
            "finding_labels": FINDING_LABELS,
        }
        return render(request, template, context, status=200 if request.htmx else status)

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "search":
            return self.render_page(request.POST)
        if action == "group":
            return self.add_group()
        program = self.object
        form = self.get_form(request.POST)
        back = self._back_url()
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        data = form.service_data()
        try:
            result = beneficiary_enrol_one(
                user=request.user, program=program, request=request, **data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(back)
        person = data["person"]
        if result.enrolled:
            messages.success(
                request,
                _("%(name)s was enrolled in %(program)s.")
                % {"name": person.name, "program": program.name},
            )
        for kind in result.skipped:
            message = _("%(name)s was not enrolled: %(reason)s.") % {
                "name": person.name,
                "reason": FINDING_LABELS[kind],
            }
            if kind in ACCEPTABLE:
                message += " " + _("Tick “%(accept)s” to enrol anyway.") % {
                    "accept": ACCEPT_LABELS[kind]
                }
            messages.warning(request, message)
        return redirect(back)

    def add_group(self):
        """A new group of a group program, by name and village; then the page again."""
        form = GroupForm(self.request.POST)
        if form.is_valid():
            try:
                group = beneficiary_group_create(
                    user=self.request.user,
                    program=self.object,
                    name=form.cleaned_data["name"],
                    village=form.cleaned_data["village"],
                    request=self.request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(self.request, _("Group %(name)s added.") % {"name": group.name})
                return redirect(self._back_url())
        by_name = self.request.POST.get("by") == BY_NAME and self.request.POST.get("q")
        return self.render_page(self.request.POST if by_name else None, group_form=form)

    def _back_url(self) -> str:
        """The enrolment page again; after a search by name with its search, so that the next
        member of the list is one click away (a number is not searched again: that would
        count against the hourly limit once more)."""
        url = reverse("programs:beneficiary_enrol", args=[self.object.pk])
        by, q = self.request.POST.get("by", ""), self.request.POST.get("q", "")
        if by == BY_NAME and q:
            return f"{url}?{urlencode({'by': by, 'q': q})}"
        return url


class BeneficiaryPartMixin:
    """A beneficiary reached through for_user, with its program and person."""

    model = Beneficiary
    select_related = ("program", "person", "person__household", "group")
    context_object_name = "beneficiary"

    def get_success_url(self, result):
        return _list_url(self.object.program_id)

    def get_context_data(self, **kwargs):
        beneficiary = self.object
        return super().get_context_data(
            program=beneficiary.program,
            nik=nik_shown(
                beneficiary.person.identity_number,
                full_identity=sees_full_identity(self.request.user),
            ),
            **kwargs,
        )


class BeneficiaryEndView(BeneficiaryPartMixin, ObjectFormView):
    """End a benefit with the reason, and optionally the date and a note. The row stays."""

    permission_required = "programs.change_beneficiary"
    form_class = BeneficiaryEndForm
    template_name = "programs/beneficiary_end.html"

    def save(self, form):
        data = form.cleaned_data
        return beneficiary_end(
            user=self.request.user,
            beneficiary=self.object,
            reason=data["end_reason"],
            on=data.get("ended_on"),
            note=data.get("end_note") or "",
            request=self.request,
        )

    def get_success_message(self, beneficiary):
        return _("The benefit of %(name)s ended: %(reason)s.") % {
            "name": beneficiary.person.name,
            "reason": beneficiary.get_end_reason_display(),
        }


class BeneficiaryEditView(BeneficiaryPartMixin, ObjectFormView):
    """Change what a beneficiary receives, or their group."""

    permission_required = "programs.change_beneficiary"
    form_class = BeneficiaryEditForm
    template_name = "programs/beneficiary_form.html"

    def get_form_kwargs(self):
        return {"instance": self.object}

    def save(self, form):
        return beneficiary_update(
            user=self.request.user,
            beneficiary=self.object,
            data=form.service_data(),
            request=self.request,
        )

    def get_success_message(self, beneficiary):
        return _("The benefit of %(name)s was saved.") % {"name": beneficiary.person.name}


class BeneficiaryImportView(ObjectFormView):
    """Step 1 of an enrolment from a file: the upload, checked (file type, size) before
    anything else; a file that is not CSV or XLSX is refused with the reader's message."""

    permission_required = "programs.add_beneficiaryimport"
    max_request_bytes = settings.HOUSEHOLD_IMPORT_MAX_BYTES + 1024 * 1024  # the file and the form
    model = Program
    form_class = ImportUploadForm
    template_name = "programs/beneficiary_import.html"
    context_object_name = "program"

    def get_context_data(self, **kwargs):
        recent = BeneficiaryImport.objects.for_user(self.request.user).filter(program=self.object)
        return super().get_context_data(recent=recent[:5], **kwargs)

    def save(self, form):
        try:
            return beneficiary_import_create(
                user=self.request.user, program=self.object, upload=form.cleaned_data["file"]
            )
        except FileProblem as problem:
            raise ValidationError({"file": str(problem)}) from None


DIGIT_RUN_MIN = 8


def _preview_cell(value, *, full_identity: bool):
    """A cell of the preview: for a role that does not see full NIKs, a long number (a NIK or a
    No. KK in whatever column) masked as every page masks it."""
    if full_identity:
        return value
    text = str(value).strip()
    if len(text) >= DIGIT_RUN_MIN and text.isdigit():
        return nik_shown(text, full_identity=False)
    return value


class BeneficiaryImportDetailView(ObjectFormView):
    """Step 2: the column mapping (detected, correctable) and the first rows; the dry run, its
    review by kind with a box for each acceptable kind, and the apply, as background jobs. The
    rows left out are the job's result file."""

    permission_required = "programs.view_beneficiaryimport"
    model = BeneficiaryImport
    select_related = ("program", "dry_run_job", "import_job", "uploaded_by")
    form_class = ImportMappingForm
    template_name = "programs/beneficiary_import_detail.html"
    context_object_name = "record"

    def get(self, request, *args, **kwargs):
        return self.read_file() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("programs.add_beneficiaryimport"):
            raise PermissionDenied
        return self.read_file() or super().post(request, *args, **kwargs)

    def read_file(self):
        """The file's header and first rows; or, when it is gone or cannot be read, the upload
        page with the reason."""
        record = self.object
        upload_url = reverse("programs:beneficiary_import", args=[record.program_id])
        if not record.file:
            message = _(
                "The file %(name)s was deleted %(days)s days after its upload, as uploaded "
                "personal data is kept only that long. Upload it again to import it."
            ) % {"name": record.original_name, "days": settings.IMPORT_FILE_RETENTION_DAYS}
            messages.warning(self.request, message)
            return redirect(upload_url)
        try:
            self.header, self.rows = import_header(record=record)
        except FileProblem as problem:
            messages.error(self.request, str(problem))
            return redirect(upload_url)
        return None

    def get_form(self, data=None, files=None):
        initial = {f"map_{column}": str(index) for column, index in self.object.mapping.items()}
        return ImportMappingForm(data, initial=initial, header=self.header)

    def get_context_data(self, **kwargs):
        record, user = self.object, self.request.user
        full_identity = sees_full_identity(user)
        review = import_review(user=user, record=record)
        dry_run_job, import_job = record.dry_run_job, record.import_job
        applied = bool(import_job and import_job.status == JobStatus.SUCCEEDED)
        reviewed = bool(
            review
            and dry_run_job
            and dry_run_job.status == JobStatus.SUCCEEDED
            and review.get("mapping") == record.mapping
        )
        return super().get_context_data(
            program=record.program,
            header=self.header,
            rows=[[_preview_cell(c, full_identity=full_identity) for c in r] for r in self.rows],
            mapped={int(index): column for column, index in record.mapping.items()},
            review=review,
            reviewed=reviewed,
            applied=applied,
            dry_run_job=dry_run_job,
            import_job=import_job,
            accept_labels=ACCEPT_LABELS,
            can_import=user.has_perm("programs.add_beneficiaryimport"),
            **kwargs,
        )

    def save(self, form):
        action = self.request.POST.get("action", "")
        accept = [k for k in self.request.POST.getlist("accept") if k in IMPORT_ACCEPTABLE]
        try:
            beneficiary_import_start(
                user=self.request.user,
                record=self.object,
                mapping=form.mapping(),
                action=action,
                accept=accept,
            )
        except ImportStillRunning:
            messages.warning(
                self.request, _("A run of this file is still going; wait for it to end.")
            )
        return self.object


urls = [
    path("<int:pk>/penerima/", BeneficiaryListView.as_view(), name="beneficiary_list"),
    path("<int:pk>/penerima/ekspor/", BeneficiaryExportView.as_view(), name="beneficiary_export"),
    path("<int:pk>/penerima/tambah/", BeneficiaryEnrolView.as_view(), name="beneficiary_enrol"),
    path("<int:pk>/penerima/impor/", BeneficiaryImportView.as_view(), name="beneficiary_import"),
    path(
        "penerima/impor/<int:pk>/",
        BeneficiaryImportDetailView.as_view(),
        name="beneficiary_import_detail",
    ),
    path("penerima/<int:pk>/berhenti/", BeneficiaryEndView.as_view(), name="beneficiary_end"),
    path("penerima/<int:pk>/ubah/", BeneficiaryEditView.as_view(), name="beneficiary_edit"),
]
