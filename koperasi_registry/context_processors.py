from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access

ALL = access.ROLES
OFFICE = (access.ADMIN, access.KABID, access.STAF)
FIELD = (access.ADMIN, access.STAF, access.PENDAMPING)  # who logs visits

# The menu: (label, URL name, roles) or (label, [children]) for a drop-down group. A group
# shows when at least one child is allowed; pages are added here as they are built.
NAVIGATION = [
    (_("Beranda"), "dashboard", ALL),
    (_("Koperasi"), [
        (_("Daftar koperasi"), "cooperatives:cooperative_list", ALL),
        (_("RAT terlambat"), "cooperatives:rat_overdue", OFFICE),
        (_("Kepatuhan RAT"), "cooperatives:rat_compliance", OFFICE),
        (_("Penilaian kesehatan"), "cooperatives:assessment_list", OFFICE),
        (_("Desa/kelurahan"), "cooperatives:village_list", OFFICE),
        (_("Impor data"), "cooperatives:cooperative_import", (access.ADMIN, access.STAF)),
    ]),
    (_("Pendampingan"), [
        (_("Catat kunjungan"), "assistants:visit_add", FIELD),
        (_("Koperasi saya"), "assistants:my_cooperatives", (access.PENDAMPING,)),
        (_("Kunjungan"), "assistants:visit_list", ALL),
        (_("Tindak lanjut"), "assistants:followup_list", ALL),
        (_("Pendamping"), "assistants:assistant_list", OFFICE),
        (_("Target pembinaan"), "assistants:target_list", OFFICE),
        (_("Cakupan pendampingan"), "assistants:coverage_list", OFFICE),
        (_("Program pelatihan dan bantuan"), "assistants:programme_list", OFFICE),
        (_("Proposal pembiayaan"), "assistants:proposal_list", ALL),
        (_("Laporan bulanan"), "assistants:monthly_report", ALL),
    ]),
]


def _item(label, name, path):
    url = reverse(name)
    active = path == url if url == "/" else path.startswith(url)
    return {"label": label, "url": url, "active": active}


def build_menu(roles: set[str], path: str) -> list[dict]:
    menu = []
    for label, target, *allowed in NAVIGATION:
        if isinstance(target, list):
            children = [_item(*child[:2], path) for child in target if roles & set(child[2])]
            if children:
                active = any(child["active"] for child in children)
                menu.append({"label": label, "children": children, "active": active})
        elif roles & set(allowed[0]):
            menu.append(_item(label, target, path))
    return menu


def shell(request):
    """Values the base layout needs: the office, the user's roles, the menu."""
    user = getattr(request, "user", None)
    roles = access.user_roles(user) if user is not None else set()
    return {
        "office_name": settings.OFFICE_NAME,
        "office_regency_code": settings.OFFICE_REGENCY_CODE,
        "user_roles": sorted(roles),
        "is_admin_role": access.ADMIN in roles,
        "menu": build_menu(roles, request.path),
    }
