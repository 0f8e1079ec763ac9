"""Views of the core: home per role, audit trail, background jobs, regions and agencies.

Each is a few declarative lines on tkpk.generic: the selectors read, the services write.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from .forms import AgencyForm, UserForm
from .generic import (
    ObjectActionView,
    ObjectDownloadView,
    ObjectExportView,
    ObjectFormView,
    ObjectListView,
    ObjectView,
    ProtectedView,
)
from .jobs import job_cancel, job_is_stale, job_result_open, jobs_fail_stale
from .models import Agency, Job, User
from .roles import ADMIN, BAPPEDA, OPERATOR, SECRETARIAT, user_role
from .selectors import (
    agency_accounts,
    agency_list,
    audit_event_list,
    job_list,
    recent_jobs,
    region_overview,
    region_summary,
    user_list,
)
from .services import (
    agency_create,
    agency_update,
    audit_export_start,
    password_changed,
    regions_load_start,
    user_create,
    user_password_reset,
    user_update,
)

HOME_TEMPLATES = {
    ADMIN: "tkpk/home_admin.html",
    SECRETARIAT: "tkpk/home_secretariat.html",
    OPERATOR: "tkpk/home_operator.html",
    BAPPEDA: "tkpk/home_bappeda.html",
}


class HomeView(LoginRequiredMixin, TemplateView):
    """The landing page of each role: what there is and what to do next."""

    def get(self, request, *args, **kwargs):
        # A role may land elsewhere (settings.ROLE_HOME_URL_NAMES: Bappeda on its dashboard).
        target = settings.ROLE_HOME_URL_NAMES.get(user_role(request.user))
        if target:
            return redirect(target)
        return super().get(request, *args, **kwargs)

    def get_template_names(self):
        return [HOME_TEMPLATES.get(user_role(self.request.user), "tkpk/home_norole.html")]

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            regions=region_summary(),
            recent_jobs=recent_jobs(user=user)[:5],
            agencies=agency_list(user=user).qs,
            **kwargs,
        )


class AuditEventListView(ObjectListView):
    """The audit trail with filters; an htmx request gets only the table."""

    permission_required = "tkpk.view_auditevent"
    selector = audit_event_list
    template_name = "tkpk/audit_list.html"
    partial_template_name = "tkpk/_audit_table.html"
    context_object_name = "events"


class AuditExportView(ObjectExportView):
    """Start a CSV export of the filtered audit trail as a background job."""

    permission_required = "tkpk.view_auditevent"
    selector = audit_event_list
    formats = ("csv",)
    list_url_name = "tkpk:audit_list"
    invalid_filters_message = gettext_lazy("The filters are not valid; check the dates entered.")

    def export(self, filters, file_format):
        return audit_export_start(user=self.request.user, filters=filters)


class JobListView(ObjectListView):
    """The jobs the user may see: those they started and those of the kinds visible to their role
    (Admin: every job)."""

    selector = job_list
    template_name = "tkpk/job_list.html"
    context_object_name = "jobs"
    paginate_by = 25
    count_up_to = 10_000


class JobDetailView(ObjectView):
    """One job with its live progress partial."""

    model = Job
    template_name = "tkpk/job_detail.html"
    context_object_name = "job"


class JobProgressView(ObjectView):
    """The progress partial that a page polls with htmx until the job ends."""

    model = Job
    template_name = "jobs/_job_progress.html"
    context_object_name = "job"

    def get(self, request, *args, **kwargs):
        job = self.object
        # Polling is also a chance to notice a dead worker without waiting for beat; the row is
        # written only when this job's heartbeat has really stopped.
        if job_is_stale(job) and jobs_fail_stale(job=job):
            job.refresh_from_db()
        refresh = request.GET.get("refresh") == "1"
        if refresh and job.is_finished:
            # The page around the partial depends on the outcome (e.g. the import buttons).
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        context = {"show_cancel": request.GET.get("cancel") == "1", "refresh_on_finish": refresh}
        return render(request, self.template_name, self.get_context_data(**context))


class JobCancelView(ObjectActionView):
    """Cancel a queued or running job (the handler stops at its next progress report)."""

    model = Job

    def act(self, job):
        if job_cancel(job):
            messages.info(self.request, _("Job cancelled."))
        else:
            messages.warning(
                self.request, _("The job has already finished and cannot be cancelled.")
            )
        return job


class JobResultView(ObjectDownloadView):
    """Download a job's result file; personal data, so access is checked and audited."""

    model = Job

    def open_file(self, job):
        return job_result_open(user=self.request.user, job=job, request=self.request)

    def unavailable(self, error):
        """The job's page with the reason, for an old link or an open tab to a deleted file."""
        messages.warning(self.request, str(error))
        return render(self.request, "tkpk/job_detail.html", {"job": self.object}, status=410)


class RegionOverviewView(ProtectedView):
    """What region data is loaded, and (for Admin) a button to load or refresh it."""

    permission_required = "tkpk.view_region"

    def get(self, request):
        return render(request, "tkpk/region_overview.html", region_overview(user=request.user))

    def post(self, request):
        job = regions_load_start(user=request.user, scope=request.POST.get("scope", "home"))
        return redirect(job)


class AgencyListView(ObjectListView):
    """The directory of agencies (SKPD/OPD)."""

    permission_required = "tkpk.view_agency"
    selector = agency_list
    template_name = "tkpk/agency_list.html"
    context_object_name = "agencies"
    paginate_by = 100


class AgencyDetailView(ObjectView):
    """One agency: what it is, its accounts (as far as the user may see them), and the panels
    that apps put into the slot agency_detail (its follow-up actions, its programs)."""

    permission_required = "tkpk.view_agency"
    model = Agency
    template_name = "tkpk/agency_detail.html"
    context_object_name = "agency"

    def get_context_data(self, **kwargs):
        accounts = agency_accounts(user=self.request.user, agency=self.object)
        return super().get_context_data(accounts=accounts, **kwargs)


class AgencyFormView(ObjectFormView):
    model = Agency
    form_class = AgencyForm
    template_name = "tkpk/agency_form.html"
    context_object_name = "agency"
    success_message = gettext_lazy("The agency was saved.")

    def get_form_kwargs(self):
        return {"instance": self.object}


class AgencyCreateView(AgencyFormView):
    """Add a regional agency (Admin and the secretariat)."""

    permission_required = "tkpk.add_agency"

    def save(self, form):
        data = form.service_data()
        data.pop("is_active", None)
        return agency_create(user=self.request.user, request=self.request, **data)


class AgencyUpdateView(AgencyFormView):
    """Change an agency, or deactivate one that no active account belongs to."""

    permission_required = "tkpk.change_agency"

    def save(self, form):
        return agency_update(
            user=self.request.user,
            agency=self.object,
            data=form.service_data(),
            request=self.request,
        )


class UserListView(ObjectListView):
    """The accounts, by role, agency and status (Admin manages them; the secretariat reads)."""

    permission_required = "tkpk.view_user"
    selector = user_list
    template_name = "tkpk/user_list.html"
    context_object_name = "accounts"
    count_up_to = 10_000


# Where a generated password waits, in the admin's own session, until its page shows it once.
SHOWN_ONCE_KEY = "tkpk:password-to-show:{pk}"  # noqa: S105 - a session key, not a password


class UserFormView(ObjectFormView):
    model = User
    form_class = UserForm
    template_name = "tkpk/user_form.html"
    context_object_name = "account"
    success_message = gettext_lazy("The account was saved.")

    def get_form_kwargs(self):
        return {"instance": self.object}

    def get_success_url(self, account):
        return reverse("tkpk:user_list")


class UserCreateView(UserFormView):
    """Add an account with its role; its first password is generated and shown once."""

    permission_required = "tkpk.add_user"

    def get_form_kwargs(self):
        # "Add an operator" on an agency's page fills in the role and the agency.
        initial = {k: self.request.GET[k] for k in ("role", "agency") if k in self.request.GET}
        return {"initial": initial}

    def save(self, form):
        data = {**form.service_data(), "role": form.cleaned_data["role"]}
        account, password = user_create(actor=self.request.user, request=self.request, **data)
        self.request.session[SHOWN_ONCE_KEY.format(pk=account.pk)] = password
        return account

    def get_success_url(self, account):
        return reverse("tkpk:user_password", args=[account.pk])


class UserUpdateView(UserFormView):
    """Change an account, its role, or deactivate it (accounts are never deleted)."""

    permission_required = "tkpk.change_user"

    def save(self, form):
        return user_update(
            actor=self.request.user,
            user=self.object,
            data=form.service_data(),
            role=form.cleaned_data["role"],
            request=self.request,
        )


class UserPasswordResetView(ObjectActionView):
    """Give the account a new generated password, shown once; changed at the next sign-in."""

    permission_required = "tkpk.change_user"
    model = User

    def act(self, account):
        password = user_password_reset(actor=self.request.user, user=account, request=self.request)
        self.request.session[SHOWN_ONCE_KEY.format(pk=account.pk)] = password
        return account

    def get_success_url(self, account):
        return reverse("tkpk:user_password", args=[account.pk])


class UserPasswordView(ObjectView):
    """The generated password of an account, shown once: a reload no longer shows it."""

    permission_required = "tkpk.change_user"
    model = User
    template_name = "tkpk/user_password.html"
    context_object_name = "account"

    def get_context_data(self, **kwargs):
        password = self.request.session.pop(SHOWN_ONCE_KEY.format(pk=self.object.pk), None)
        return super().get_context_data(password=password, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """The person chooses their own password (also the one an admin generated for them)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        password_changed(user=self.request.user, request=self.request)
        messages.success(self.request, _("Your password was changed."))
        return response


def healthz(request):
    """Liveness for the container health check: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
