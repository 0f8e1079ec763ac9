"""Forms of the indicators app: they parse input; the services check and write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tkpk.choices import RegionLevel
from tkpk.forms import BootstrapMixin, ServiceModelForm
from tkpk.models import Region

from .choices import ObservationSource
from .figures import FigureError, format_figure, parse_figure
from .models import Indicator, Observation, Recommendation, RpjmdPeriod, Target
from .selectors import area_choices, dashboard_years
from .services import OBSERVATION_FIELDS, PERIOD_FIELDS, RECOMMENDATION_FIELDS, TARGET_FIELDS
from .services.reports import FORMATS


def region_queryset():
    """The regions figures are entered for: the home region, the regions above it and its
    kecamatan (another region's figures come in by import)."""
    home = settings.HOME_REGION_CODE
    above = [".".join(home.split(".")[:n]) for n in range(1, home.count(".") + 1)]
    return Region.objects.filter(
        Q(code=home)
        | Q(code__in=above)
        | Q(code__startswith=f"{home}.", level=RegionLevel.DISTRICT)
    ).order_by("level", "code")


def _region_label(region: Region) -> str:
    return f"{region.code} {region.name}"


class FigureMixin:
    """`value` is typed the Indonesian way ("6,38", "512.345"): read by figures.parse_figure
    with the indicator's decimals (the form's `indicator` field, else the stored row's)."""

    def figure_indicator(self, data) -> Indicator | None:
        return data.get("indicator") or getattr(self.stored, "indicator", None)

    def clean(self):
        data = super().clean()
        text = data.get("value")
        indicator = self.figure_indicator(data)
        if text not in (None, "") and indicator is not None:
            try:
                data["value"] = parse_figure(text, decimals=indicator.decimals)
            except FigureError as error:
                self.add_error("value", str(error))
        return data

    def figure_initial(self):
        if self.stored is not None:
            self.initial["value"] = format_figure(self.stored.value, self.stored.indicator.decimals)


class ObservationForm(FigureMixin, ServiceModelForm):
    """Enter an actual figure. Changing one changes its value and note only: its region,
    indicator, year and source name it (delete it and enter it again to move it)."""

    value = forms.CharField(label=_("Value"), max_length=40)

    class Meta:
        model = Observation
        fields = OBSERVATION_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        region.queryset = region_queryset()
        region.label_from_instance = _region_label
        region.empty_label = _("Indonesia (national)")
        self.fields["indicator"].queryset = Indicator.objects.order_by("order", "code")
        self.fields["value"].help_text = _("A decimal comma or point: 6,38 or 6.38.")
        if self.stored is not None:
            for name in ("region", "indicator", "year", "source"):
                self.fields[name].disabled = True
            self.figure_initial()

    def service_data(self) -> dict:
        data = super().service_data()
        if self.stored is not None:
            return {name: data[name] for name in ("value", "note")}
        return data


class PeriodForm(ServiceModelForm):
    """An RPJMD period of a region, with the Perda that set it."""

    class Meta:
        model = RpjmdPeriod
        fields = PERIOD_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        region.queryset = region_queryset().filter(level__lte=RegionLevel.REGENCY)
        region.label_from_instance = _region_label
        if self.stored is not None:
            region.disabled = True
        self.fields["perda_reference"].help_text = _(
            "E.g. Peraturan Daerah Kabupaten Hulu Sungai Utara Nomor 5 Tahun 2021."
        )

    def service_data(self) -> dict:
        data = super().service_data()
        if self.stored is not None:
            data.pop("region", None)
        return data


class TargetForm(FigureMixin, ServiceModelForm):
    """The target of an indicator for one year of a period."""

    value = forms.CharField(label=_("Target"), max_length=40)

    class Meta:
        model = Target
        fields = TARGET_FIELDS

    def __init__(self, *args, period: RpjmdPeriod, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.fields["indicator"].queryset = Indicator.objects.order_by("order", "code")
        self.fields["year"].widget = forms.Select(
            choices=[(y, str(y)) for y in range(period.first_year, period.last_year + 1)],
            attrs={"class": "form-select"},
        )
        if self.stored is not None:
            self.fields["indicator"].disabled = True
            self.fields["year"].disabled = True
            self.figure_initial()

    def service_data(self) -> dict:
        data = super().service_data()
        if self.stored is not None:
            return {name: data[name] for name in ("value", "note")}
        return data


class RecommendationForm(ServiceModelForm):
    class Meta:
        model = Recommendation
        fields = RECOMMENDATION_FIELDS
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}


class ImportForm(BootstrapMixin, forms.Form):
    """A BPS or RPJMD table to check and import."""

    file = forms.FileField(
        label=_("Table (CSV or XLSX)"),
        help_text=_(
            "Columns kode_wilayah, indikator, jenis (realisasi or target), then one column a year."
        ),
    )
    source = forms.ChoiceField(
        label=_("Source of the actuals"),
        choices=ObservationSource.choices,
        initial=ObservationSource.BPS,
        help_text=_("For rows without a sumber column."),
    )
    perda_reference = forms.CharField(
        label=_("Perda of a new RPJMD period"),
        max_length=255,
        required=False,
        help_text=_("Used when the table's target years need a new RPJMD period."),
    )
    note = forms.CharField(label=_("Note on the figures"), max_length=255, required=False)


class AnnualReportForm(BootstrapMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[(f, f.upper()) for f in FORMATS], initial="pdf"
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["year"].initial = timezone.localdate().year - 1


class DashboardFilterForm(BootstrapMixin, forms.Form):
    """The dashboard's filters: the year (this year unless chosen), the area (the home region
    or one of its kecamatan) and the indicator of the line chart (P0 unless chosen). A value
    that is not valid falls back to its default."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    area = forms.TypedChoiceField(label=_("Area"), coerce=int, required=False, empty_value=None)
    indicator = forms.ChoiceField(label=_("Indicator"), required=False)

    def __init__(self, data, *, rollup):
        super().__init__(data)
        self.areas = area_choices()
        self.indicators = list(Indicator.objects.order_by("order", "code"))
        self.fields["area"].choices = [(r.pk, r.name) for r in self.areas]
        self.fields["year"].choices = [(y, str(y)) for y in dashboard_years(rollup)]
        self.fields["indicator"].choices = [(i.code, i.name) for i in self.indicators]

    def filters(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        year = cleaned.get("year") or timezone.localdate().year
        area = next((r for r in self.areas if r.pk == cleaned.get("area")), None) or next(
            (r for r in self.areas if r.code == settings.HOME_REGION_CODE), None
        )
        code = cleaned.get("indicator") or "P0"
        indicator = next((i for i in self.indicators if i.code == code), None) or (
            self.indicators[0] if self.indicators else None
        )
        return {"year": year, "area": area, "indicator": indicator}
