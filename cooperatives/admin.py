"""Django admin for the registry. Regions are read-only (loaded by ``load_regions``); RAT
filings are written through the services so the cooperative's status stays current."""

from django.contrib import admin
from django.db import transaction

from koperasi_registry.admin_scope import OfficeScopedAdminMixin, SharedListAdminMixin
from koperasi_registry.concurrency_admin import VersionedHistoryAdmin

from . import admin_users  # noqa: F401  (the users, with their office scope)
from .health import admin as health_admin  # noqa: F401  (registers the health assessment admin)
from .models import Cooperative, District, Kelompok, RatAttachment, RatFiling, Regency, Village
from .services import cooperative_refresh_rat_summary, rat_filing_delete, rat_filing_save


class ReadOnlyAdmin(admin.ModelAdmin):
    """Regions come from the Kemendagri data; never typed in by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Regency)
class RegencyAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "province_name")
    search_fields = ("code", "name", "province_name")


@admin.register(District)
class DistrictAdmin(OfficeScopedAdminMixin, ReadOnlyAdmin):
    scope_regency_path = "regency"
    list_display = ("code", "name", "regency")
    list_select_related = ("regency",)
    search_fields = ("code", "name")
    list_filter = ("regency",)


@admin.register(Village)
class VillageAdmin(OfficeScopedAdminMixin, ReadOnlyAdmin):
    scope_regency_path = "district__regency"
    list_display = ("code", "name", "kind", "district", "postal_code")
    list_select_related = ("district",)
    search_fields = ("code", "name", "district__name")
    list_filter = ("kind",)


@admin.register(Kelompok)
class KelompokAdmin(SharedListAdminMixin, VersionedHistoryAdmin):
    list_display = ("name", "description")
    list_editable = ("description",)
    list_display_links = ("name",)
    search_fields = ("name",)


@admin.register(Cooperative)
class CooperativeAdmin(OfficeScopedAdminMixin, VersionedHistoryAdmin):
    scope_regency_path = "village__district__regency"
    scope_fk_paths = {"village": "district__regency"}
    list_display = ("name", "nik", "office_code", "jenis", "bentuk", "kelompok", "village", "last_rat_year", "lifecycle")
    list_select_related = ("kelompok", "village")
    list_filter = ("jenis", "bentuk", "kelompok", "is_merah_putih", "is_syariah", "lifecycle", "village__district")
    search_fields = ("name", "nik", "office_code")
    autocomplete_fields = ("village",)
    readonly_fields = ("last_rat_year", "created_at", "updated_at")
    history_list_display = ("lifecycle",)


class RatAttachmentInline(admin.TabularInline):
    model = RatAttachment
    extra = 0
    fields = ("kind", "file", "uploaded_at")
    readonly_fields = ("uploaded_at",)


@admin.register(RatFiling)
class RatFilingAdmin(OfficeScopedAdminMixin, VersionedHistoryAdmin):
    scope_regency_path = "cooperative__village__district__regency"
    scope_fk_paths = {"cooperative": "village__district__regency"}
    list_display = ("cooperative", "book_year", "rat_date", "reported_on", "members_male", "members_female")
    list_select_related = ("cooperative",)
    list_filter = ("book_year",)
    search_fields = ("cooperative__name", "cooperative__nik")
    autocomplete_fields = ("cooperative",)
    readonly_fields = ("created_at",)
    inlines = [RatAttachmentInline]

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        rat_filing_save(filing=obj)
        if change and "cooperative" in form.changed_data:  # the cooperative it was moved from
            cooperative_refresh_rat_summary(cooperative_ids=[form.initial["cooperative"]])

    def delete_model(self, request, obj):
        rat_filing_delete(filing=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        cooperative_ids = set(queryset.values_list("cooperative_id", flat=True))
        queryset.delete()
        cooperative_refresh_rat_summary(cooperative_ids=cooperative_ids)

