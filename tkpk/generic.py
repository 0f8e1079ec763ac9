"""The shapes every page of every app is written in, as NetBox's generic views are.

A page declares what it shows and which selector or service it calls; these classes do the rest:
access, the object fetched through ``for_user`` (another agency's object answers 404), the
bound FilterSet and the one pager, the htmx partial, form -> service -> ``ValidationError`` onto
the form -> redirect, and the message in the user's language.

- ``ProtectedView``: signed in (else the login page) and holding ``permission_required`` if one
  is named (else 403).
- ``ObjectListView``: a filtered list from ``selector(user=, filters=)``; an htmx request gets
  ``partial_template_name``.
- ``ObjectView``: one object and its context.
- ``ObjectFormView``: a form whose valid input goes to ``save(form)``, which calls one service.
- ``ObjectActionView``: a POST that does one thing to an object (mark present, cancel, delete).
- ``ObjectDownloadView``: a file that a service opened (and audited) for the user.
- ``ObjectExportView``: the filtered list as a file now or as a background job.

Views stay a few declarative lines; the rules live in the services and selectors.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.views import View

from .downloads import DownloadGone
from .locking import EditConflict
from .pagination import paginate


class ProtectedView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Signed in, and holding ``permission_required`` when the view names one (else 403)."""

    permission_required: str | tuple[str, ...] | None = None

    def get_permission_required(self):
        if self.permission_required is None:
            return ()
        return super().get_permission_required()


class ObjectMixin:
    """The object of the URL's ``pk``, fetched through ``model.objects.for_user(user)``, so that
    what the user may not see answers 404. Views without a ``pk`` have no object."""

    model = None
    select_related: tuple[str, ...] = ()

    def get_queryset(self):
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a model.")
        queryset = self.model.objects.for_user(self.request.user)
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    @cached_property
    def object(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


def conflict_rows(form, current) -> list[dict]:
    """The fields of `form` whose typed value differs from the saved record's: name, label and
    the saved value as the page shows it (a choice by its label)."""
    rows = []
    for name, typed in form.service_data().items():
        saved = getattr(current, name)
        if typed == saved:
            continue
        display = getattr(current, f"get_{name}_display", None)
        if display is None and isinstance(saved, int) and not isinstance(saved, bool):
            saved = f"{saved:,}".replace(",", ".")  # numbers the Indonesian way
        rows.append(
            {
                "name": name,
                "label": form.fields[name].label,
                "saved": display() if display else saved,
            }
        )
    return rows


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ObjectListView(ProtectedView):
    """A filtered list. ``selector(user=, filters=)`` returns the bound FilterSet; the rows are
    its ``.qs`` (none while the filters are invalid), one page at a time.

    Context: ``filter``, ``page`` (tkpk.pagination.Page), the rows as ``context_object_name``,
    ``list_url``, and ``export_url``/``export_formats`` when ``export_url_name`` is set.
    ``count_up_to`` asks the pager for the total (exact up to that many rows, estimated above).
    """

    selector = None
    template_name = ""
    partial_template_name = ""
    context_object_name = "rows"
    paginate_by = 50
    count_up_to: int | None = None
    export_url_name = ""
    export_formats: tuple[str, ...] = ("xlsx", "csv")
    #: (value, label) of the export's layouts, offered in a select named "layout" if given.
    export_layouts: tuple[tuple[str, str], ...] = ()

    def get_filterset(self):
        return type(self).selector(user=self.request.user, filters=self.request.GET)

    def get_rows(self, filterset):
        return filterset.qs if filterset.is_valid() else filterset.queryset.none()

    def get_extra_context(self, filterset, page, *, partial: bool) -> dict:
        """What the template needs besides the rows (``partial``: only the htmx partial)."""
        return {}

    def page_shown(self, filterset, page) -> None:
        """Called once the page is known, e.g. to audit a search by NIK."""

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset()
        page = paginate(
            self.get_rows(filterset),
            request,
            per_page=self.paginate_by,
            count_up_to=self.count_up_to,
        )
        self.page_shown(filterset, page)
        partial = bool(request.htmx and self.partial_template_name)
        context = {
            "filter": filterset,
            "page": page,
            self.context_object_name: page.rows,
            "list_url": request.path,
            **self.get_extra_context(filterset, page, partial=partial),
        }
        if self.export_url_name:
            context["export_url"] = reverse(self.export_url_name)
            context["export_formats"] = self.export_formats
            context["export_layouts"] = self.export_layouts
        template = self.partial_template_name if partial else self.template_name
        return render(request, template, context)


class ObjectView(ObjectMixin, ProtectedView):
    """One object: ``template_name`` with ``object``, the object as ``context_object_name`` and
    ``get_extra_context()``."""

    template_name = ""
    context_object_name = "object"

    def get_context_data(self, **kwargs) -> dict:
        return {"object": self.object, self.context_object_name: self.object, **kwargs}

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.get_context_data())


class ObjectFormView(ObjectMixin, ProtectedView):
    """A form whose valid input goes to one service, called in ``save(form)``.

    GET shows ``form_class(**get_form_kwargs())``. POST binds it; when it is valid, ``save``
    runs and a ``ValidationError`` it raises lands on the form (on its field when it names
    one), and an EditConflict (tkpk.locking) shows the user's input beside the saved values;
    then ``success_message`` and a redirect to ``get_success_url(result)``, or for htmx
    ``htmx_success(result)``. An invalid form is shown again with status 400, through
    ``get_context_data(form=form)`` and ``template_name`` (``partial_template_name`` for htmx).
    The object of the URL (if any) is ``self.object``; a view whose form edits something else
    (a meeting's attendance) passes what it needs in ``get_form_kwargs``.
    """

    form_class = None
    template_name = ""
    partial_template_name = ""
    context_object_name = "object"
    form_context_name = "form"
    success_message = ""
    #: Errors that refuse the step itself, not the input (an action in the wrong status): their
    #: message is shown on the page the view redirects to, not on the form.
    refused: tuple[type[Exception], ...] = ()

    def get_form_kwargs(self) -> dict:
        return {}

    def get_form(self, data=None, files=None):
        return self.form_class(data, files, **self.get_form_kwargs())

    def get_context_data(self, **kwargs) -> dict:
        context = {"object": self.object, self.context_object_name: self.object}
        if "form" in kwargs:
            kwargs[self.form_context_name] = kwargs.pop("form")
        return {**context, **kwargs}

    def save(self, form):
        raise NotImplementedError(f"{type(self).__name__}.save(form) must call a service.")

    def get_success_message(self, result) -> str:
        return str(self.success_message)

    def get_success_url(self, result) -> str:
        return result.get_absolute_url()

    def htmx_success(self, result):
        """The answer to an htmx POST that saved; by default the same redirect (htmx follows)."""
        return None

    def render_form(self, form, *, status: int = 200, **extra):
        template = (
            self.partial_template_name
            if self.request.htmx and self.partial_template_name
            else self.template_name
        )
        return render(
            self.request, template, self.get_context_data(form=form, **extra), status=status
        )

    def get(self, request, *args, **kwargs):
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            result = self.save(form)
        except self.refused as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect(self.get_success_url(self.object))
        except EditConflict as conflict:
            return self.form_conflict(conflict)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return self.form_valid(form, result)

    def form_invalid(self, form):
        # htmx swaps only 2xx answers: its partial carries the errors with a 200.
        return self.render_form(form, status=200 if self.request.htmx else 400)

    def form_conflict(self, conflict: EditConflict):
        """Someone saved the record meanwhile (tkpk.locking): the user's input again, now bound
        to the saved version so that saving once more keeps it, with the saved value beside
        each field that differs (``conflict_rows``); 409 (htmx: 200, so that it is swapped)."""
        current = conflict.current
        data = self.request.POST.copy()
        data["version"] = str(current.version)
        form = self.get_form(data, self.request.FILES)
        form.is_valid()
        form.add_error(None, str(conflict))
        context = {
            "conflict": current,
            "conflict_rows": conflict_rows(form, current),
            self.context_object_name: current,
        }
        return self.render_form(form, status=200 if self.request.htmx else 409, **context)

    def form_valid(self, form, result):
        if self.request.htmx:
            response = self.htmx_success(result)
            if response is not None:
                return response
        message = self.get_success_message(result)
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url(result))


class ObjectActionView(ObjectMixin, ProtectedView):
    """A POST that does one thing to the URL's object through ``act(obj)`` (one service call),
    then a message and a redirect, or for htmx ``htmx_success(result)``. A ``ValidationError``
    from the service becomes an error message on the page it redirects to."""

    http_method_names = ["post"]
    success_message = ""

    def act(self, obj):
        raise NotImplementedError(f"{type(self).__name__}.act(obj) must call a service.")

    def get_success_url(self, result) -> str:
        return result.get_absolute_url()

    def htmx_success(self, result):
        return None

    def post(self, request, *args, **kwargs):
        try:
            result = self.act(self.object)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.get_success_url(self.object))
        if request.htmx:
            response = self.htmx_success(result)
            if response is not None:
                return response
        if self.success_message:
            messages.success(request, str(self.success_message))
        return redirect(self.get_success_url(result))


class ObjectDownloadView(ObjectMixin, ProtectedView):
    """A stored file of the URL's object. ``open_file(obj)`` calls the service that checks,
    audits and opens it, returning a tkpk.downloads.Download. A DownloadGone or ValidationError
    it raises answers 404 with its reason, unless ``unavailable(error)`` says more."""

    def open_file(self, obj):
        raise NotImplementedError(f"{type(self).__name__}.open_file(obj) must call a service.")

    def unavailable(self, error):
        """A file that is no longer stored, or could not be made: 404 with the reason."""
        raise Http404(" ".join(getattr(error, "messages", [str(error)])))

    def get(self, request, *args, **kwargs):
        try:
            download = self.open_file(self.object)
        except (DownloadGone, ValidationError) as error:
            return self.unavailable(error)
        response = FileResponse(download.handle, as_attachment=True, filename=download.name)
        if download.content_type:
            response["Content-Type"] = download.content_type
        return response


class ObjectExportView(ProtectedView):
    """Export the list that ``selector`` filters, in one of ``formats``: ``export(filters,
    file_format)`` calls the app's export service, which returns a Job (started in the
    background: its page follows) or a Download to send now. A ``ValidationError`` (too many
    rows for the role, say) goes back to the list with its filters and the message."""

    http_method_names = ["post"]
    selector = None
    formats: tuple[str, ...] = ("xlsx", "csv")
    #: POST fields that are options of the export (its layout), not filters of the list.
    option_names: tuple[str, ...] = ()
    list_url_name = ""
    invalid_filters_message = ""

    def export(self, filters: dict, file_format: str, **options):
        raise NotImplementedError(f"{type(self).__name__}.export() must call a service.")

    def back_to_list(self, filters: dict, message: str):
        messages.error(self.request, message)
        query = f"?{urlencode(filters)}" if filters else ""
        return redirect(f"{reverse(self.list_url_name)}{query}")

    def post(self, request, *args, **kwargs):
        file_format = request.POST.get("format", self.formats[0])
        if file_format not in self.formats:
            raise Http404
        skipped = {"format", "csrfmiddlewaretoken", "page", *self.option_names}
        filters = {key: value for key, value in request.POST.items() if key not in skipped}
        options = {name: request.POST[name] for name in self.option_names if name in request.POST}
        if not type(self).selector(user=request.user, filters=filters).is_valid():
            return self.back_to_list(filters, str(self.invalid_filters_message))
        try:
            result = self.export(filters, file_format, **options)
        except ValidationError as error:
            return self.back_to_list(filters, " ".join(error.messages))
        if hasattr(result, "handle"):
            return FileResponse(result.handle, as_attachment=True, filename=result.name)
        return redirect("tkpk:job_detail", pk=result.pk)
