"""Give the four roles their permissions on meetings and follow-up actions.

- Admin: everything.
- Sekretariat TKPK: plans meetings, records attendance, minutes and attachments, gives and edits
  actions, verifies, reopens or cancels them, sees the board of every agency.
- Operator SKPD: reads the meetings of their agency and its actions (scoped by for_user), posts
  progress on them and marks them done.
- Bappeda: reads meetings, actions and the board; writes nothing.
"""

from django.db import migrations

from tkpk.migration_utils import grant_permissions, revoke_permissions

MODELS = ["meeting", "attendance", "attachment", "followupaction", "progressupdate"]
CUSTOM = ["post_progress", "verify_followupaction", "view_board"]

GRANTS = {
    "Admin": [
        f"meetings.{action}_{model}"
        for model in MODELS
        for action in ("add", "change", "delete", "view")
    ]
    + [f"meetings.{codename}" for codename in CUSTOM]
    + ["meetings.view_reminderdigest", "meetings.view_notification"],
    "Sekretariat TKPK": [
        "meetings.add_meeting",
        "meetings.change_meeting",
        "meetings.view_meeting",
        "meetings.add_attendance",
        "meetings.change_attendance",
        "meetings.delete_attendance",
        "meetings.view_attendance",
        "meetings.add_attachment",
        "meetings.delete_attachment",
        "meetings.view_attachment",
        "meetings.add_followupaction",
        "meetings.change_followupaction",
        "meetings.view_followupaction",
        "meetings.add_progressupdate",
        "meetings.view_progressupdate",
        "meetings.post_progress",
        "meetings.verify_followupaction",
        "meetings.view_board",
        "meetings.view_reminderdigest",
    ],
    "Operator SKPD": [
        "meetings.view_meeting",
        "meetings.view_attendance",
        "meetings.view_attachment",
        "meetings.view_followupaction",
        "meetings.add_progressupdate",
        "meetings.view_progressupdate",
        "meetings.post_progress",
    ],
    "Bappeda": [
        "meetings.view_meeting",
        "meetings.view_attendance",
        "meetings.view_attachment",
        "meetings.view_followupaction",
        "meetings.view_progressupdate",
        "meetings.view_board",
    ],
}


def forwards(apps, schema_editor):
    grant_permissions(apps, GRANTS)


def backwards(apps, schema_editor):
    revoke_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("tkpk", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
