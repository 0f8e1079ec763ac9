"""The dashboard (Bappeda's page; also the secretariat's, the admin's and, scoped to its own
agency, the Operator SKPD's): the newest rollup's figures for a year, an area and an indicator,
each chart with its table, an XLSX download, and the map when kecamatan boundaries are loaded.
It reads snapshots only. Also: the map's GeoJSON, a rollup started by hand, the annual report.
"""

import io

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tkpk.audit import audit_record
from tkpk.choices import AuditAction
from tkpk.generic import ProtectedView

from ..forms import AnnualReportForm, DashboardFilterForm
from ..rollup import tolerance_percent
from ..selectors import dashboard, dashboard_years, latest_rollup, map_features
from ..services import annual_report_start, rollup_request
from ..services.reports import write_table_sheet

DASHBOARD_PERMISSION = "indicators.view_dashboard"


def board_for(request, data):
    """The filter form and the filters of the request, with the newest rollup they read."""
    rollup = latest_rollup()
    form = DashboardFilterForm(data, rollup=rollup)
    return form, {**form.filters(), "rollup": rollup}


class DashboardView(ProtectedView):
    """The page; an htmx request (a filter changed) gets the figures only."""

    permission_required = DASHBOARD_PERMISSION
    template_name = "indicators/dashboard.html"
    partial_template_name = "indicators/_dashboard_body.html"

    def get(self, request):
        form, filters = board_for(request, request.GET)
        board = dashboard(user=request.user, **filters)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "board": board,
            "query": query.urlencode(),
            "tolerance_percent": tolerance_percent(),
            "may_run_rollup": request.user.has_perm("indicators.run_rollup"),
            "may_enter": request.user.has_perm("indicators.add_observation"),
            "may_report": request.user.has_perm("indicators.make_annual_report"),
        }
        template = self.partial_template_name if request.htmx else self.template_name
        return render(request, template, context)


class DashboardExportView(ProtectedView):
    """One chart's table as an XLSX file, with the filters of the page; audited."""

    permission_required = DASHBOARD_PERMISSION

    def get(self, request, table):
        form, filters = board_for(request, request.GET)
        board = dashboard(user=request.user, only=table, **filters)
        found = board.table(table)
        if found is None:
            raise Http404(_("There is no such figure for you."))
        from openpyxl import Workbook

        workbook = Workbook()
        workbook.remove(workbook.active)
        area = filters["area"].name if filters["area"] else ""
        described = _("Year %(year)s, %(area)s") % {"year": filters["year"], "area": area}
        write_table_sheet(workbook, found, filters=described)
        output = io.BytesIO()
        workbook.save(output)
        output.seek(0)
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            summary=_("Downloaded the dashboard figure %(title)s.") % {"title": found.title},
            changes={"table": table, "filters": request.GET.dict()},
            request=request,
        )
        stamp = timezone.localtime(board.rollup.computed_at).strftime("%Y%m%d-%H%M")
        name = f"{slugify(found.title)[:60]}-{stamp}.xlsx"
        response = FileResponse(output, as_attachment=True, filename=name)
        response["Content-Type"] = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        return response


class MapDataView(ProtectedView):
    """The kecamatan boundaries with the share of their families in deciles 1-2 (GeoJSON)."""

    permission_required = DASHBOARD_PERMISSION

    def get(self, request):
        return JsonResponse(map_features(rollup=latest_rollup()))


class RollupStartView(ProtectedView):
    """Compute the dashboard's figures now (they are also computed every night and after
    every change of a figure or target)."""

    permission_required = "indicators.run_rollup"
    http_method_names = ["post"]

    def post(self, request):
        job = rollup_request(user=request.user, reason="by hand")
        if job is None:
            messages.info(request, _("A computation is already waiting in the queue."))
            return redirect("indicators:dashboard")
        return redirect(job)


class AnnualReportView(ProtectedView):
    """Choose a year and a format; the report is made in the background (its job page shows
    the progress and the file)."""

    permission_required = "indicators.make_annual_report"
    template_name = "indicators/annual_report.html"

    def get_form(self, data=None):
        return AnnualReportForm(data, years=dashboard_years(latest_rollup()))

    def get(self, request):
        return render(request, self.template_name, {"form": self.get_form()})

    def post(self, request):
        form = self.get_form(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        job = annual_report_start(
            user=request.user,
            year=form.cleaned_data["year"],
            file_format=form.cleaned_data["file_format"],
        )
        return redirect(job)
