"""Meeting pages: list, plan, detail, edit, attendance, minutes, printable minutes and PDF."""

from io import BytesIO

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tkpk.audit import audit_record
from tkpk.choices import AuditAction

from ..forms import ActionForm, AttachmentForm, AttendanceForm, MeetingForm, MinutesForm
from ..markdown import render_markdown
from ..models import Attachment, Attendance
from ..selectors import agency_choices, meeting_actions, meeting_list
from ..services import (
    attendance_add,
    attendance_delete,
    attendance_set_present,
    meeting_create,
    meeting_minutes_update,
    meeting_update,
)
from .base import (
    PermissionView,
    add_service_errors,
    meeting_for,
    page_number,
    querystring_without_page,
)


class MeetingListView(PermissionView):
    """Every meeting the user may read, filtered; an htmx request gets only the table."""

    permission_required = "meetings.view_meeting"
    paginate_by = 25

    def get(self, request):
        filterset = meeting_list(user=request.user, filters=request.GET)
        queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        page = Paginator(queryset.select_related("created_by"), self.paginate_by).get_page(
            page_number(request)
        )
        context = {
            "filter": filterset,
            "page_obj": page,
            "meetings": page.object_list,
            "querystring": querystring_without_page(request),
        }
        if request.htmx:
            return render(request, "meetings/_meeting_table.html", context)
        context["agency_choices"] = agency_choices()
        return render(request, "meetings/meeting_list.html", context)


class MeetingCreateView(PermissionView):
    """Plan a meeting and invite agencies."""

    permission_required = "meetings.add_meeting"

    def get(self, request):
        return render(request, "meetings/meeting_form.html", {"form": MeetingForm()})

    def post(self, request):
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                meeting = meeting_create(
                    user=request.user,
                    invited_agencies=form.cleaned_data["invited_agencies"],
                    request=request,
                    **form.service_data(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Meeting saved."))
                if meeting.is_upcoming and form.cleaned_data["invited_agencies"]:
                    messages.info(request, _("The invitations are being emailed."))
                return redirect(meeting)
        return render(request, "meetings/meeting_form.html", {"form": form})


class MeetingUpdateView(PermissionView):
    """Change a meeting; invitees hear of a new date, time or place."""

    permission_required = "meetings.change_meeting"

    def get(self, request, pk):
        meeting = meeting_for(request, pk)
        return render(
            request,
            "meetings/meeting_form.html",
            {"form": MeetingForm(instance=meeting), "meeting": meeting},
        )

    def post(self, request, pk):
        # The form writes into its instance while validating: the service gets a clean copy, so
        # that it sees (and audits) what changed.
        form = MeetingForm(request.POST, instance=meeting_for(request, pk))
        meeting = meeting_for(request, pk)
        if form.is_valid():
            try:
                meeting_update(
                    user=request.user,
                    meeting=meeting,
                    data=form.service_data(),
                    invited_agencies=form.cleaned_data["invited_agencies"],
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Meeting saved."))
                return redirect(meeting)
        return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


def _detail_context(request, meeting, **forms):
    user = request.user
    context = {
        "meeting": meeting,
        "invitations": meeting.invitations.select_related("agency"),
        "attendance": meeting.attendance.select_related("agency"),
        # Scoped like the download: a role that opens no file is not told their names either.
        "attachments": Attachment.objects.for_user(user).filter(meeting=meeting),
        "actions": meeting_actions(user=user, meeting=meeting),
        "today": timezone.localdate(),
    }
    if user.has_perm("meetings.change_meeting"):
        context["attendance_form"] = forms.get("attendance_form") or AttendanceForm()
    if user.has_perm("meetings.add_attachment"):
        context["attachment_form"] = forms.get("attachment_form") or AttachmentForm()
    if user.has_perm("meetings.add_followupaction"):
        context["action_form"] = forms.get("action_form") or ActionForm(meeting=meeting)
    return context


class MeetingDetailView(PermissionView):
    """One meeting: invitations, attendance, minutes, attachments and its actions, where the
    secretariat adds decisions inline."""

    permission_required = "meetings.view_meeting"

    def get(self, request, pk):
        meeting = meeting_for(request, pk)
        return render(request, "meetings/meeting_detail.html", _detail_context(request, meeting))


class MeetingMinutesView(PermissionView):
    """Write the minutes in Markdown, with a live preview."""

    permission_required = "meetings.change_meeting"

    def get(self, request, pk):
        meeting = meeting_for(request, pk)
        if request.htmx and "preview" in request.GET:
            return HttpResponse(render_markdown(request.GET.get("minutes", "")))
        form = MinutesForm(
            initial={"minutes": meeting.minutes, "mark_held": meeting.status == "held"}
        )
        return render(request, "meetings/minutes_form.html", {"form": form, "meeting": meeting})

    def post(self, request, pk):
        meeting = meeting_for(request, pk)
        form = MinutesForm(request.POST)
        if form.is_valid():
            try:
                meeting_minutes_update(
                    user=request.user,
                    meeting=meeting,
                    minutes=form.cleaned_data["minutes"],
                    mark_held=form.cleaned_data["mark_held"],
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Minutes saved."))
                return redirect(meeting)
        return render(request, "meetings/minutes_form.html", {"form": form, "meeting": meeting})


def _minutes_context(request, meeting):
    return {
        "meeting": meeting,
        "attendance": meeting.attendance.select_related("agency"),
        "actions": meeting_actions(user=request.user, meeting=meeting),
        "printed_at": timezone.localtime(),
    }


class MinutesPrintView(PermissionView):
    """The minutes with attendance and actions, laid out for printing."""

    permission_required = "meetings.view_meeting"

    def get(self, request, pk):
        meeting = meeting_for(request, pk)
        return render(request, "meetings/minutes_print.html", _minutes_context(request, meeting))


class MinutesPdfView(PermissionView):
    """The same minutes as a PDF download (xhtml2pdf); the export is audited."""

    permission_required = "meetings.view_meeting"

    def get(self, request, pk):
        from xhtml2pdf import pisa

        meeting = meeting_for(request, pk)
        html = render_to_string(
            "meetings/minutes_pdf.html", _minutes_context(request, meeting), request=request
        )
        output = BytesIO()
        result = pisa.CreatePDF(html, dest=output, encoding="utf-8")
        if result.err:
            messages.error(request, _("The PDF could not be made. Use the printable page."))
            return redirect("meetings:minutes_print", pk=meeting.pk)
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            obj=meeting,
            summary=_("Downloaded the minutes as PDF."),
            request=request,
        )
        name = f"notulen-{timezone.localtime(meeting.starts_at):%Y%m%d}-{slugify(meeting.title)}"
        response = HttpResponse(output.getvalue(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name[:80]}.pdf"'
        return response


def _attendance_section(request, meeting, form=None, status=200):
    context = {
        "meeting": meeting,
        "attendance": meeting.attendance.select_related("agency"),
        "attendance_form": form or AttendanceForm(),
    }
    return render(request, "meetings/_attendance.html", context, status=status)


class AttendanceAddView(PermissionView):
    """Add a participant; an htmx request gets the attendance section back."""

    permission_required = "meetings.change_meeting"

    def post(self, request, pk):
        meeting = meeting_for(request, pk)
        form = AttendanceForm(request.POST)
        if form.is_valid():
            attendance_add(user=request.user, meeting=meeting, request=request, **form.cleaned_data)
            if not request.htmx:
                return redirect(meeting)
            return _attendance_section(request, meeting)
        if not request.htmx:
            context = _detail_context(request, meeting, attendance_form=form)
            return render(request, "meetings/meeting_detail.html", context)
        return _attendance_section(request, meeting, form)


def _attendance_for(request, pk) -> Attendance:
    return get_object_or_404(
        Attendance.objects.for_user(request.user).select_related("meeting"), pk=pk
    )


class AttendanceToggleView(PermissionView):
    """Mark a participant present or absent."""

    permission_required = "meetings.change_meeting"

    def post(self, request, pk):
        row = _attendance_for(request, pk)
        attendance_set_present(
            user=request.user, attendance=row, present=not row.present, request=request
        )
        if not request.htmx:
            return redirect(row.meeting)
        return _attendance_section(request, row.meeting)


class AttendanceDeleteView(PermissionView):
    """Take a participant off the list."""

    permission_required = "meetings.change_meeting"

    def post(self, request, pk):
        row = _attendance_for(request, pk)
        meeting = row.meeting
        attendance_delete(user=request.user, attendance=row, request=request)
        if not request.htmx:
            return redirect(meeting)
        return _attendance_section(request, meeting)
