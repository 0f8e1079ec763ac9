"""The secretariat's entry pages: observations, RPJMD periods and targets, the history of a
figure (from the audit trail), the import of BPS and RPJMD tables, and the recommendations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tkpk.generic import (
    ObjectActionView,
    ObjectFormView,
    ObjectListView,
    ObjectView,
    ProtectedView,
)

from ..forms import ImportForm, ObservationForm, PeriodForm, RecommendationForm, TargetForm
from ..importing import ImportRefused, import_record_apply, import_record_check, import_upload
from ..models import IndicatorImport, Observation, Recommendation, RpjmdPeriod, Target
from ..selectors import (
    figure_history,
    observation_list,
    period_list,
    period_targets,
    recommendation_list,
)
from ..services import (
    observation_create,
    observation_delete,
    observation_update,
    period_create,
    period_update,
    recommendation_create,
    recommendation_delete,
    recommendation_update,
    target_create,
    target_delete,
    target_update,
)


class ObservationListView(ObjectListView):
    """The actual figures, filtered by indicator, year and source or searched."""

    permission_required = "indicators.add_observation"
    selector = observation_list
    template_name = "indicators/observation_list.html"
    partial_template_name = "indicators/_observation_table.html"
    context_object_name = "observations"
    count_up_to = 10_000


class ObservationFormView(ObjectFormView):
    model = Observation
    form_class = ObservationForm
    template_name = "indicators/observation_form.html"
    context_object_name = "observation"
    select_related = ("indicator", "region")
    success_message = gettext_lazy("The figure was saved.")

    def get_form_kwargs(self):
        return {"instance": self.object}

    def get_success_url(self, result):
        return reverse("indicators:observation_list")


class ObservationCreateView(ObservationFormView):
    permission_required = "indicators.add_observation"

    def get_form_kwargs(self):
        initial = {
            k: self.request.GET[k] for k in ("indicator", "year", "region") if k in self.request.GET
        }
        return {"initial": initial}

    def save(self, form):
        return observation_create(
            user=self.request.user, request=self.request, **form.service_data()
        )


class ObservationUpdateView(ObservationFormView):
    permission_required = "indicators.change_observation"

    def save(self, form):
        return observation_update(
            user=self.request.user,
            observation=self.object,
            data=form.service_data(),
            request=self.request,
        )


class ObservationDeleteView(ObjectActionView):
    permission_required = "indicators.delete_observation"
    model = Observation
    success_message = gettext_lazy("The figure was deleted.")

    def act(self, observation):
        observation_delete(user=self.request.user, observation=observation, request=self.request)
        return observation

    def get_success_url(self, result):
        return reverse("indicators:observation_list")


class FigureHistoryView(ObjectView):
    """Who changed a year's figure (its observations of every source, and its target), when,
    from what to what: read from the audit trail, so deleted rows keep their history."""

    permission_required = "indicators.change_observation"
    model = Observation
    select_related = ("indicator", "region")
    template_name = "indicators/figure_history.html"

    def figure(self):
        return self.object.indicator, self.object.region, self.object.year

    def get_context_data(self, **kwargs):
        indicator, region, year = self.figure()
        return super().get_context_data(
            indicator=indicator,
            region=region,
            year=year,
            history=figure_history(indicator=indicator, region=region, year=year),
            **kwargs,
        )


class TargetHistoryView(FigureHistoryView):
    permission_required = "indicators.change_target"
    model = Target
    select_related = ("indicator", "period__region")

    def figure(self):
        return self.object.indicator, self.object.period.region, self.object.year


class PeriodListView(ProtectedView):
    """The RPJMD periods of every region."""

    permission_required = "indicators.add_target"

    def get(self, request):
        return render(
            request, "indicators/period_list.html", {"periods": period_list(user=request.user)}
        )


class PeriodDetailView(ObjectView):
    """A period with its targets: indicators down, years across."""

    permission_required = "indicators.add_target"
    model = RpjmdPeriod
    select_related = ("region",)
    template_name = "indicators/period_detail.html"
    context_object_name = "period"

    def get_context_data(self, **kwargs):
        return super().get_context_data(grid=period_targets(period=self.object), **kwargs)


class PeriodFormView(ObjectFormView):
    model = RpjmdPeriod
    form_class = PeriodForm
    template_name = "indicators/period_form.html"
    context_object_name = "period"
    success_message = gettext_lazy("The RPJMD period was saved.")

    def get_form_kwargs(self):
        return {"instance": self.object}


class PeriodCreateView(PeriodFormView):
    permission_required = "indicators.add_rpjmdperiod"

    def save(self, form):
        return period_create(user=self.request.user, request=self.request, **form.service_data())


class PeriodUpdateView(PeriodFormView):
    permission_required = "indicators.change_rpjmdperiod"

    def save(self, form):
        return period_update(
            user=self.request.user,
            period=self.object,
            data=form.service_data(),
            request=self.request,
        )


class TargetCreateView(ObjectFormView):
    """A target in the period of the URL."""

    permission_required = "indicators.add_target"
    model = RpjmdPeriod
    form_class = TargetForm
    template_name = "indicators/target_form.html"
    context_object_name = "period"
    success_message = gettext_lazy("The target was saved.")

    def get_form_kwargs(self):
        initial = {k: self.request.GET[k] for k in ("indicator", "year") if k in self.request.GET}
        return {"period": self.object, "initial": initial}

    def save(self, form):
        return target_create(
            user=self.request.user, period=self.object, request=self.request, **form.service_data()
        )


class TargetUpdateView(ObjectFormView):
    permission_required = "indicators.change_target"
    model = Target
    form_class = TargetForm
    select_related = ("indicator", "period__region")
    template_name = "indicators/target_form.html"
    context_object_name = "target"
    success_message = gettext_lazy("The target was saved.")

    def get_form_kwargs(self):
        return {"period": self.object.period, "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(period=self.object.period, **kwargs)

    def save(self, form):
        return target_update(
            user=self.request.user,
            target=self.object,
            data=form.service_data(),
            request=self.request,
        )


class TargetDeleteView(ObjectActionView):
    permission_required = "indicators.delete_target"
    model = Target
    success_message = gettext_lazy("The target was deleted.")

    def act(self, target):
        period = target.period
        target_delete(user=self.request.user, target=target, request=self.request)
        return period


class ImportUploadView(ObjectFormView):
    """Upload a BPS or RPJMD table; its page lists every bad cell, or what it would store."""

    permission_required = "indicators.import_indicators"
    form_class = ImportForm
    template_name = "indicators/import_form.html"
    max_request_bytes = 6 * 1024 * 1024

    def get_form(self, data=None, files=None):
        return self.form_class(data, files)

    def save(self, form):
        data = form.cleaned_data
        return import_upload(
            user=self.request.user,
            upload=data["file"],
            source=data["source"],
            perda_reference=data["perda_reference"],
            note=data["note"],
        )


class ImportDetailView(ObjectView):
    """The preview: every bad cell by row and column, or what the import would store."""

    permission_required = "indicators.import_indicators"
    model = IndicatorImport
    template_name = "indicators/import_detail.html"
    context_object_name = "record"

    def get_context_data(self, **kwargs):
        check = None if self.object.imported_at else import_record_check(record=self.object)
        return super().get_context_data(check=check, **kwargs)


class ImportApplyView(ObjectActionView):
    """Import a checked table with no error, once."""

    permission_required = "indicators.import_indicators"
    model = IndicatorImport

    def post(self, request, *args, **kwargs):
        try:
            import_record_apply(user=request.user, record=self.object, request=request)
        except ImportRefused as refused:
            messages.error(request, str(refused))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The table was imported; the dashboard is being updated."))
        return redirect(self.object)


class RecommendationListView(ProtectedView):
    """The recommendations of a year's report."""

    permission_required = "indicators.view_recommendation"

    def get(self, request):
        year = request.GET.get("year")
        year = int(year) if year and year.isdigit() else None
        rows = recommendation_list(user=request.user, year=year)
        return render(
            request,
            "indicators/recommendation_list.html",
            {"recommendations": rows, "year": year},
        )


class RecommendationFormView(ObjectFormView):
    model = Recommendation
    form_class = RecommendationForm
    template_name = "indicators/recommendation_form.html"
    context_object_name = "recommendation"
    success_message = gettext_lazy("The recommendation was saved.")

    def get_form_kwargs(self):
        return {"instance": self.object}


class RecommendationCreateView(RecommendationFormView):
    permission_required = "indicators.add_recommendation"

    def get_form_kwargs(self):
        year = self.request.GET.get("year")
        return {"initial": {"year": year}} if year else {}

    def save(self, form):
        return recommendation_create(
            user=self.request.user, request=self.request, **form.service_data()
        )


class RecommendationUpdateView(RecommendationFormView):
    permission_required = "indicators.change_recommendation"

    def save(self, form):
        return recommendation_update(
            user=self.request.user,
            recommendation=self.object,
            data=form.service_data(),
            request=self.request,
        )


class RecommendationDeleteView(ObjectActionView):
    permission_required = "indicators.delete_recommendation"
    model = Recommendation
    success_message = gettext_lazy("The recommendation was deleted.")

    def act(self, recommendation):
        recommendation_delete(
            user=self.request.user, recommendation=recommendation, request=self.request
        )
        return recommendation
