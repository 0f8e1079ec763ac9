"""Forms of the validation pages: a decision on one finding or a selection, with its reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tkpk.forms import BootstrapMixin

from ..choices import FindingStatus
from ..models import ValidationFinding


class FindingDecisionForm(BootstrapMixin, forms.Form):
    """Resolve, ignore or open again the chosen findings; the reason is required, since the next
    person (and the next run) must know why."""

    finding = forms.ModelMultipleChoiceField(
        queryset=ValidationFinding.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Choose at least one finding.")},
    )
    status = forms.ChoiceField(label=_("Decision"), choices=FindingStatus.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why: what was corrected, or why this is not a problem."),
        error_messages={"required": _("Write the reason for the decision.")},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = ValidationFinding.objects.for_user(user)
        self.fields["reason"].widget.attrs.setdefault("data-testid", "decision-reason")
