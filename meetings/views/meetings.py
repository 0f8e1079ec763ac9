"""Meeting pages: list, plan, detail, edit, attendance, minutes, printable minutes and PDF."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from tkpk.generic import (
    ObjectActionView,
    ObjectDownloadView,
    ObjectFormView,
    ObjectListView,
    ObjectView,
)

from ..forms import AttendanceForm, MeetingForm, MinutesForm
from ..markdown import render_markdown
from ..models import Attendance, Meeting
from ..selectors import agency_choices, meeting_list, minutes_document
from ..services import (
    attendance_add,
    attendance_delete,
    attendance_set_present,
    meeting_create,
    meeting_minutes_update,
    meeting_update,
    minutes_pdf_export,
)
from .base import attendance_section, meeting_page


class MeetingListView(ObjectListView):
    """Every meeting the user may read, filtered; an htmx request gets only the table."""

    permission_required = "meetings.view_meeting"
    selector = meeting_list
    template_name = "meetings/meeting_list.html"
    partial_template_name = "meetings/_meeting_table.html"
    context_object_name = "meetings"
    paginate_by = 25
    count_up_to = 10_000

    def get_extra_context(self, filterset, page, *, partial):
        return {} if partial else {"agency_choices": agency_choices()}


class MeetingFormView(ObjectFormView):
    model = Meeting
    form_class = MeetingForm
    template_name = "meetings/meeting_form.html"
    context_object_name = "meeting"
    success_message = _("Meeting saved.")

    def get_form_kwargs(self):
        return {"instance": self.object}


class MeetingCreateView(MeetingFormView):
    """Plan a meeting and invite agencies."""

    permission_required = "meetings.add_meeting"

    def save(self, form):
        return meeting_create(
            user=self.request.user,
            invited_agencies=form.cleaned_data["invited_agencies"],
            request=self.request,
            **form.service_data(),
        )

    def form_valid(self, form, meeting):
        response = super().form_valid(form, meeting)
        if meeting.is_upcoming and form.cleaned_data["invited_agencies"]:
            messages.info(self.request, _("The invitations are being emailed."))
        return response


class MeetingUpdateView(MeetingFormView):
    """Change a meeting; invitees hear of a new date, time or place."""

    permission_required = "meetings.change_meeting"

    def save(self, form):
        return meeting_update(
            user=self.request.user,
            meeting=self.object,
            data=form.service_data(),
            invited_agencies=form.cleaned_data["invited_agencies"],
            request=self.request,
        )


class MeetingDetailView(ObjectView):
    """One meeting: invitations, attendance, minutes, attachments and its actions, where the
    secretariat adds decisions inline; and the panels other apps put into meeting_detail."""

    permission_required = "meetings.view_meeting"
    model = Meeting
    template_name = "meetings/meeting_detail.html"

    def get_context_data(self, **kwargs):
        return meeting_page(self.request, self.object, **kwargs)


class MeetingMinutesView(ObjectFormView):
    """Write the minutes in Markdown, with a live preview."""

    permission_required = "meetings.change_meeting"
    model = Meeting
    form_class = MinutesForm
    template_name = "meetings/minutes_form.html"
    context_object_name = "meeting"
    success_message = _("Minutes saved.")

    def get(self, request, *args, **kwargs):
        if request.htmx and "preview" in request.GET:
            return HttpResponse(render_markdown(request.GET.get("minutes", "")))
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        meeting = self.object
        return {"initial": {"minutes": meeting.minutes, "mark_held": meeting.status == "held"}}

    def save(self, form):
        return meeting_minutes_update(
            user=self.request.user,
            meeting=self.object,
            minutes=form.cleaned_data["minutes"],
            mark_held=form.cleaned_data["mark_held"],
            request=self.request,
        )


class MinutesPrintView(ObjectView):
    """The minutes with attendance and actions, laid out for printing."""

    permission_required = "meetings.view_meeting"
    model = Meeting
    select_related = ("minutes_by",)
    template_name = "meetings/minutes_print.html"

    def get_context_data(self, **kwargs):
        return minutes_document(user=self.request.user, meeting=self.object)


class MinutesPdfView(ObjectDownloadView):
    """The same minutes as a PDF download (xhtml2pdf); the export is audited."""

    permission_required = "meetings.view_meeting"
    model = Meeting
    select_related = ("minutes_by",)

    def open_file(self, meeting):
        return minutes_pdf_export(user=self.request.user, meeting=meeting, request=self.request)

    def unavailable(self, error):
        messages.error(self.request, " ".join(error.messages))
        return redirect("meetings:minutes_print", pk=self.object.pk)


class AttendanceAddView(ObjectFormView):
    """Add a participant; an htmx request gets the attendance section back."""

    permission_required = "meetings.change_meeting"
    http_method_names = ["post"]
    model = Meeting
    form_class = AttendanceForm
    template_name = "meetings/meeting_detail.html"
    partial_template_name = "meetings/_attendance.html"

    def get_context_data(self, form):
        if self.request.htmx:
            return attendance_section(self.object, form)
        return meeting_page(self.request, self.object, attendance_form=form)

    def save(self, form):
        return attendance_add(
            user=self.request.user, meeting=self.object, request=self.request, **form.cleaned_data
        )

    def get_success_url(self, attendance):
        return self.object.get_absolute_url()

    def htmx_success(self, attendance):
        return render(self.request, self.partial_template_name, attendance_section(self.object))


class AttendanceChangeView(ObjectActionView):
    """A change to one row of the attendance list; htmx gets the section back."""

    permission_required = "meetings.change_meeting"
    model = Attendance
    select_related = ("meeting",)

    def get_success_url(self, attendance):
        return self.object.meeting.get_absolute_url()

    def htmx_success(self, attendance):
        context = attendance_section(self.object.meeting)
        return render(self.request, "meetings/_attendance.html", context)


class AttendanceToggleView(AttendanceChangeView):
    """Mark a participant present or absent."""

    def act(self, row):
        user, request = self.request.user, self.request
        return attendance_set_present(
            user=user, attendance=row, present=not row.present, request=request
        )


class AttendanceDeleteView(AttendanceChangeView):
    """Take a participant off the list."""

    def act(self, row):
        attendance_delete(user=self.request.user, attendance=row, request=self.request)
        return row
