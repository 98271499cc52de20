"""The page that lists, per role, the permissions in effect and the rows each role sees,
read from the declarations (``koperasi_registry/access.py``), so it can never disagree
with what the pages do."""

from importlib import import_module

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from . import access

# The declaration modules, in the order the page shows them.
MODULES = ("koperasi_registry", "cooperatives", "assistants")


def _pages_by_permission() -> dict[str, list[str]]:
    pages: dict[str, list[str]] = {}
    for name, callback in access.url_patterns():
        for permission in access.view_permissions(callback):
            pages.setdefault(permission, []).append(name)
    return pages


def permission_table() -> list[dict]:
    """One section per app: each declared permission with the roles that hold it (and
    whether an object rule narrows it) and the pages that require it."""
    granted = {role: {d.name for d in access.role_permissions(role)} for role in access.ROLES}
    narrowed = {role: {d.name for d in access.role_permissions(role, obj=access.STRANGER)} for role in access.ROLES}
    pages = _pages_by_permission()
    sections = []
    for label in dict.fromkeys(d.app_label for d in access.DECLARATIONS.values()):
        rows = []
        for declaration in access.DECLARATIONS.values():
            if declaration.app_label != label:
                continue
            rows.append({
                "name": declaration.name,
                "label": declaration.label,
                "roles": [
                    ("yes" if declaration.name in narrowed[role] else "object") if declaration.name in granted[role] else ""
                    for role in access.ROLES
                ],
                "pages": pages.get(declaration.name, []),
            })
        sections.append({"title": apps.get_app_config(label).verbose_name, "rows": rows})
    scopes = []
    for module in MODULES:
        for title, scope, labels in getattr(import_module(f"{module}.permissions"), "SCOPES", []):
            scopes.append({
                "title": title,
                "roles": [labels.get(scope(access.RoleStandIn(role)), _("tidak ada")) for role in access.ROLES],
            })
    return sections, scopes


class PermissionListView(access.PermissionRequiredMixin, TemplateView):
    permission_required = "koperasi_registry.view_permissions"
    template_name = "access/permissions.html"

    def get_context_data(self, **kwargs):
        sections, scopes = permission_table()
        return super().get_context_data(
            title=_("Hak akses tiap peran"), roles=access.ROLES, sections=sections, scopes=scopes, **kwargs
        )
