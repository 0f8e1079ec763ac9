"""Follow-up action pages: the board, my actions, inline rows on the meeting page, the action's
own page with its timeline, progress posts and the secretariat's verification."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..forms import ActionForm, CommentForm, ProgressForm
from ..selectors import (
    action_board,
    action_summary,
    action_timeline,
    agency_choices,
    meeting_actions,
    my_action_list,
    unread_notifications,
)
from ..services import (
    ActionConflict,
    ActionStateError,
    action_cancel,
    action_create,
    action_reopen,
    action_update,
    action_verify,
    progress_post,
)
from .base import (
    PermissionView,
    action_for,
    add_service_errors,
    meeting_for,
    page_number,
    querystring_without_page,
)


def _list_context(request, filterset, per_page):
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(queryset.order_by("due_date", "priority", "id"), per_page).get_page(
        page_number(request)
    )
    return {
        "filter": filterset,
        "page_obj": page,
        "actions": page.object_list,
        "querystring": querystring_without_page(request),
        "today": timezone.localdate(),
    }


class ActionBoardView(PermissionView):
    """Every action across meetings, filtered by agency, status, due dates and lateness."""

    permission_required = "meetings.view_board"
    paginate_by = 50

    def get(self, request):
        context = _list_context(
            request, action_board(user=request.user, filters=request.GET), self.paginate_by
        )
        context["list_url"] = request.path
        if context["filter"].is_valid():
            context["summary"] = action_summary(user=request.user, filters=request.GET)
        if request.htmx:
            return render(request, "meetings/_action_table.html", context)
        context["agency_choices"] = agency_choices()
        return render(request, "meetings/action_board.html", context)


class MyActionsView(PermissionView):
    """The actions given to the user's agency, and their unread notifications."""

    permission_required = "meetings.view_followupaction"
    paginate_by = 50

    def get(self, request):
        filterset = my_action_list(user=request.user, filters=request.GET)
        context = _list_context(request, filterset, self.paginate_by)
        context["list_url"] = request.path
        context["hide_agency"] = True
        if request.htmx:
            return render(request, "meetings/_action_table.html", context)
        context["notifications"] = unread_notifications(user=request.user)
        return render(request, "meetings/my_actions.html", context)


def _actions_section(request, meeting, form=None):
    context = {
        "meeting": meeting,
        "actions": meeting_actions(user=request.user, meeting=meeting),
        "action_form": form or ActionForm(meeting=meeting),
        "today": timezone.localdate(),
    }
    return render(request, "meetings/_actions.html", context)


class ActionAddView(PermissionView):
    """Add a decision of the meeting as an action; htmx gets the actions section back with a
    fresh form (or the form with its errors), so the page does not reload."""

    permission_required = "meetings.add_followupaction"

    def post(self, request, pk):
        meeting = meeting_for(request, pk)
        form = ActionForm(request.POST, meeting=meeting)
        if form.is_valid():
            try:
                action_create(
                    user=request.user, meeting=meeting, request=request, **form.service_data()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if not request.htmx:
                    messages.success(request, _("Follow-up action added."))
                    return redirect(f"{meeting.get_absolute_url()}#actions")
                return _actions_section(request, meeting)
        return _actions_section(request, meeting, form)


class ActionRowView(PermissionView):
    """One action as a row of the meeting's table (htmx: cancelling an inline edit)."""

    permission_required = "meetings.view_followupaction"

    def get(self, request, pk):
        context = {"action": action_for(request, pk), "today": timezone.localdate()}
        return render(request, "meetings/_action_row.html", context)


def _conflict_rows(form, current):
    """The fields where the saved action differs from what the user typed."""
    rows = []
    for name in form.Meta.fields:
        if form.cleaned_data.get(name) != getattr(current, name):
            saved = current.get_priority_display() if name == "priority" else getattr(current, name)
            rows.append({"name": name, "label": form.fields[name].label, "saved": saved})
    return rows


def _auto_id(action) -> str:
    """Element ids of an inline edit row, unique beside the add form on the same page."""
    return f"id_action{action.pk}_%s"


class ActionUpdateView(PermissionView):
    """Change an action (inline on the meeting page with htmx, or as a page). An edit started
    before someone else's save is refused, and the user's input stays in the form."""

    permission_required = "meetings.change_followupaction"

    def _render(self, request, action, form, conflict=None, status=200):
        context = {
            "action": action,
            "form": form,
            "conflict": conflict,
            "conflict_rows": _conflict_rows(form, conflict) if conflict else [],
            "today": timezone.localdate(),
        }
        if request.htmx:
            return render(request, "meetings/_action_row_form.html", context)
        return render(request, "meetings/action_form.html", context, status=status)

    def get(self, request, pk):
        action = action_for(request, pk)
        form = ActionForm(instance=action, meeting=action.meeting, auto_id=_auto_id(action))
        return self._render(request, action, form)

    def post(self, request, pk):
        action = action_for(request, pk)
        form = ActionForm(
            request.POST,
            instance=action_for(request, pk),
            meeting=action.meeting,
            auto_id=_auto_id(action),
        )
        if not form.is_valid():
            return self._render(request, action, form, status=400)
        try:
            action = action_update(
                user=request.user,
                action=action,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"] or action.version,
                request=request,
            )
        except ActionConflict as conflict:
            current = conflict.current
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = ActionForm(
                data,
                instance=action_for(request, pk),
                meeting=current.meeting,
                auto_id=_auto_id(action),
            )
            form.is_valid()
            form.add_error(None, str(conflict))
            return self._render(request, current, form, conflict=current, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
            return self._render(request, action, form, status=400)
        if request.htmx:
            context = {"action": action, "today": timezone.localdate(), "saved": True}
            return render(request, "meetings/_action_row.html", context)
        messages.success(request, _("Follow-up action saved."))
        return redirect(action)


def _detail_context(request, action, **forms):
    user = request.user
    context = {
        "action": action,
        "timeline": action_timeline(action=action),
        "today": timezone.localdate(),
    }
    if user.has_perm("meetings.post_progress") and action.is_open:
        context["progress_form"] = forms.get("progress_form") or ProgressForm(
            initial={"percent": action.percent}
        )
    if user.has_perm("meetings.verify_followupaction"):
        for name in ("verify_form", "reopen_form", "cancel_form"):
            context[name] = forms.get(name) or CommentForm(
                prefix=name.split("_")[0], required=name != "verify_form"
            )
    return context


class ActionDetailView(PermissionView):
    """One action with its timeline; the responsible agency posts progress here and the
    secretariat verifies, reopens or cancels it."""

    permission_required = "meetings.view_followupaction"

    def get(self, request, pk):
        action = action_for(request, pk)
        return render(request, "meetings/action_detail.html", _detail_context(request, action))


class ProgressAddView(PermissionView):
    """Post progress (with optional evidence) on an action of one's own agency, or mark it done.
    Another agency's action answers 404."""

    permission_required = "meetings.post_progress"
    max_request_bytes = settings.MEETINGS_MAX_UPLOAD_BYTES + 1024 * 1024  # the file and the form

    def post(self, request, pk):
        action = action_for(request, pk)
        form = ProgressForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                progress_post(
                    user=request.user,
                    action=action,
                    text=form.cleaned_data["text"],
                    percent=form.cleaned_data["percent"],
                    on=form.cleaned_data["on"],
                    evidence=form.cleaned_data["evidence"] or None,
                    mark_done=form.cleaned_data["mark_done"],
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if form.cleaned_data["mark_done"]:
                    messages.success(
                        request, _("Marked done. The secretariat will verify the action.")
                    )
                else:
                    messages.success(request, _("Progress saved."))
                return redirect(action)
        action.refresh_from_db()
        context = _detail_context(request, action, progress_form=form)
        return render(request, "meetings/action_detail.html", context, status=400)


class _TransitionView(PermissionView):
    """Verify, reopen or cancel an action with the secretariat's comment."""

    permission_required = "meetings.verify_followupaction"
    prefix = ""
    comment_required = True
    success_message = ""

    def service(self, **kwargs):
        raise NotImplementedError

    def post(self, request, pk):
        action = action_for(request, pk)
        form = CommentForm(request.POST, prefix=self.prefix, required=self.comment_required)
        if form.is_valid():
            try:
                self.service(
                    user=request.user,
                    action=action,
                    comment=form.cleaned_data["comment"],
                    request=request,
                )
            except ActionStateError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(action)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, self.success_message)
                return redirect(action)
        context = _detail_context(request, action, **{f"{self.prefix}_form": form})
        return render(request, "meetings/action_detail.html", context, status=400)


class ActionVerifyView(_TransitionView):
    prefix = "verify"
    comment_required = False

    @property
    def success_message(self):
        return _("Action verified.")

    def service(self, **kwargs):
        return action_verify(**kwargs)


class ActionReopenView(_TransitionView):
    prefix = "reopen"

    @property
    def success_message(self):
        return _("Action reopened and sent back to the agency.")

    def service(self, **kwargs):
        return action_reopen(**kwargs)


class ActionCancelView(_TransitionView):
    prefix = "cancel"

    @property
    def success_message(self):
        return _("Action cancelled.")

    def service(self, **kwargs):
        return action_cancel(**kwargs)
