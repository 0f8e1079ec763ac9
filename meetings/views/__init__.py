"""Views of the meetings app: they parse input, check access, call one service or selector and
render. Every object reached from a URL is fetched through `for_user`, so what a user may not
see answers 404; what they may see but not change answers 403 (a missing permission)."""

from .actions import (
    ActionAddView,
    ActionBoardView,
    ActionCancelView,
    ActionDetailView,
    ActionReopenView,
    ActionRowView,
    ActionUpdateView,
    ActionVerifyView,
    AgencyActionsPanelView,
    MyActionsView,
    ProgressAddView,
)
from .files import (
    AttachmentAddView,
    AttachmentDeleteView,
    AttachmentDownloadView,
    EvidenceDownloadView,
)
from .meetings import (
    AttendanceAddView,
    AttendanceDeleteView,
    AttendanceToggleView,
    MeetingCreateView,
    MeetingDetailView,
    MeetingListView,
    MeetingMinutesView,
    MeetingUpdateView,
    MinutesPdfView,
    MinutesPrintView,
)
from .notifications import NotificationReadAllView, NotificationReadView

__all__ = [
    "ActionAddView",
    "ActionBoardView",
    "ActionCancelView",
    "ActionDetailView",
    "ActionReopenView",
    "ActionRowView",
    "ActionUpdateView",
    "ActionVerifyView",
    "AgencyActionsPanelView",
    "AttachmentAddView",
    "AttachmentDeleteView",
    "AttachmentDownloadView",
    "AttendanceAddView",
    "AttendanceDeleteView",
    "AttendanceToggleView",
    "EvidenceDownloadView",
    "MeetingCreateView",
    "MeetingDetailView",
    "MeetingListView",
    "MeetingMinutesView",
    "MeetingUpdateView",
    "MinutesPdfView",
    "MinutesPrintView",
    "MyActionsView",
    "NotificationReadAllView",
    "NotificationReadView",
    "ProgressAddView",
]
