"""Forms of the quarterly report page: the agency's report (realization_save) and the
coordinator's decision (realization_verify / realization_return)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tkpk.forms import BootstrapMixin, ServiceModelForm

from ..models import Realization
from ..services.realizations import REALIZATION_FIELDS
from .programs import RupiahField


class RealizationForm(ServiceModelForm):
    """One quarter's report: spent (whole Rupiah), reached, physical progress and a note;
    `version` is the version of the report the user started from."""

    spent = RupiahField(
        label=_("Spent in the quarter (Rp)"),
        help_text=_("In whole Rupiah, this quarter only; dots between thousands are fine."),
    )
    physical_progress = forms.IntegerField(
        label=_("Physical progress (%)"), min_value=0, max_value=100
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Realization
        fields = REALIZATION_FIELDS
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.stored is not None and not self.is_bound:
            self.initial["version"] = self.stored.version


class DecisionForm(BootstrapMixin, forms.Form):
    """The coordinator's comment when verifying (optional) or returning (required) a report."""

    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = required
        if required:
            self.fields["comment"].help_text = _("Say what the agency must correct.")
