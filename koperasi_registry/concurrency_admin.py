"""The admin side of optimistic concurrency (``koperasi_registry.concurrency``): every
domain ModelAdmin's change form refuses a save based on an older version."""

from __future__ import annotations

from django.db import router, transaction
from simple_history.admin import SimpleHistoryAdmin

from .concurrency import VERSION_FIELD, VersionedModelForm


class VersionedAdminForm(VersionedModelForm):
    check_version_in_clean = True


class VersionedAdminMixin:
    """Admin change forms with the same check (the admin's change view is one transaction;
    the check runs in the form's ``clean()``). The hidden ``edit_version`` is added to the
    fieldsets where they are declared by hand."""

    form = VersionedAdminForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = kwargs.get("form", self.form)
        if not issubclass(form, VersionedAdminForm):
            kwargs["form"] = type(form.__name__, (VersionedAdminForm, form), {})
        return super().get_form(request, obj, change, **kwargs)

    def history_form_view(self, request, *args, **kwargs):
        # simple-history's "revert to this version" page saves without a transaction of its own.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, *args, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        names = {
            name
            for _title, options in fieldsets
            for line in options.get("fields", ())
            for name in (line if isinstance(line, (list, tuple)) else [line])
        }
        if obj is None or VERSION_FIELD in names or not fieldsets:
            return fieldsets
        title, options = fieldsets[-1]
        return [*fieldsets[:-1], (title, {**options, "fields": [*options.get("fields", ()), VERSION_FIELD]})]


class VersionedHistoryAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    """``SimpleHistoryAdmin`` whose change form refuses an edit based on an older version."""
