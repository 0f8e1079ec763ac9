"""Django admin of the indicators app, for system admins; changes are audited like the core's.
The indicators are edited here (their direction, decimals and limits); figures, periods and
targets are entered in the app, where their checks run and their history is kept, so the admin
reads them; kecamatan boundaries come from `manage.py load_boundaries`."""

from django.contrib import admin

from tkpk.admin import AuditedModelAdmin

from .models import Indicator, KecamatanBoundary, Observation, RpjmdPeriod, Target


@admin.register(Indicator)
class IndicatorAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "unit", "direction", "decimals", "is_key", "order"]
    list_editable = ["order"]
    list_filter = ["direction", "is_key"]


class ReadOnlyAdmin(AuditedModelAdmin):
    """Entered in the app, where the rules run; read here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "region", "year", "value", "source", "entered_by", "entered_at"]
    list_filter = ["indicator", "source"]
    search_fields = ["region__code", "region__name", "note"]


@admin.register(RpjmdPeriod)
class RpjmdPeriodAdmin(ReadOnlyAdmin):
    list_display = ["region", "first_year", "last_year", "perda_reference"]


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ["period", "indicator", "year", "value"]
    list_filter = ["indicator"]


@admin.register(KecamatanBoundary)
class KecamatanBoundaryAdmin(ReadOnlyAdmin):
    list_display = ["region", "source_name", "loaded_at"]
    fields = ["region", "source_name", "loaded_at"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
