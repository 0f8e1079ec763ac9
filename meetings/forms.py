"""Forms of the meetings pages. They parse and check input; the services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tkpk.forms import BootstrapMixin, ServiceModelForm
from tkpk.models import Agency

from .choices import AttachmentKind
from .files import allowed_types_label, check_upload, max_upload_bytes
from .models import Attendance, FollowUpAction, Meeting
from .services.actions import ACTION_FIELDS, decrease_message
from .services.meetings import ATTENDANCE_FIELDS, MEETING_FIELDS


def _agencies():
    return Agency.objects.active().order_by("short_name")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MeetingForm(ServiceModelForm):
    """Plan or change a meeting and choose the agencies to invite."""

    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    invited_agencies = forms.ModelMultipleChoiceField(
        label=_("Invited agencies"),
        queryset=_agencies(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Their users receive an email invitation with a calendar file, for a planned "
            "meeting that is still ahead."
        ),
    )

    class Meta:
        model = Meeting
        fields = MEETING_FIELDS
        widgets = {"agenda": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        invited = self.fields["invited_agencies"]
        invited.queryset = _agencies()
        invited.label_from_instance = lambda agency: f"{agency.short_name} — {agency.name}"
        self.fields["status"].help_text = _(
            "Choose Held to record a meeting that has already taken place."
        )
        if self.stored is not None:
            invited.initial = list(self.stored.invitations.values_list("agency_id", flat=True))


class MinutesForm(BootstrapMixin, forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "form-control font-monospace"}),
        help_text=_(
            "Markdown: **bold**, *italic*, lists with - or 1., headings with #. Scripts and "
            "embedded HTML are removed when shown."
        ),
    )
    mark_held = forms.BooleanField(label=_("The meeting took place"), required=False)


class AttendanceForm(ServiceModelForm):
    class Meta:
        model = Attendance
        fields = ATTENDANCE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _agencies()
        self.fields["agency"].empty_label = _("— outside the regional government —")


class UploadField(forms.FileField):
    """A file checked by content and size (meetings.files) as soon as the form is validated."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            self.checked = check_upload(upload)
        return upload


def _upload_help():
    from django.template.defaultfilters import filesizeformat

    return _("%(types)s, at most %(size)s.") % {
        "types": allowed_types_label(),
        "size": filesizeformat(max_upload_bytes()),
    }


class AttachmentForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices)
    file = UploadField(label=_("File"), allow_empty_file=True)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _upload_help()


class ActionForm(ServiceModelForm):
    """Give or change a follow-up action. `version` is the version the user started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FollowUpAction
        fields = ACTION_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "due_date": DateInput()}

    def __init__(self, *args, meeting: Meeting, **kwargs):
        self.meeting = meeting
        super().__init__(*args, **kwargs)
        self.fields["responsible_agency"].queryset = _agencies()
        if self.stored is not None and not self.is_bound:
            self.initial["version"] = self.stored.version

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        held_on = timezone.localtime(self.meeting.starts_at).date()
        if due and due < held_on:
            raise ValidationError(_("The due date cannot be before the meeting."))
        return due


class ProgressForm(BootstrapMixin, forms.Form):
    """A progress report of the responsible agency, or its report that the action is done.
    `current_percent` is the action's progress now: a lower percent needs a reason (the page
    shows the reason field only then)."""

    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    text = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    reason = forms.CharField(
        label=_("Why is the progress lower?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    evidence = UploadField(label=_("Evidence (optional)"), required=False, allow_empty_file=True)
    mark_done = forms.BooleanField(
        label=_("The action is done: send it to the secretariat for verification"),
        required=False,
    )

    def __init__(self, *args, current_percent: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_percent = current_percent
        self.fields["evidence"].help_text = _upload_help()
        self.fields["reason"].help_text = _(
            "Required when the progress is lower than the last report (%(percent)s %%)."
        ) % {"percent": current_percent}

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return on

    def clean(self):
        data = super().clean()
        percent = data.get("percent")
        lower = percent is not None and percent < self.current_percent
        if lower and not data.get("mark_done") and not data.get("reason", "").strip():
            self.add_error("reason", decrease_message(old=self.current_percent, new=percent))
        return data


class CommentForm(BootstrapMixin, forms.Form):
    """The secretariat's comment when verifying, reopening or cancelling an action."""

    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = required
