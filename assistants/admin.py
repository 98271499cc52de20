"""Django admin for every model of the app, with change history (SimpleHistoryAdmin)."""

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from koperasi_registry.access import office_scope
from koperasi_registry.admin_scope import OfficeScopedAdminMixin, SharedListAdminMixin
from koperasi_registry.concurrency_admin import VersionedHistoryAdmin

from . import coaching, conf
from .models import (
    Assignment,
    BusinessAssistant,
    CoachingTarget,
    CoachingVisit,
    FinancingProposal,
    FollowUp,
    Programme,
    ProgrammeParticipation,
    VisitAttachment,
    VisitTopic,
)


class AssignmentInline(OfficeScopedAdminMixin, admin.TabularInline):
    model = Assignment
    scope_regency_path = "cooperative__village__district__regency"
    scope_fk_paths = {"cooperative": "village__district__regency"}
    extra = 1
    autocomplete_fields = ["cooperative"]
    fields = ["cooperative", "start_date", "end_date"]


@admin.register(BusinessAssistant)
class BusinessAssistantAdmin(OfficeScopedAdminMixin, VersionedHistoryAdmin):
    """Scoped by their assignments (``BusinessAssistantQuerySet.in_office``). An assistant
    not assigned anywhere yet belongs to no office: every Admin lists them, so that the one
    who just added them can open the record again and give the first assignments."""

    def scope_queryset(self, queryset, scope):
        unassigned = ~Exists(Assignment.objects.filter(assistant=OuterRef("pk")))
        return queryset.filter(Q(pk__in=queryset.in_office(scope=scope).values("pk")) | unassigned)

    list_display = ["__str__", "phone", "is_active", "contract_end"]
    list_filter = ["is_active"]
    search_fields = ["user__first_name", "user__last_name", "user__username", "phone"]
    autocomplete_fields = ["user"]
    inlines = [AssignmentInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        current = Assignment.objects.current().filter(assistant=form.instance).count()
        maximum = conf.max_assignments()
        if coaching.assignment_overload(current=current, maximum=maximum):
            messages.warning(
                request,
                _("%(name)s kini mendampingi %(n)s koperasi, melebihi batas %(max)s.")
                % {"name": form.instance, "n": current, "max": maximum},
            )


@admin.register(Assignment)
class AssignmentAdmin(OfficeScopedAdminMixin, VersionedHistoryAdmin):
    scope_regency_path = "cooperative__village__district__regency"
    scope_fk_paths = {"cooperative": "village__district__regency"}
    list_display = ["assistant", "cooperative", "start_date", "end_date"]
    list_filter = ["start_date"]
    search_fields = ["cooperative__name", "assistant__user__first_name", "assistant__user__username"]
    autocomplete_fields = ["assistant", "cooperative"]
    list_select_related = ["assistant__user", "cooperative"]


@admin.register(VisitTopic)
class VisitTopicAdmin(SharedListAdminMixin, VersionedHistoryAdmin):
    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name"]


class VisitAttachmentInline(admin.TabularInline):
    model = VisitAttachment
    extra = 0
    fields = ["kind", "file", "caption", "uploaded_by"]
    raw_id_fields = ["uploaded_by"]


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    fk_name = "visit"
    extra = 0
    fields = ["action", "owner", "due_date", "status", "closed_on"]
    raw_id_fields = ["owner"]


@admin.register(CoachingVisit)
class CoachingVisitAdmin(OfficeScopedAdminMixin, VersionedHistoryAdmin):
    scope_regency_path = "cooperative__village__district__regency"
    scope_fk_paths = {"cooperative": "village__district__regency", "assistant": "assistant"}
    list_display = ["visit_date", "cooperative", "kind", "assistant", "created_by"]
    list_filter = ["kind", "visit_date", "topics"]
    search_fields = ["cooperative__name", "findings", "people_met"]
    date_hierarchy = "visit_date"
    autocomplete_fields = ["cooperative", "assistant", "programme"]
    filter_horizontal = ["topics", "officers"]
    # The GPS fix is evidence (proof of presence): written by the visit form, read here.
    readonly_fields = ["submission_id", "location_accuracy", "distance_m", "created_by", "created_at"]
    list_select_related = ["cooperative", "assistant__user", "created_by"]
    inlines = [FollowUpInline, VisitAttachmentInline]


@admin.register(VisitAttachment)
class VisitAttachmentAdmin(OfficeScopedAdminMixin, VersionedHistoryAdmin):
    scope_regency_path = "visit__cooperative__village__district__regency"  # its visit's cooperative
    scope_fk_paths = {"visit": "cooperative__village__district__regency"}
    list_display = ["__str__", "visit", "kind", "uploaded_at"]
    list_filter = ["kind"]
    raw_id_fields = ["visit", "uploaded_by"]
    list_select_related = ["visit__cooperative"]


@admin.register(FollowUp)
class FollowUpAdmin(OfficeScopedAdminMixin, VersionedHistoryAdmin):
    scope_regency_path = "district__regency"  # a follow-up carries its cooperative's kecamatan
    scope_fk_paths = {"visit": "cooperative__village__district__regency"}
    list_display = ["action", "visit", "owner", "due_date", "status", "closed_on"]
    list_filter = ["status", "due_date"]
    search_fields = ["action", "visit__cooperative__name"]
    raw_id_fields = ["visit", "owner", "closed_by", "closed_in_visit"]
    list_select_related = ["visit__cooperative", "owner"]


class OfficeRowAdminMixin(OfficeScopedAdminMixin):
    """Rows that belong to an office (``office_code``: targets, programmes): an Admin lists
    and changes those of the offices inside their scope (``Scope.office_q``), and a row added
    here gets the Admin's office (``assign_office``), as the app's forms give it, before the
    form checks the constraints."""

    def scope_queryset(self, queryset, scope):
        return queryset.filter(scope.office_q())

    def assign_office(self, obj, cleaned_data, scope_code: str) -> None:
        if obj.pk is None:
            obj.office_code = scope_code

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        assign, scope_code = self.assign_office, office_scope(request.user).code

        class OfficeRowForm(form):
            def clean(self):
                cleaned = super().clean()
                assign(self.instance, cleaned, scope_code)
                return cleaned

            def _get_validation_exclusions(self):  # office_code: no form field, in a constraint
                return super()._get_validation_exclusions() - {"office_code"}

        return OfficeRowForm


@admin.register(CoachingTarget)
class CoachingTargetAdmin(OfficeRowAdminMixin, VersionedHistoryAdmin):
    scope_fk_paths = {"district": "regency"}
    list_display = ["year", "office_code", "district", "target_count"]
    list_filter = ["year"]
    list_select_related = ["district"]

    def assign_office(self, obj, cleaned_data, scope_code: str) -> None:
        obj.set_office(district=cleaned_data.get("district"), scope_code=scope_code)


class ProgrammeParticipationInline(OfficeScopedAdminMixin, admin.TabularInline):
    model = ProgrammeParticipation
    scope_regency_path = "cooperative__village__district__regency"
    scope_fk_paths = {"cooperative": "village__district__regency"}
    extra = 1
    autocomplete_fields = ["cooperative"]


@admin.register(Programme)
class ProgrammeAdmin(OfficeRowAdminMixin, VersionedHistoryAdmin):
    list_display = ["name", "office_code", "kind", "aid_kind", "funding", "year", "budget"]
    list_filter = ["kind", "aid_kind", "funding", "year"]
    search_fields = ["name"]
    inlines = [ProgrammeParticipationInline]


@admin.register(ProgrammeParticipation)
class ProgrammeParticipationAdmin(OfficeScopedAdminMixin, VersionedHistoryAdmin):
    scope_regency_path = "cooperative__village__district__regency"
    scope_fk_paths = {"cooperative": "village__district__regency", "programme": "office_code"}

    def scope_fk_queryset(self, name, queryset, scope):
        if name == "programme":  # the programmes of the offices inside the scope
            return queryset.filter(scope.office_q())
        return super().scope_fk_queryset(name, queryset, scope)
    list_display = ["programme", "cooperative", "aid_received"]
    autocomplete_fields = ["programme", "cooperative"]
    list_select_related = ["programme", "cooperative"]


@admin.register(FinancingProposal)
class FinancingProposalAdmin(OfficeScopedAdminMixin, VersionedHistoryAdmin):
    scope_regency_path = "cooperative__village__district__regency"
    scope_fk_paths = {"cooperative": "village__district__regency", "assistant": "assistant"}
    list_display = ["purpose", "cooperative", "assistant", "kind", "amount", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["purpose", "lender", "cooperative__name"]
    autocomplete_fields = ["cooperative", "assistant"]
    list_select_related = ["cooperative", "assistant__user"]
