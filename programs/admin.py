"""Django admin of the programs app, for system admins. Changes are audited like the core's.
Programs, reports and beneficiaries are entered in the app, where their rules run: the admin
reads them; it edits the reference lists (clusters, national programs, allowed overlaps)."""

from django.contrib import admin

from tkpk.admin import AuditedModelAdmin

from .models import (
    AllowedOverlap,
    Beneficiary,
    BeneficiaryGroup,
    BeneficiaryImport,
    Cluster,
    NationalProgram,
    Program,
    Realization,
)


@admin.register(Cluster)
class ClusterAdmin(AuditedModelAdmin):
    list_display = ["number", "short_name", "name", "is_family_aid", "is_active"]
    filter_horizontal = ["coordinators"]


@admin.register(NationalProgram)
class NationalProgramAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "cluster", "is_active"]
    list_filter = ["cluster", "is_active"]


@admin.register(AllowedOverlap)
class AllowedOverlapAdmin(AuditedModelAdmin):
    list_display = ["first", "second", "note"]


class ReadOnlyAdmin(AuditedModelAdmin):
    """Entered in the app, where the rules run; read here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Program)
class ProgramAdmin(ReadOnlyAdmin):
    list_display = ["name", "agency", "cluster", "fiscal_year", "budget", "status"]
    list_filter = ["fiscal_year", "cluster", "agency", "status"]
    search_fields = ["name", "budget_code"]
    list_select_related = ["agency", "cluster"]


@admin.register(Realization)
class RealizationAdmin(ReadOnlyAdmin):
    list_display = ["program", "quarter", "spent", "reached", "status"]
    list_filter = ["status", "quarter"]
    list_select_related = ["program"]


@admin.register(Beneficiary)
class BeneficiaryAdmin(ReadOnlyAdmin):
    list_display = ["program", "person", "kk_at_enrolment", "status", "enrolled_on"]
    list_filter = ["status", "fiscal_year"]
    list_select_related = ["program", "person"]
    raw_id_fields = ["person", "household_at_enrolment", "group"]
    show_full_result_count = False


@admin.register(BeneficiaryGroup)
class BeneficiaryGroupAdmin(ReadOnlyAdmin):
    list_display = ["name", "program", "village"]


@admin.register(BeneficiaryImport)
class BeneficiaryImportAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "program", "uploaded_by", "uploaded_at"]
