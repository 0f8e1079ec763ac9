"""The secretariat's coverage page: for a fiscal year, who the programs reach, who they miss and
who gets aid twice, per kecamatan (drilled to its desa), with the list of families behind each
figure (for the recipients who died or moved, the people) and its export.

Who: the holders of programs.view_coverage (Admin, the secretariat, Bappeda) see the figures;
the lists and their export name families, so they need households.view_household too (Bappeda
answers 403). An Operator SKPD has neither page (403): the issue asks for "a page for the
secretariat", and an agency sees its own programs' beneficiaries on the program pages.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from tkpk.generic import ObjectExportView, ObjectListView, ProtectedView

from ..selectors.coverage import (
    DESA,
    DOUBLE,
    EXCLUSION,
    FAMILY_KINDS,
    FIGURES_PERMISSION,
    GONE,
    GONE_REASONS,
    INCLUSION,
    KECAMATAN,
    KIND_TITLES,
    KINDS,
    NAMES_PERMISSION,
    UNREACHED,
    coverage_by_area,
    coverage_filter,
    coverage_summary,
    may_see_names,
    programs_held,
    programs_received,
)
from ..services.coverage_export import FORMATS, coverage_export


class KindMixin:
    """The list's kind from the URL; an unknown one answers 404 (to a signed-in user: anyone
    else goes to the sign-in page first, as everywhere)."""

    def dispatch(self, request, *args, **kwargs):
        self.kind = kwargs.get("kind")
        if request.user.is_authenticated and self.kind not in KINDS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def _query(**params) -> str:
    return urlencode({name: value for name, value in params.items() if value})


class CoverageView(ProtectedView):
    """The figures of a year (this one unless chosen) for the home region or one kecamatan, and
    the table by kecamatan, or by desa of the chosen kecamatan. An htmx request (a filter
    changed) gets only the figures."""

    permission_required = FIGURES_PERMISSION
    template_name = "programs/coverage.html"
    partial_template_name = "programs/_coverage_figures.html"

    def get(self, request):
        user = request.user
        filterset = coverage_filter(user=user, filters=request.GET)
        chosen = filterset.chosen()
        year, district = chosen["year"], chosen["district"]
        level = DESA if district is not None else KECAMATAN
        areas = coverage_by_area(user=user, year=year, level=level, district=district)
        summary = coverage_summary(user=user, year=year, district=district, areas=areas)
        here = _query(year=year, kecamatan=district.pk if district else None)
        rows = [
            {
                "area": area,
                # The lists of the row's families, and (for a kecamatan) its desa table.
                "query": _query(
                    year=year,
                    kecamatan=area.region.pk if level == KECAMATAN else district.pk,
                    desa=area.region.pk if level == DESA else None,
                ),
                "drill": _query(year=year, kecamatan=area.region.pk) if level == KECAMATAN else "",
            }
            for area in areas
        ]
        context = {
            "filter": filterset,
            "summary": summary,
            "figures": summary.figures,
            "rows": rows,
            "level": level,
            "query": here,
            "region_query": _query(year=year),
            "can_drill": may_see_names(user),
            # The slug of each list, for the links of the cards and of the table's cells.
            "kinds": {
                "exclusion": EXCLUSION,
                "unreached": UNREACHED,
                "inclusion": INCLUSION,
                "double": DOUBLE,
                "gone": GONE,
            },
        }
        template = self.partial_template_name if request.htmx else self.template_name
        return render(request, template, context)


class CoverageListView(KindMixin, ObjectListView):
    """The families (or, for GONE, the recipients) behind one figure, with the year, kecamatan
    and desa filters, their count and the export."""

    permission_required = (FIGURES_PERMISSION, NAMES_PERMISSION)
    template_name = "programs/coverage_list.html"
    partial_template_name = "programs/_coverage_list.html"
    context_object_name = "rows"
    paginate_by = 50
    # The lists are the figures: counted exactly (each count is one anti- or semi-join).
    count_up_to = 1_000_000

    def get_filterset(self):
        return coverage_filter(user=self.request.user, filters=self.request.GET, kind=self.kind)

    def get_extra_context(self, filterset, page, *, partial):
        chosen = filterset.chosen()
        context = {
            "kind": self.kind,
            "title": KIND_TITLES[self.kind],
            "year": chosen["year"],
            "families": self.kind in FAMILY_KINDS,
            "coverage_query": _query(
                year=chosen["year"],
                kecamatan=chosen["district"].pk if chosen["district"] else None,
            ),
            # The export of this kind (ObjectListView's export_url names no kind).
            "export_url": reverse("programs:coverage_export", args=[self.kind]),
            "export_formats": FORMATS,
        }
        if self.kind in FAMILY_KINDS:
            context["received"] = programs_received(
                user=self.request.user, year=chosen["year"], households=page.rows
            )
        else:
            context["received"] = programs_held(
                user=self.request.user, year=chosen["year"], people=page.rows
            )
            context["reasons"] = GONE_REASONS
        return context


class CoverageExportView(KindMixin, ObjectExportView):
    """The list of one kind, as filtered, as XLSX or CSV: masked for the role, audited."""

    permission_required = (FIGURES_PERMISSION, NAMES_PERMISSION)
    selector = coverage_filter
    formats = FORMATS
    invalid_filters_message = _("The filters are not valid.")

    def export(self, filters, file_format):
        return coverage_export(
            user=self.request.user,
            kind=self.kind,
            filters=filters,
            file_format=file_format,
            request=self.request,
        )

    def back_to_list(self, filters, message):
        messages.error(self.request, message)
        url = reverse("programs:coverage_list", args=[self.kind])
        return redirect(f"{url}?{urlencode(filters)}" if filters else url)


urls = [
    path("cakupan/", CoverageView.as_view(), name="coverage"),
    path("cakupan/<str:kind>/", CoverageListView.as_view(), name="coverage_list"),
    path("cakupan/<str:kind>/ekspor/", CoverageExportView.as_view(), name="coverage_export"),
]
