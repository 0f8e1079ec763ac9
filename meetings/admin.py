"""Django admin of the meetings app, for system admins. Changes are audited like the core's."""

from django.contrib import admin

from tkpk.admin import AuditedModelAdmin

from .models import (
    Attachment,
    Attendance,
    FollowUpAction,
    Invitation,
    Meeting,
    Notification,
    ProgressUpdate,
    ReminderDigest,
)


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    readonly_fields = ["sent_sequence", "sent_at", "recipient_count"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(AuditedModelAdmin):
    list_display = ["title", "kind", "starts_at", "place", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "place", "chair"]
    date_hierarchy = "starts_at"
    inlines = [InvitationInline, AttendanceInline]
    readonly_fields = ["sequence", "created_by", "minutes_by"]


@admin.register(Attachment)
class AttachmentAdmin(AuditedModelAdmin):
    list_display = ["original_name", "kind", "meeting", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]
    list_select_related = ["meeting", "uploaded_by"]
    readonly_fields = ["file", "content_type", "size", "uploaded_by"]

    def has_add_permission(self, request):
        # Uploads go through the meeting page, which checks the file's content.
        return False


@admin.register(FollowUpAction)
class FollowUpActionAdmin(AuditedModelAdmin):
    list_display = ["__str__", "responsible_agency", "due_date", "priority", "status", "percent"]
    list_filter = ["status", "priority", "responsible_agency"]
    search_fields = ["description", "person_in_charge"]
    list_select_related = ["responsible_agency"]
    raw_id_fields = ["meeting"]
    readonly_fields = ["version", "created_by", "updated_by", "verified_by", "verified_at"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(AuditedModelAdmin):
    list_display = ["action", "kind", "date", "percent", "created_by", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["action", "created_by"]
    raw_id_fields = ["action"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(ReminderDigest)
class ReminderDigestAdmin(AuditedModelAdmin):
    list_display = ["date", "agency", "status", "overdue_count", "due_soon_count", "emailed_at"]
    list_filter = ["status", "date"]
    readonly_fields = [f.name for f in ReminderDigest._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Notification)
class NotificationAdmin(AuditedModelAdmin):
    list_display = ["recipient", "text", "is_read", "created_at"]
    list_filter = ["is_read"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "digest"]
