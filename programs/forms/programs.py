"""Forms of the program pages: a program's fields for program_create / program_update, and the
copy to the next fiscal year. They parse input; the services check the rules and write."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tkpk.choices import RegionLevel
from tkpk.forms import BootstrapMixin, ServiceModelForm
from tkpk.models import Agency, Region
from tkpk.roles import OPERATOR, user_role

from ..models import Cluster, NationalProgram, Program
from ..services.programs import PROGRAM_FIELDS

# 1250000, 1.250.000 (dots between thousands), optionally "Rp" before and ",00" after.
_RUPIAH = re.compile(r"^(?:rp\.?)?(\d{1,3}(?:\.\d{3})+|\d+)(?:,0+)?$", re.IGNORECASE)


def grouped(amount: int) -> str:
    """1250000 -> "1.250.000"."""
    return f"{amount:,}".replace(",", ".")


class RupiahInput(forms.TextInput):
    """A text box for whole Rupiah that shows a stored amount with dots between thousands."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, int):
            return grouped(value)
        return super().format_value(value)


class RupiahField(forms.IntegerField):
    """An amount in whole Rupiah as people type it: 1250000, 1.250.000 or Rp1.250.000 (spaces
    ignored, a trailing ",00" accepted); no cents, no negative amounts."""

    widget = RupiahInput
    default_error_messages = {
        "invalid": _("Write the amount in whole Rupiah, e.g. 1.250.000."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.pop("max_value", None)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # No min/max/step attributes: the box is text (the dots), not type=number.
        return {}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        text = re.sub(r"\s+", "", str(value))
        match = _RUPIAH.match(text)
        if not match:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(match.group(1).replace(".", ""))


def home_locations():
    """The kecamatan and desa of the home region, each district followed by its villages."""
    return (
        Region.objects.filter(level__in=[RegionLevel.DISTRICT, RegionLevel.VILLAGE])
        .within(settings.HOME_REGION_CODE)
        .select_related("parent")
        .order_by("code")
    )


def location_label(region: Region) -> str:
    """ "Kecamatan — Desa" for a village, "Kecamatan — whole district" for a district."""
    if region.level == RegionLevel.VILLAGE:
        return f"{region.parent.name} — {region.name}"
    return f"{region.name} — {_('whole district')}"


def _active_or(pk) -> Q:
    """Active reference rows, and the one the program has already (even if retired since)."""
    return Q(is_active=True) | Q(pk=pk) if pk else Q(is_active=True)


def national_program_choices(queryset) -> list:
    """The national programs grouped by their cluster (an <optgroup> each), so that the form
    shows without script which cluster each belongs to."""
    groups: dict[str, list] = {}
    for national in queryset:
        cluster = str(national.cluster) if national.cluster_id else str(_("No cluster"))
        groups.setdefault(cluster, []).append((national.pk, f"{national.code} — {national.name}"))
    return [("", "---------"), *groups.items()]


class ProgramForm(ServiceModelForm):
    """A program's fields (PROGRAM_FIELDS), its locations, the agency (chosen by Admin on
    create; an Operator SKPD's is their own) and the version the user started from."""

    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    budget = RupiahField(
        label=_("Budget ceiling (pagu, Rp)"),
        help_text=_("In whole Rupiah; dots between thousands are fine (1.250.000)."),
    )
    locations = forms.ModelMultipleChoiceField(
        label=_("Locations"),
        queryset=Region.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "Hold Ctrl (⌘ on a Mac) to choose several. A whole district covers its villages."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Program
        fields = PROGRAM_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "budget_code": forms.TextInput(attrs={"placeholder": "1.06.05.2.02.0003"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.stored
        if stored is not None or user_role(user) == OPERATOR:
            # An operator's programs are their agency's; a program keeps its agency.
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = Agency.objects.active().order_by("short_name")
            self.fields["agency"].label_from_instance = lambda a: f"{a.short_name} — {a.name}"
        national = self.fields["national_program"]
        national.queryset = (
            NationalProgram.objects.filter(_active_or(stored and stored.national_program_id))
            .select_related("cluster")
            .order_by("cluster__number", "code")
        )
        national.choices = national_program_choices(national.queryset)
        national.help_text = _("Only a national program of the program's cluster is accepted.")
        cluster = self.fields["cluster"]
        cluster.queryset = Cluster.objects.filter(_active_or(stored and stored.cluster_id))
        cluster.label_from_instance = lambda c: f"{c.short_name} — {c.name}"
        locations = self.fields["locations"]
        locations.queryset = home_locations()
        locations.label_from_instance = location_label
        if stored is None:
            self.initial.setdefault("fiscal_year", timezone.localdate().year)
        elif not self.is_bound:
            self.initial["locations"] = [r.pk for r in stored.locations.all()]
            self.initial["version"] = stored.version


class ProgramCopyForm(BootstrapMixin, forms.Form):
    """Copy a program to the next fiscal year."""

    with_beneficiaries = forms.BooleanField(
        label=_("With its active beneficiaries"),
        required=False,
        help_text=_("They are enrolled again in the copy, with the checks of the new year."),
    )
