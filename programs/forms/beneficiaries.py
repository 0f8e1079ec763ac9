"""Forms of the beneficiary pages: the enrolment search and the enrolment, the end of a benefit
and its change, and the file import's upload and column mapping. They parse and check input;
the services write."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from households.identity import check_kk, check_nik, message_for
from households.models import Person
from households.privacy import sees_full_identity
from tkpk.forms import BootstrapMixin, ServiceModelForm
from tkpk.models import Region

from ..choices import EndReason, TargetUnit
from ..models import Beneficiary, BeneficiaryGroup, Program
from ..selectors.beneficiaries import BY_KK, BY_NAME, BY_NIK
from ..services.beneficiaries import ACCEPTABLE, BENEFIT_FIELDS
from ..services.imports import COLUMN_LABELS, mapping_problems

#: The shortest beginning of a name searched: one letter would read half the registry.
MIN_NAME = 2


class RupiahField(forms.IntegerField):
    """An amount in whole Rupiah, typed as people write it: 1250000, 1.250.000 or Rp1.250.000."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"(?i)^\s*rp\.?\s*", "", value).replace(".", "").replace(" ", "")
        return super().to_python(value)


def _villages():
    return (
        Region.objects.filter(level=4)
        .within(settings.HOME_REGION_CODE)
        .select_related("parent")
        .order_by("parent__name", "name")
    )


class EnrolSearchForm(BootstrapMixin, forms.Form):
    """Find the person to enrol: by the beginning of a member's name, or by a whole No. KK or
    NIK. Numbers are matched exactly, never by their beginning (for a role that does not see
    full NIKs a prefix search would recover a masked NIK digit by digit: households.privacy)."""

    by = forms.ChoiceField(
        label=_("Search by"),
        choices=[
            (BY_NAME, _("Name of a family member")),
            (BY_NIK, _("NIK (exact)")),
            (BY_KK, _("No. KK (exact)")),
        ],
        initial=BY_NAME,
    )
    q = forms.CharField(label=_("Search"), max_length=150)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.full_identity = sees_full_identity(user)
        self.fields["q"].widget.attrs.update(autocomplete="off", **{"data-testid": "enrol-q"})

    def clean(self):
        data = super().clean()
        by, value = data.get("by"), (data.get("q") or "").strip()
        if not value:
            return data
        if by == BY_NAME:
            if any(c.isdigit() for c in value):
                if self.full_identity:
                    message = _(
                        "To search by a number, choose NIK or No. KK and type all 16 digits."
                    )
                else:
                    message = _(
                        "Your role cannot search by the beginning of a number. Choose NIK or "
                        "No. KK and type the whole number that the person gave you."
                    )
                self.add_error("q", message)
            elif len(value) < MIN_NAME:
                self.add_error("q", _("Type at least %(n)s letters of the name.") % {"n": MIN_NAME})
            else:
                data["value"] = value
            return data
        result = check_nik(value) if by == BY_NIK else check_kk(value)
        if result.temporary:
            data["value"] = result.number
        elif result.errors:
            self.add_error("q", [message_for(code) for code in result.errors])
        else:
            data["value"] = result.number
        return data


class EnrolForm(BootstrapMixin, forms.Form):
    """Enrol the member picked from a family found by the search: the benefit, for a group
    program the group, and the acceptable findings the user accepts knowingly."""

    person = forms.ModelChoiceField(queryset=Person.objects.none(), widget=forms.RadioSelect)
    accept = forms.MultipleChoiceField(
        choices=[(kind, kind) for kind in ACCEPTABLE],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    benefit_amount = RupiahField(
        label=_("Benefit (Rp)"), min_value=0, required=False, help_text=_("In whole Rupiah.")
    )
    benefit_kind = forms.CharField(label=_("Benefit in kind"), max_length=200, required=False)
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=BeneficiaryGroup.objects.none(), required=False
    )

    def __init__(self, *args, user, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.for_user(user)
        self.fields["person"].error_messages["required"] = _("Choose the person who receives.")
        if program.target_unit == TargetUnit.GROUP:
            self.fields["group"].queryset = program.groups.order_by("name")
            self.fields["group"].required = True
            self.fields["group"].error_messages["required"] = _(
                "Choose the group, or add one first."
            )
        else:
            del self.fields["group"]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "person": data["person"],
            "accept": data.get("accept") or [],
            "benefit_amount": data.get("benefit_amount"),
            "benefit_kind": data.get("benefit_kind") or "",
            "group": data.get("group"),
        }


class GroupForm(BootstrapMixin, forms.Form):
    """A new group (kelompok) of a group program, by name and village."""

    name = forms.CharField(label=_("Name of the group"), max_length=200)
    village = forms.ModelChoiceField(
        label=_("Village"), queryset=Region.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = _villages()
        self.fields["village"].label_from_instance = lambda r: f"{r.parent.name} — {r.name}"


class BeneficiaryEndForm(BootstrapMixin, forms.Form):
    """Why and when a benefit ends."""

    end_reason = forms.ChoiceField(
        label=_("Reason for ending"), choices=[("", "—"), *EndReason.choices]
    )
    ended_on = forms.DateField(
        label=_("Ended on"),
        required=False,
        help_text=_("Empty: today."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end_note = forms.CharField(label=_("Note"), max_length=255, required=False)


class BeneficiaryEditForm(ServiceModelForm):
    """What a beneficiary receives, and their group in a group program."""

    benefit_amount = RupiahField(
        label=_("Benefit (Rp)"), min_value=0, required=False, help_text=_("In whole Rupiah.")
    )

    class Meta:
        model = Beneficiary
        fields = BENEFIT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        program = self.stored.program
        if program.target_unit == TargetUnit.GROUP:
            self.fields["group"].queryset = program.groups.order_by("name")
        else:
            del self.fields["group"]


class ImportUploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("File of beneficiaries"),
        help_text=_(
            "CSV or XLSX with a NIK or a No. KK column and a name column (nik, no_kk, nama), "
            "as national lists come."
        ),
    )


class ImportMappingForm(forms.Form):
    """Which column of the file holds the NIK, the No. KK and the name."""

    def __init__(self, *args, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —"))] + [
            (str(i), name or f"#{i + 1}") for i, name in enumerate(header)
        ]
        for column, label in COLUMN_LABELS.items():
            self.fields[f"map_{column}"] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def mapping(self) -> dict[str, int]:
        return {
            name[4:]: int(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("map_") and value != ""
        }

    def clean(self):
        data = super().clean()
        for problem in mapping_problems(self.mapping()):
            self.add_error(None, problem)
        return data
