"""Views of the core: home per role, audit trail, background jobs, regions and agencies.

Views parse input, check access, call one service or selector and render.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from .audit import audit_record
from .choices import AuditAction
from .jobs import job_cancel, job_is_stale, job_start, jobs_fail_stale
from .models import Job
from .pagination import page_without_count
from .retention import job_result_expired
from .roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT, user_role
from .selectors import agency_list, audit_event_list, job_list, region_overview, region_summary

HOME_TEMPLATES = {
    ADMIN: "tkpk/home_admin.html",
    SECRETARIAT: "tkpk/home_secretariat.html",
    OPERATOR: "tkpk/home_operator.html",
    BAPPEDA: "tkpk/home_bappeda.html",
}


class HomeView(LoginRequiredMixin, TemplateView):
    """The landing page of each role: what there is and what to do next."""

    def get_template_names(self):
        return [HOME_TEMPLATES.get(user_role(self.request.user), "tkpk/home_norole.html")]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["regions"] = region_summary()
        context["recent_jobs"] = job_list(user=user)[:5]
        context["agencies"] = agency_list(user=user)
        return context


class AuditEventListView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The audit trail with filters; an htmx request gets only the table."""

    permission_required = "tkpk.view_auditevent"
    paginate_by = 50

    def get(self, request):
        filterset = audit_event_list(user=request.user, filters=request.GET)
        queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        page = page_without_count(
            queryset.select_related("actor"), request, per_page=self.paginate_by
        )
        context = {"filter": filterset, "events": page.pop("rows"), **page}
        template = "tkpk/_audit_table.html" if request.htmx else "tkpk/audit_list.html"
        return render(request, template, context)


class AuditExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Start a CSV export of the filtered audit trail as a background job."""

    permission_required = "tkpk.view_auditevent"

    def post(self, request):
        filterset = audit_event_list(user=request.user, filters=request.POST)
        if not filterset.is_valid():
            messages.error(request, _("The filters are not valid; check the dates entered."))
            return redirect("tkpk:audit_list")
        filters = {k: v for k, v in request.POST.items() if k in filterset.filters and v}
        job = job_start(kind="audit.export", user=request.user, params={"filters": filters})
        return redirect("tkpk:job_detail", pk=job.pk)


class JobListView(LoginRequiredMixin, ListView):
    """The jobs the user may see: those they started and those of the kinds visible to their role
    (Admin: every job)."""

    template_name = "tkpk/job_list.html"
    context_object_name = "jobs"
    paginate_by = 25

    def get_queryset(self):
        return job_list(user=self.request.user)


class JobDetailView(LoginRequiredMixin, View):
    """One job with its live progress partial."""

    def get(self, request, pk):
        job = get_object_or_404(Job.objects.for_user(request.user), pk=pk)
        return render(request, "tkpk/job_detail.html", {"job": job})


class JobProgressView(LoginRequiredMixin, View):
    """The progress partial that a page polls with htmx until the job ends."""

    def get(self, request, pk):
        job = get_object_or_404(Job.objects.for_user(request.user), pk=pk)
        # Polling is also a chance to notice a dead worker without waiting for beat; the row is
        # written only when this job's heartbeat has really stopped.
        if job_is_stale(job) and jobs_fail_stale(job=job):
            job.refresh_from_db()
        refresh = request.GET.get("refresh") == "1"
        if refresh and job.is_finished:
            # The page around the partial depends on the outcome (e.g. the import buttons).
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        context = {
            "job": job,
            "show_cancel": request.GET.get("cancel") == "1",
            "refresh_on_finish": refresh,
        }
        return render(request, "jobs/_job_progress.html", context)


class JobCancelView(LoginRequiredMixin, View):
    """Cancel a queued or running job (the handler stops at its next progress report)."""

    def post(self, request, pk):
        job = get_object_or_404(Job.objects.for_user(request.user), pk=pk)
        if job_cancel(job):
            messages.info(request, _("Job cancelled."))
        else:
            messages.warning(request, _("The job has already finished and cannot be cancelled."))
        return redirect("tkpk:job_detail", pk=job.pk)


class JobResultView(LoginRequiredMixin, View):
    """Download a job's result file; personal data, so access is checked and audited."""

    def get(self, request, pk):
        job = get_object_or_404(Job.objects.for_user(request.user), pk=pk)
        # A failed import keeps its rejected rows as its result: that file says why.
        if not job.result_file:
            if job_result_expired(job):
                return self.gone(request, job)
            raise Http404(_("This job has no result file."))
        try:
            handle = job.result_file.open("rb")
        except FileNotFoundError:
            return self.gone(request, job)
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            obj=job,
            summary=_("Downloaded the result of %(job)s.") % {"job": job.title},
            request=request,
        )
        name = job.result_file.name.rsplit("/", 1)[-1]
        return FileResponse(handle, as_attachment=True, filename=name)

    def gone(self, request, job):
        """The job's page with the reason, for an old link or an open tab to a deleted file."""
        if job_result_expired(job):
            message = _(
                "This job's result file is no longer available: result files are deleted "
                "%(days)d days after the job ends. Run the job again if you still need it."
            ) % {"days": settings.JOB_RESULT_RETENTION_DAYS}
        else:
            message = _("The result file of this job is no longer stored.")
        messages.warning(request, message)
        return render(request, "tkpk/job_detail.html", {"job": job}, status=410)


class RegionOverviewView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """What region data is loaded, and (for Admin) a button to load or refresh it."""

    permission_required = "tkpk.view_region"

    def get(self, request):
        return render(request, "tkpk/region_overview.html", region_overview(user=request.user))

    def post(self, request):
        # Every role reads the overview; only whoever holds load_regions (Admin) may load.
        if not request.user.has_perm("tkpk.load_regions"):
            raise PermissionDenied
        scope = request.POST.get("scope", "home")
        within = None if scope == "all" else settings.HOME_REGION_CODE
        job = job_start(kind="regions.load", user=request.user, params={"within": within})
        return redirect("tkpk:job_detail", pk=job.pk)


class AgencyListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """The directory of agencies (SKPD/OPD)."""

    permission_required = "tkpk.view_agency"
    template_name = "tkpk/agency_list.html"
    context_object_name = "agencies"

    def get_queryset(self):
        return agency_list(user=self.request.user)


def healthz(request):
    """Liveness for the container health check: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
