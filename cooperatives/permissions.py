"""Who may do what in the registry (cooperatives, RAT filings, health assessments,
regions), and which cooperatives each role sees. The policy and its vocabulary:
``koperasi_registry/access.py``."""

from django.utils.translation import gettext_lazy as _

from koperasi_registry.access import (
    declare,
    SHARED_LIST,
    declare_models,
    is_admin,
    is_office,
    is_office_writer,
    is_pendamping,
)

# --- Model permissions (also the groups' stored permissions, for the admin) ---------------
# Every model, present or future: the office reads, Admin and Staf write, Admin deletes.
# A Pendamping reads the registry of their cooperatives and the regions.
declare_models(
    "cooperatives",
    default={"view": is_office, "add": is_office_writer, "change": is_office_writer, "delete": is_admin},
    district={"view": is_office | is_pendamping},
    village={"view": is_office | is_pendamping},
    cooperative={"view": is_office | is_pendamping},
    ratfiling={"view": is_office | is_pendamping},
    kelompok=SHARED_LIST,
    healthinstrument=SHARED_LIST,
    healthaspect=SHARED_LIST,
    healthcategorythreshold=SHARED_LIST,
)

# --- Pages that are not one model's ------------------------------------------------------
declare("cooperatives.view_compliance", is_office, _("Lihat RAT terlambat dan kepatuhan RAT kantor"))
declare("cooperatives.view_village_coverage", is_office, _("Lihat desa/kelurahan dan cakupan koperasinya"))

# --- Row scope: which cooperatives a user sees --------------------------------------------
# Everything hanging off a cooperative (RAT filings and attachments, health assessments,
# visits, follow-ups, proposals) follows it. ``CooperativeQuerySet.visible_to`` builds the SQL.
OFFICE = "office"  # the cooperatives of the office's kabupaten (OFFICE_REGENCY_CODE)
ASSIGNED = "assigned"  # those assigned to the user today (reverse relation ``assignments``)


def cooperative_scope(user) -> str | None:
    """``OFFICE`` for Admin, Kabid and Staf; ``ASSIGNED`` for a Pendamping; ``None``
    (nothing) for anyone else."""
    if is_office.test(user):
        return OFFICE
    if is_pendamping.test(user):
        return ASSIGNED
    return None


def sees_whole_office(user) -> bool:
    """True for the roles whose scope is the whole office (not only assigned cooperatives)."""
    return cooperative_scope(user) == OFFICE


# What the /akses/ page says of each scope (koperasi_registry/access_views.py).
SCOPES = [
    (_("Koperasi dan data yang melekat padanya"), cooperative_scope, {
        OFFICE: _("semua koperasi kabupaten kantor"),
        ASSIGNED: _("hanya koperasi yang sedang didampinginya"),
    }),
]
