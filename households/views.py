"""Pages of the registry: list, detail, add and edit, NIK reveal, import and export."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from tkpk.audit import audit_record
from tkpk.choices import AuditAction, JobStatus
from tkpk.jobs import job_start
from tkpk.pagination import page_without_count

from .exporting import FORMATS, ExportTooLarge, export_households, export_is_within_limit
from .forms import HouseholdForm, ImportMappingForm, ImportUploadForm, MemberFormSet, NikCheckForm
from .identity import MESSAGES, message_for
from .importing.changes import CHANGE_KINDS, HELD_LABELS
from .importing.reader import FileProblem, open_table
from .models import Household, HouseholdImport, Person
from .privacy import age_in_years, kk_shown, nik_shown, sees_full_identity
from .selectors import household_detail, household_history, household_list
from .services import (
    ImportStillRunning,
    NikCheckLimitReached,
    household_create,
    household_import_create,
    household_import_start,
    household_update,
    nik_check,
    nik_checks_left,
    nik_reveal,
    nik_search_record,
    person_save,
)

PAGE_SIZE = 50
PREVIEW_ROWS = 10


class HouseholdListView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Families with filters and search; pages without a COUNT(*) of the whole registry."""

    permission_required = "households.view_household"

    def get(self, request):
        filterset = household_list(user=request.user, filters=request.GET, request=request)
        queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        page = page_without_count(queryset, request, per_page=PAGE_SIZE)
        if filterset.number_searched and not filterset.refusal:
            nik_search_record(
                user=request.user,
                query=filterset.number_searched,
                matches=len(page["rows"]),
                more=page["has_next"],
                request=request,
            )
        context = {
            "filter": filterset,
            "households": page.pop("rows"),
            **page,
            "export_formats": FORMATS,
        }
        template = (
            "households/_household_table.html"
            if request.htmx
            else ("households/household_list.html")
        )
        return render(request, template, context)


class HouseholdDetailView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "households.view_household"

    def get(self, request, pk):
        household = get_object_or_404(household_detail(user=request.user, pk=pk))
        full_identity = sees_full_identity(request.user)
        members = [
            {
                "person": person,
                "nik": nik_shown(person.identity_number, full_identity=full_identity),
                "age": age_in_years(person.birth_date),
                # The NIK warnings tell about the NIK's date and sex (a placeholder date, a
                # mismatch): only for the roles that see the NIK itself.
                "warnings": [message_for(c) for c in person.warnings if c in MESSAGES]
                if full_identity
                else [],
            }
            for person in household.members.all()
        ]
        history = household_history(
            user=request.user, household=household, members=household.members.all()
        )
        return render(
            request,
            "households/household_detail.html",
            {
                "household": household,
                "kk": kk_shown(household.kk_number, full_identity=full_identity),
                "full_identity": full_identity,
                "members": members,
                "history": history,
            },
        )


class NikCheckView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Is this exact NIK in the registry? Yes or no, audited and rate-limited: how a role that
    does not see full NIKs checks the number a beneficiary gave it (households.privacy)."""

    permission_required = "households.view_person"
    template_name = "households/nik_check.html"

    def get(self, request):
        return self.render_page(request, NikCheckForm())

    def post(self, request):
        form = NikCheckForm(request.POST)
        found = None
        status = 200
        if form.is_valid():
            try:
                found = nik_check(user=request.user, nik=form.cleaned_data["nik"], request=request)
            except NikCheckLimitReached:
                form.add_error(
                    None,
                    _(
                        "You have checked %(n)s NIKs in the last hour, the most allowed. "
                        "Try again later, or search by name."
                    )
                    % {"n": settings.NIK_CHECK_PER_HOUR},
                )
                status = 429
        else:
            status = 400
        return self.render_page(request, form, found=found, status=status)

    def render_page(self, request, form, *, found=None, status=200):
        context = {
            "form": form,
            "found": found,
            "checked": form.cleaned_data.get("nik") if form.is_bound and found is not None else "",
            "checks_left": nik_checks_left(user=request.user),
        }
        if request.htmx:
            # htmx swaps only 2xx answers: the partial carries the refusal itself.
            return render(request, "households/_nik_check_result.html", context)
        return render(request, self.template_name, context, status=status)


class NikRevealView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """htmx: replace a masked NIK by the full one; audited."""

    permission_required = "households.view_full_nik"

    def post(self, request, pk):
        person = get_object_or_404(Person.objects.for_user(request.user), pk=pk)
        number = nik_reveal(user=request.user, person=person, request=request)
        return HttpResponse(format_html('<code data-testid="nik-full">{}</code>', number))


class HouseholdEditMixin(LoginRequiredMixin, PermissionRequiredMixin):
    template_name = "households/household_form.html"

    def members(self, request, data=None, instance=None):
        """The member formset; its forms check NIKs as this user (lookups are audited)."""
        return MemberFormSet(
            data,
            instance=instance,
            prefix="members",
            form_kwargs={"user": request.user, "request": request},
        )

    def render_form(self, request, form, formset, household=None):
        return render(
            request, self.template_name, {"form": form, "formset": formset, "household": household}
        )

    def save(self, request, form, formset, household=None):
        with transaction.atomic():
            data = {name: form.cleaned_data[name] for name in form.fields}
            if household is None:
                household = household_create(user=request.user, data=data, request=request)
            else:
                # The form has already written its values onto `household`; the service compares
                # against the stored row, so it gets a fresh copy.
                household = household_update(
                    user=request.user,
                    household=Household.objects.get(pk=household.pk),
                    data=data,
                    request=request,
                )
            warnings = []
            for member_form in formset.forms:
                if not member_form.has_changed():
                    continue
                values = {
                    name: member_form.cleaned_data.get(name)
                    for name in member_form.fields
                    if name != "id" and name != "household"
                }
                values["temporary_number"] = member_form.cleaned_data.get("temporary_number")
                values["household"] = household
                person = member_form.instance if member_form.instance.pk else Person()
                person_save(user=request.user, person=person, data=values, request=request)
                warnings.extend(member_form.nik_warnings)
        messages.success(request, _("The family %(kk)s was saved.") % {"kk": household.kk_number})
        for warning in sorted(set(warnings)):
            messages.warning(request, warning)
        return redirect("households:household_detail", pk=household.pk)


class HouseholdCreateView(HouseholdEditMixin, View):
    permission_required = "households.add_household"

    def get(self, request):
        return self.render_form(request, HouseholdForm(), self.members(request))

    def post(self, request):
        form = HouseholdForm(request.POST)
        formset = self.members(request, request.POST)
        if form.is_valid() and formset.is_valid():
            return self.save(request, form, formset)
        return self.render_form(request, form, formset)


class HouseholdUpdateView(HouseholdEditMixin, View):
    permission_required = "households.change_household"

    def get_household(self, request, pk):
        return get_object_or_404(Household.objects.for_user(request.user), pk=pk)

    def get(self, request, pk):
        household = self.get_household(request, pk)
        return self.render_form(
            request,
            HouseholdForm(instance=household),
            self.members(request, instance=household),
            household,
        )

    def post(self, request, pk):
        household = self.get_household(request, pk)
        form = HouseholdForm(request.POST, instance=household)
        formset = self.members(request, request.POST, instance=household)
        if form.is_valid() and formset.is_valid():
            return self.save(request, form, formset, household)
        return self.render_form(request, form, formset, household)


class ExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Export the filtered list: small lists at once, big ones as a background job."""

    permission_required = "households.view_household"

    def post(self, request):
        file_format = request.POST.get("format", "xlsx")
        if file_format not in FORMATS:
            raise Http404
        filters = {
            k: v for k, v in request.POST.items() if k not in ("format", "csrfmiddlewaretoken")
        }
        filterset = household_list(user=request.user, filters=filters)
        if not filterset.is_valid():
            messages.error(request, _("The filters are not valid."))
            return redirect("households:household_list")
        if not export_is_within_limit(user=request.user, households=filterset.qs.values("pk")):
            messages.error(request, ExportTooLarge(settings.OPERATOR_EXPORT_MAX_ROWS).message)
            return redirect(f"{reverse('households:household_list')}?{urlencode(filters)}")
        limit = settings.HOUSEHOLD_EXPORT_INLINE_ROWS
        big = Person.objects.filter(household__in=filterset.qs.values("pk"))[limit : limit + 1]
        if big.exists():
            job = job_start(
                kind="households.export",
                user=request.user,
                params={"filters": filters, "format": file_format},
            )
            return redirect("tkpk:job_detail", pk=job.pk)
        name, file, _rows = export_households(
            user=request.user, filters=filters, file_format=file_format, request=request
        )
        return FileResponse(file, as_attachment=True, filename=name)


class ImportUploadView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Step 1 of an import: upload the file; it is checked before anything else happens."""

    permission_required = "households.add_householdimport"
    max_request_bytes = settings.HOUSEHOLD_IMPORT_MAX_BYTES + 1024 * 1024  # the file and the form

    def get(self, request):
        recent = HouseholdImport.objects.for_user(request.user)[:5]
        return render(
            request, "households/import_upload.html", {"form": ImportUploadForm(), "recent": recent}
        )

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES)
        recent = HouseholdImport.objects.for_user(request.user)[:5]
        if not form.is_valid():
            return render(
                request,
                "households/import_upload.html",
                {"form": form, "recent": recent},
                status=400,
            )
        try:
            record = household_import_create(
                user=request.user,
                upload=form.cleaned_data["file"],
                source=form.cleaned_data["source"],
            )
        except FileProblem as exc:
            form.add_error("file", str(exc))
            return render(
                request,
                "households/import_upload.html",
                {"form": form, "recent": recent},
                status=400,
            )
        return redirect("households:import_detail", pk=record.pk)


class ImportDetailView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Step 2: the mapping (editable) and a preview; then a dry run and the import, as jobs."""

    permission_required = "households.add_householdimport"

    def get_import(self, request, pk):
        return get_object_or_404(HouseholdImport.objects.for_user(request.user), pk=pk)

    def preview(self, record, sheet=None):
        with record.file.open("rb") as handle:
            table = open_table(handle, name=record.original_name, sheet=sheet or record.sheet)
            rows = []
            for cells in table.rows:
                rows.append(["" if c is None else c for c in cells])
                if len(rows) >= PREVIEW_ROWS:
                    break
            header, sheets = table.header, table.sheets
            table.close()
        return header, sheets, rows

    def render_page(self, request, record, form=None, status=200):
        try:
            header, sheets, rows = self.preview(record)
        except FileProblem as exc:
            messages.error(request, str(exc))
            return redirect("households:import")
        if form is None:
            initial = {f"map_{field}": str(index) for field, index in record.mapping.items()}
            initial["sheet"] = record.sheet
            initial["clear_empty"] = record.clear_empty
            form = ImportMappingForm(initial=initial, header=header, sheets=sheets)
        mapped = {int(v): k for k, v in record.mapping.items()}
        return render(
            request,
            "households/import_detail.html",
            {
                "record": record,
                "form": form,
                "header": header,
                "rows": rows,
                "mapped": mapped,
                "dry_run_job": record.dry_run_job,
                "import_job": record.import_job,
                "review": import_review(request.user, record),
                "held_labels": HELD_LABELS,
                "import_done": bool(
                    record.import_job and record.import_job.status == JobStatus.SUCCEEDED
                ),
            },
            status=status,
        )

    def file_gone(self, request, record):
        """The upload was deleted by the retention task (IMPORT_FILE_RETENTION_DAYS)."""
        messages.warning(
            request,
            _(
                "The file %(name)s was deleted %(days)s days after its upload, as uploaded "
                "personal data is kept only that long. Upload it again to import it."
            )
            % {"name": record.original_name, "days": settings.IMPORT_FILE_RETENTION_DAYS},
        )
        return redirect("households:import")

    def get(self, request, pk):
        record = self.get_import(request, pk)
        if not record.file:
            return self.file_gone(request, record)
        return self.render_page(request, record)

    def post(self, request, pk):
        record = self.get_import(request, pk)
        if not record.file:
            return self.file_gone(request, record)
        header, sheets, _rows = self.preview(record)
        form = ImportMappingForm(request.POST, header=header, sheets=sheets)
        if not form.is_valid():
            return self.render_page(request, record, form, status=400)
        try:
            household_import_start(
                user=request.user,
                record=record,
                mapping=form.mapping(),
                sheet=form.cleaned_data.get("sheet", record.sheet),
                clear_empty=form.cleaned_data["clear_empty"],
                action=request.POST.get("action", ""),
                accept=request.POST.getlist("accept"),
            )
        except ImportStillRunning:
            messages.warning(request, _("A run of this file is still going; wait for it to end."))
        return redirect("households:import_detail", pk=record.pk)


def import_review(user, record) -> dict | None:
    """The last dry run's findings, as this user may see them (NIKs masked as on every page)."""
    review = record.review or {}
    if not review:
        return None
    full_identity = sees_full_identity(user)
    labels = {
        **{f.name: f.verbose_name for f in Person._meta.fields},
        **{f.name: f.verbose_name for f in Household._meta.fields},
        "household": gettext_lazy("family (No. KK)"),
    }
    rows = [
        {
            "kind": change["kind"],
            "kind_label": CHANGE_KINDS.get(change["kind"], change["kind"]),
            "kk": kk_shown(change["kk"], full_identity=full_identity),
            "nik": nik_shown(change["number"], full_identity=full_identity),
            "field": labels.get(change["field"], change["field"]),
            "old": change["old"],
            "new": change["new"],
        }
        for change in review.get("preview", [])
    ]
    return {**review, "rows": rows}


class ImportChangesView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Download the last dry run's whole change list (personal data: audited)."""

    permission_required = "households.add_householdimport"

    def get(self, request, pk):
        record = get_object_or_404(HouseholdImport.objects.for_user(request.user), pk=pk)
        if not record.changes_file:
            raise Http404(_("This import has no change list."))
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            obj=record,
            request=request,
            summary=_("Downloaded the change list of the import of %(name)s.")
            % {"name": record.original_name},
        )
        return FileResponse(
            record.changes_file.open("rb"),
            as_attachment=True,
            filename=f"perubahan-{record.pk}.csv",
        )
