"""Who may do what on the project's own pages (home, dashboard, import, export, the
access page, the admin's user and lock-out models), and which background jobs each
role sees. The policy and its vocabulary: ``koperasi_registry/access.py``."""

import rules
from django.utils.translation import gettext_lazy as _

from .access import declare, declare_models, is_admin, is_office, is_office_writer, is_signed_in

# --- Pages -------------------------------------------------------------------------------
declare("koperasi_registry.view_home", is_signed_in, _("Buka beranda (semua pengguna yang masuk)"))
declare(
    "koperasi_registry.view_dashboard", is_office,
    _("Lihat dasbor kantor: ringkasan, tren, dampak pendampingan, peta, statistik"),
)
declare("koperasi_registry.import_data", is_office_writer, _("Impor data koperasi dan laporan RAT dari lembar kerja"))
declare("koperasi_registry.view_exportjob", is_signed_in, _("Unduh ekspor besar yang dimintanya sendiri"))
declare("koperasi_registry.view_permissions", is_admin, _("Lihat hak akses tiap peran"))
declare("koperasi_registry.use_admin", is_admin & rules.is_staff, _("Buka Administrasi (perlu tanda staf)"))

# --- Model permissions of the admin: users and the login lock-outs ------------------------
ADMIN_ALL = {"view": is_admin, "add": is_admin, "change": is_admin, "delete": is_admin}
declare_models("auth", default={}, user=ADMIN_ALL, group={"view": is_admin})
declare_models("axes", default=ADMIN_ALL)

# --- Row scope: background jobs -----------------------------------------------------------
ALL = "all"
OWN = "own"


def import_job_scope(user) -> str | None:
    """Import jobs: Admin sees every one, Staf only their own, nobody else any."""
    if is_admin.test(user):
        return ALL
    if is_office_writer.test(user):
        return OWN
    return None


def export_job_scope(user) -> str | None:
    """Export jobs: everyone signed in sees only their own (the rows in them were scoped to them)."""
    return OWN if is_signed_in.test(user) else None


# What the /akses/ page says of each scope (koperasi_registry/access_views.py).
SCOPES = [
    (_("Impor data"), import_job_scope, {ALL: _("semua impor"), OWN: _("hanya impor miliknya")}),
    (_("Ekspor besar"), export_job_scope, {OWN: _("hanya ekspor miliknya")}),
]
