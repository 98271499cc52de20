from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access

# The menu: (label, URL name) or (label, [children]) for a drop-down group. An entry shows
# when the user holds the permission its page's view requires (``permission_required``,
# declared in the apps' permissions modules); a group shows when one child does.
NAVIGATION = [
    (_("Beranda"), "dashboard"),
    (_("Koperasi"), [
        (_("Daftar koperasi"), "cooperatives:cooperative_list"),
        (_("RAT terlambat"), "cooperatives:rat_overdue"),
        (_("Kepatuhan RAT"), "cooperatives:rat_compliance"),
        (_("Penilaian kesehatan"), "cooperatives:assessment_list"),
        (_("Desa/kelurahan"), "cooperatives:village_list"),
        (_("Impor data"), "cooperatives:cooperative_import"),
    ]),
    (_("Pendampingan"), [
        (_("Catat kunjungan"), "assistants:visit_add"),
        (_("Koperasi saya"), "assistants:my_cooperatives"),
        (_("Kunjungan"), "assistants:visit_list"),
        (_("Tindak lanjut"), "assistants:followup_list"),
        (_("Pendamping"), "assistants:assistant_list"),
        (_("Target pembinaan"), "assistants:target_list"),
        (_("Cakupan pendampingan"), "assistants:coverage_list"),
        (_("Program pelatihan dan bantuan"), "assistants:programme_list"),
        (_("Proposal pembiayaan"), "assistants:proposal_list"),
        (_("Laporan bulanan"), "assistants:monthly_report"),
    ]),
]


def _item(label, name, path):
    url = reverse(name)
    active = path == url if url == "/" else path.startswith(url)
    return {"label": label, "url": url, "active": active}


def build_menu(user, path: str) -> list[dict]:
    if not access.has_any_role.test(user):
        return []  # signed in without a role: the home page only, no menu
    menu = []
    for label, target in NAVIGATION:
        if isinstance(target, list):
            children = [_item(*child, path) for child in target if access.may_open(user, child[1])]
            if children:
                active = any(child["active"] for child in children)
                menu.append({"label": label, "children": children, "active": active})
        elif access.may_open(user, target):
            menu.append(_item(label, target, path))
    return menu


def shell(request):
    """Values the base layout needs: the office, the user's roles, the menu."""
    user = getattr(request, "user", None)
    roles = access.user_roles(user)
    scope = access.office_scope(user)  # read with the roles: no query of its own
    return {
        "office_name": scope.label,
        "office_regency_code": scope.code,
        "user_roles": sorted(roles),
        "menu": build_menu(user, request.path),
    }
