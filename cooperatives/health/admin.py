"""Django admin for health instruments (Admin edits weights and thresholds) and a read-only
view of stored assessments. Registered by importing this module from ``cooperatives/admin.py``.

Editing an instrument never changes a stored assessment: each keeps its own snapshot.
"Simpan sebagai baru" copies an instrument with its aspects and thresholds, which is the
quickest way to start a new version.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from koperasi_registry.admin_scope import OfficeScopedAdminMixin, SharedListAdminMixin
from koperasi_registry.concurrency_admin import VersionedHistoryAdmin

from .rules import to_decimal, validate_thresholds, validate_weights
from .models import HealthAspect, HealthAspectScore, HealthAssessment, HealthCategoryThreshold, HealthInstrument, ThresholdLevel


def _kept_rows(formset):
    return [
        form.cleaned_data
        for form in formset.forms
        if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
    ]


class AspectFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [row for row in _kept_rows(self) if row.get("weight") is not None]
        names = [row.get("name") for row in rows]
        if len(set(names)) != len(names):
            raise ValidationError("Nama aspek tidak boleh sama.")
        validate_weights([row["weight"] for row in rows])


class ThresholdFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [row for row in _kept_rows(self) if row.get("lower_bound") is not None]
        totals = [(row["lower_bound"], row["label"]) for row in rows if row.get("level") == ThresholdLevel.TOTAL]
        aspects = [(row["lower_bound"], row["label"]) for row in rows if row.get("level") == ThresholdLevel.ASPECT]
        max_total = to_decimal(self.instance.max_total or 100)
        max_score = to_decimal(self.instance.max_score or 100)
        validate_thresholds(totals, max_total=max_total)
        if aspects:
            validate_thresholds(aspects, max_total=max_score)


class HealthAspectInline(SharedListAdminMixin, admin.TabularInline):
    model = HealthAspect
    formset = AspectFormSet
    fields = ("order", "name", "weight", "components")
    extra = 0
    min_num = 1

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {"components": forms.Textarea(attrs={"rows": 2, "cols": 40})})
        return super().get_formset(request, obj, **kwargs)


class HealthCategoryThresholdInline(SharedListAdminMixin, admin.TabularInline):
    model = HealthCategoryThreshold
    formset = ThresholdFormSet
    fields = ("level", "order", "lower_bound", "label")
    extra = 0
    min_num = 1


@admin.register(HealthInstrument)
class HealthInstrumentAdmin(SharedListAdminMixin, VersionedHistoryAdmin):
    list_display = ("name", "version", "code", "kind", "applies_to", "active", "valid_from")
    list_filter = ("active", "kind", "applies_to")
    search_fields = ("name", "code", "regulation")
    inlines = [HealthAspectInline, HealthCategoryThresholdInline]
    save_as = True
    fieldsets = (
        (None, {"fields": ("name", "code", "version", "regulation", "description")}),
        (None, {"fields": ("kind", "applies_to", "max_score", "max_total", "active", "valid_from")}),
    )


class HealthAspectScoreInline(admin.TabularInline):
    model = HealthAspectScore
    fields = ("order", "name", "weight", "score", "contribution", "category", "components")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(HealthAssessment)
class HealthAssessmentAdmin(OfficeScopedAdminMixin, VersionedHistoryAdmin):
    """Results are computed by the service; here they can be read (or the record deleted), not edited."""

    scope_regency_path = "cooperative__village__district__regency"

    list_display = ("cooperative", "year", "instrument", "total", "category", "assessed_on")
    list_filter = ("year", "category", "instrument")
    list_select_related = ("cooperative", "instrument")
    search_fields = ("cooperative__name", "cooperative__nik")
    inlines = [HealthAspectScoreInline]
    readonly_fields = (
        "cooperative", "year", "instrument", "assessed_on", "assessor", "total", "max_total", "category",
        "category_rank", "snapshot", "created_at",
    )
    fields = readonly_fields + ("notes", "worksheet")

    def has_add_permission(self, request):
        return False
