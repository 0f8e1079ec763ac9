"""Django admin for system admins. Every change made here is also written to the audit trail:
every registered admin, the ones Django and django-axes bring included, is an AuditedModelAdmin
or cannot delete (tkpk/tests/test_admin_audit.py walks the registry)."""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .audit import audit_record
from .choices import AuditAction
from .models import Agency, AuditEvent, Job, Region, RegionDataset, User
from .roles import OPERATOR


class AuditedModelAdmin(admin.ModelAdmin):
    """Writes an AuditEvent beside Django's own admin log for every add, change and delete."""

    def log_addition(self, request, obj, message):
        audit_record(
            actor=request.user,
            action=AuditAction.CREATE,
            obj=obj,
            summary=_("Through the admin."),
            request=request,
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit_record(
            actor=request.user,
            action=AuditAction.UPDATE,
            obj=obj,
            summary=_("Through the admin."),
            changes={"admin": str(message)[:400]},
            request=request,
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit_record(
                actor=request.user,
                action=AuditAction.DELETE,
                obj=obj,
                summary=_("Through the admin."),
                request=request,
            )
        return super().log_deletions(request, queryset)


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ["short_name", "name", "kind", "email", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]


class OneRoleFormMixin:
    """The admin's account forms keep the app's rule: exactly one role (group), unless the
    account is a superuser, and an Operator SKPD belongs to an agency."""

    def clean(self):
        data = super().clean()
        groups = list(data.get("groups") or [])
        if not data.get("is_superuser") and len(groups) != 1:
            self.add_error("groups", _("Choose exactly one role (group)."))
        if any(g.name == OPERATOR for g in groups) and not data.get("agency"):
            self.add_error("agency", _("An Operator SKPD account belongs to an agency: choose it."))
        return data


class UserAdminChangeForm(OneRoleFormMixin, UserChangeForm):
    pass


class UserAdminCreationForm(OneRoleFormMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "agency", "position", "groups"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    list_display = ["username", "first_name", "last_name", "agency", "is_active", "is_staff"]
    list_filter = ["groups", "agency", "is_active", "is_staff"]
    list_select_related = ["agency"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("TKPK"), {"fields": ["agency", "position"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("TKPK"), {"fields": ["agency", "position", "groups"]}),
    )

    def has_delete_permission(self, request, obj=None):
        # Accounts carry the audit trail; deactivate them instead.
        return False


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]
    show_full_result_count = False


@admin.register(RegionDataset)
class RegionDatasetAdmin(AuditedModelAdmin):
    list_display = [
        "loaded_at",
        "source",
        "source_version",
        "regulation",
        "within",
        "regions_created",
        "regions_updated",
        "regions_unchanged",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(AuditedModelAdmin):
    list_display = ["id", "kind", "status", "created_by", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_username", "action", "content_type", "object_repr", "ip_address"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_username", "object_repr", "summary"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Admins other apps register, replaced by audited ones --------------------------------------


class GroupAdmin(AuditedModelAdmin, BaseGroupAdmin):
    """Roles are groups (tkpk.roles): changing one changes who may see personal data."""


class AccessAttemptAdmin(AuditedModelAdmin, axes_admin.AccessAttemptAdmin):
    """django-axes' failed sign-ins; deleting one lifts a lock."""


class AccessLogAdmin(AuditedModelAdmin, axes_admin.AccessLogAdmin):
    """django-axes' sign-in log."""


class AccessFailureLogAdmin(AuditedModelAdmin, axes_admin.AccessFailureLogAdmin):
    """django-axes' log of failed sign-ins."""


for model, model_admin in [
    (Group, GroupAdmin),
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
]:
    # Only in place of what is registered: axes registers nothing with AXES_ENABLE_ADMIN off.
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
