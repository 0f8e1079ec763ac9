"""Follow-up action pages: the board, my actions, inline rows on the meeting page, the action's
own page with its timeline, progress posts and the secretariat's verification."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tkpk.generic import ObjectFormView, ObjectListView, ObjectView
from tkpk.models import Agency

from ..forms import ActionForm, CommentForm, ProgressForm
from ..models import FollowUpAction, Meeting
from ..selectors import (
    action_board,
    action_summary,
    agency_choices,
    my_action_list,
    unread_notifications,
)
from ..services import (
    ActionStateError,
    action_cancel,
    action_create,
    action_reopen,
    action_update,
    action_verify,
    progress_post,
)
from .base import action_page, actions_section, meeting_page

ACTION_RELATED = ("meeting", "responsible_agency", "updated_by", "verified_by")


class ActionListView(ObjectListView):
    """A filtered list of actions, soonest due first, with their total."""

    partial_template_name = "meetings/_action_table.html"
    context_object_name = "actions"
    count_up_to = 10_000

    def get_extra_context(self, filterset, page, *, partial):
        return {"today": timezone.localdate()}


class ActionBoardView(ActionListView):
    """Every action across meetings, filtered by agency, status, due dates and lateness."""

    permission_required = "meetings.view_board"
    selector = action_board
    template_name = "meetings/action_board.html"

    def get_extra_context(self, filterset, page, *, partial):
        context = super().get_extra_context(filterset, page, partial=partial)
        if filterset.is_valid():
            context["summary"] = action_summary(user=self.request.user, filters=self.request.GET)
        if not partial:
            context["agency_choices"] = agency_choices()
        return context


class MyActionsView(ActionListView):
    """The actions given to the user's agency, and their unread notifications."""

    permission_required = "meetings.view_followupaction"
    selector = my_action_list
    template_name = "meetings/my_actions.html"

    def get_extra_context(self, filterset, page, *, partial):
        context = super().get_extra_context(filterset, page, partial=partial)
        context["hide_agency"] = True
        if not partial:
            context["notifications"] = unread_notifications(user=self.request.user)
        return context


class ActionAddView(ObjectFormView):
    """Add a decision of the meeting as an action; htmx gets the actions section back with a
    fresh form (or the form with its errors), so the page does not reload."""

    permission_required = "meetings.add_followupaction"
    http_method_names = ["post"]
    model = Meeting
    form_class = ActionForm
    template_name = "meetings/meeting_detail.html"
    partial_template_name = "meetings/_actions.html"
    success_message = _("Follow-up action added.")

    def get_form_kwargs(self):
        return {"meeting": self.object}

    def get_context_data(self, form):
        if self.request.htmx:
            return actions_section(self.request, self.object, form)
        return meeting_page(self.request, self.object, action_form=form)

    def save(self, form):
        return action_create(
            user=self.request.user, meeting=self.object, request=self.request, **form.service_data()
        )

    def get_success_url(self, action):
        return f"{self.object.get_absolute_url()}#actions"

    def htmx_success(self, action):
        context = actions_section(self.request, self.object)
        return render(self.request, self.partial_template_name, context)


class AgencyActionsPanelView(ObjectView):
    """The agency page's panel (slot agency_detail, loaded by htmx): the follow-up actions given
    to the agency, as far as the user may read them."""

    permission_required = "meetings.view_followupaction"
    model = Agency
    template_name = "meetings/_agency_actions_panel.html"
    context_object_name = "agency"

    def get_context_data(self, **kwargs):
        filters = {"agency": str(self.object.pk)}
        summary = action_summary(user=self.request.user, filters=filters)
        return super().get_context_data(actions=summary, **kwargs)


class ActionRowView(ObjectView):
    """One action as a row of the meeting's table (htmx: cancelling an inline edit)."""

    permission_required = "meetings.view_followupaction"
    model = FollowUpAction
    select_related = ACTION_RELATED
    template_name = "meetings/_action_row.html"
    context_object_name = "action"

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


class ActionUpdateView(ObjectFormView):
    """Change an action (inline on the meeting page with htmx, or as a page). An edit started
    before someone else's save is refused (409), and the user's input stays in the form beside
    the values saved meanwhile."""

    permission_required = "meetings.change_followupaction"
    model = FollowUpAction
    select_related = ACTION_RELATED
    form_class = ActionForm
    template_name = "meetings/action_form.html"
    partial_template_name = "meetings/_action_row_form.html"
    context_object_name = "action"
    success_message = _("Follow-up action saved.")

    def get_form_kwargs(self):
        action = self.object
        # Element ids unique beside the add form on the same page.
        return {
            "instance": action,
            "meeting": action.meeting,
            "auto_id": f"id_action{action.pk}_%s",
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)

    def save(self, form):
        return action_update(
            user=self.request.user,
            action=self.object,
            data=form.service_data(),
            expected_version=form.cleaned_data["version"] or self.object.version,
            request=self.request,
        )

    def htmx_success(self, action):
        context = {"action": action, "today": timezone.localdate(), "saved": True}
        return render(self.request, "meetings/_action_row.html", context)


class ActionFormView(ObjectFormView):
    """A form posted from the action page; with errors, the page is shown again around it."""

    http_method_names = ["post"]
    model = FollowUpAction
    select_related = ACTION_RELATED
    template_name = "meetings/action_detail.html"
    form_name = ""

    def get_context_data(self, form):
        self.object.refresh_from_db()  # a refused service call may have touched it
        return action_page(self.request, self.object, **{self.form_name: form})


class ActionDetailView(ObjectView):
    """One action with its timeline; the responsible agency posts progress here and the
    secretariat verifies, reopens or cancels it."""

    permission_required = "meetings.view_followupaction"
    model = FollowUpAction
    select_related = ACTION_RELATED
    template_name = "meetings/action_detail.html"

    def get_context_data(self, **kwargs):
        return action_page(self.request, self.object)


class ProgressAddView(ActionFormView):
    """Post progress (with optional evidence) on an action of one's own agency, or mark it done.
    Another agency's action answers 404."""

    permission_required = "meetings.post_progress"
    max_request_bytes = settings.MEETINGS_MAX_UPLOAD_BYTES + 1024 * 1024  # the file and the form
    form_class = ProgressForm
    form_name = "progress_form"

    def get_form_kwargs(self):
        return {"current_percent": self.object.percent}

    def save(self, form):
        data = form.cleaned_data
        self.marked_done = data["mark_done"]
        return progress_post(
            user=self.request.user,
            action=self.object,
            text=data["text"],
            percent=data["percent"],
            reason=data["reason"],
            on=data["on"],
            evidence=data["evidence"] or None,
            mark_done=data["mark_done"],
            request=self.request,
        )

    def get_success_message(self, update):
        if self.marked_done:
            return _("Marked done. The secretariat will verify the action.")
        return _("Progress saved.")

    def get_success_url(self, update):
        return self.object.get_absolute_url()


class TransitionView(ActionFormView):
    """Verify, reopen or cancel an action with the secretariat's comment."""

    permission_required = "meetings.verify_followupaction"
    form_class = CommentForm
    refused = (ActionStateError,)
    comment_required = True
    service = None

    @property
    def form_name(self):
        return f"{self.prefix}_form"

    def get_form_kwargs(self):
        return {"prefix": self.prefix, "required": self.comment_required}

    def save(self, form):
        comment = form.cleaned_data["comment"]
        return type(self).service(
            user=self.request.user, action=self.object, comment=comment, request=self.request
        )

    def get_success_url(self, action):
        return self.object.get_absolute_url()


class ActionVerifyView(TransitionView):
    prefix = "verify"
    comment_required = False
    service = action_verify
    success_message = _("Action verified.")


class ActionReopenView(TransitionView):
    prefix = "reopen"
    service = action_reopen
    success_message = _("Action reopened and sent back to the agency.")


class ActionCancelView(TransitionView):
    prefix = "cancel"
    service = action_cancel
    success_message = _("Action cancelled.")
