from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access

# (label, URL name, roles that see it). Pages are added here as they are built.
NAVIGATION = [
    (_("Beranda"), "dashboard", access.ROLES),
    (_("Koperasi"), "cooperatives:cooperative_list", access.ROLES),
    (_("RAT terlambat"), "cooperatives:rat_overdue", (access.ADMIN, access.KABID, access.STAF)),
    (_("Impor"), "cooperatives:cooperative_import", (access.ADMIN, access.STAF)),
    (_("Kesehatan"), "cooperatives:assessment_list", (access.ADMIN, access.KABID, access.STAF)),
    (_("Catat kunjungan"), "assistants:visit_add", (access.ADMIN, access.STAF, access.PENDAMPING)),
    (_("Koperasi saya"), "assistants:my_cooperatives", (access.PENDAMPING,)),
    (_("Pendampingan"), "assistants:assistant_list", (access.ADMIN, access.KABID, access.STAF)),
]


def shell(request):
    """Values the base layout needs: the office, the user's roles, the menu."""
    user = getattr(request, "user", None)
    roles = access.user_roles(user) if user is not None else set()
    menu = [
        {"label": label, "url": reverse(name), "active": request.path == reverse(name)}
        for label, name, allowed in NAVIGATION
        if roles & set(allowed)
    ]
    return {
        "office_name": settings.OFFICE_NAME,
        "office_regency_code": settings.OFFICE_REGENCY_CODE,
        "user_roles": sorted(roles),
        "is_admin_role": access.ADMIN in roles,
        "menu": menu,
    }
