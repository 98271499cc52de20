"""The Django admin's lists and choice fields limited to the admin user's office scope
(``access.office_scope``): in an installation shared by several offices, an Admin of
Sintang does not see, pick or change Melawi's cooperatives in the admin either. A superuser
sees everything."""

from .access import can, office_scope


def _sees_all(request) -> bool:
    return request is None or request.user.is_superuser


class OfficeScopedAdminMixin:
    """For a ``ModelAdmin``: ``scope_regency_path`` leads from the model to its kabupaten/kota
    (a ``Regency``, e.g. ``"village__district__regency"``); ``scope_fk_paths`` maps a foreign
    key field to the path from *its* model to a ``Regency`` (``{"cooperative":
    "village__district__regency"}``), so that the change form's choices (select,
    autocomplete, raw id) accept only rows of the scope. Override ``scope_queryset`` where a
    path is not enough (assistants: by their assignments)."""

    scope_regency_path: str = ""
    scope_fk_paths: dict[str, str] = {}

    def scope_queryset(self, queryset, scope):
        return queryset.filter(scope.regency_q(self.scope_regency_path))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if _sees_all(request):
            return queryset
        return self.scope_queryset(queryset, office_scope(request.user))

    def scope_fk_queryset(self, name: str, queryset, scope):
        """The choices of the foreign key ``name`` inside ``scope`` (as given, if it has no path)."""
        path = self.scope_fk_paths.get(name)
        if path is None:
            return queryset
        if path == "assistant":  # BusinessAssistant: the office's, by their assignments
            return queryset.in_office(scope=scope)
        return queryset.filter(scope.regency_q(path))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not _sees_all(request) and db_field.name in self.scope_fk_paths:
            queryset = kwargs.get("queryset")
            if queryset is None:
                queryset = db_field.remote_field.model._default_manager.all()
            kwargs["queryset"] = self.scope_fk_queryset(db_field.name, queryset, office_scope(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SharedListAdminMixin:
    """For a list every office shares (``access.SHARED_LIST``: cooperative groups, visit
    topics, the health instruments and their inlines): adding, changing and deleting also
    need the declaration, which only an office covering the installation's own holds;
    the others see the list read-only. A superuser may."""

    def _declared(self, request, action: str) -> bool:
        opts = self.opts
        return _sees_all(request) or can(request.user, f"{opts.app_label}.{action}_{opts.model_name}")

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self._declared(request, "add")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._declared(request, "change")

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._declared(request, "delete")
