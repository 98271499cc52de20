"""Who may do what in coaching work (assistants, visits, follow-ups, targets, programmes,
financing proposals, reports), and which rows each role sees. The policy and its
vocabulary: ``koperasi_registry/access.py``. Visits, follow-ups and proposals are seen
with their cooperative (``cooperatives.permissions.cooperative_scope``)."""

import rules
from django.utils.translation import gettext_lazy as _

from koperasi_registry.access import (
    SHARED_LIST,
    declare,
    declare_models,
    is_admin,
    is_field_writer,
    is_office,
    is_office_writer,
    is_pendamping,
)


@rules.predicate
def logged_the_visit(user, visit) -> bool:
    """The visit was logged by ``user`` (true without a visit: the model-wide question)."""
    return visit is None or visit.created_by_id == user.pk


FIELD = {"view": is_office | is_pendamping, "add": is_field_writer, "change": is_field_writer}

# --- Model permissions (also the groups' stored permissions, for the admin) ---------------
# Every model, present or future: the office reads, Admin and Staf write, Admin deletes.
# A Pendamping reads their own record and the topics, and logs visits (changing only
# those they logged), attachments, follow-ups and proposals.
declare_models(
    "assistants",
    default={"view": is_office, "add": is_office_writer, "change": is_office_writer, "delete": is_admin},
    businessassistant={"view": is_office | is_pendamping},
    visittopic={"view": is_office | is_pendamping, **SHARED_LIST},
    coachingvisit={**FIELD, "change": is_office_writer | (is_pendamping & logged_the_visit)},
    visitattachment=FIELD,
    followup=FIELD,
    financingproposal=FIELD,
)

# --- Pages that are not one model's ------------------------------------------------------
declare("assistants.view_assistant_list", is_office, _("Lihat daftar semua pendamping kantor"))
declare("assistants.view_own_cooperatives", is_pendamping, _("Lihat koperasi saya (yang didampingi)"))
declare("assistants.view_coverage", is_office, _("Lihat cakupan pendampingan"))
declare("assistants.view_monthly_report", is_office | is_pendamping, _("Lihat laporan bulanan pendamping"))

# --- Row scope ---------------------------------------------------------------------------
OFFICE = "office"  # the office's assistants / programmes
OWN = "own"  # the user's own assistant record / the visits they logged
VISIBLE = "visible"  # every visit the user sees


def assistant_scope(user) -> str | None:
    """Assistants: the office's for Admin, Kabid and Staf; a Pendamping only their own."""
    if is_office.test(user):
        return OFFICE
    if is_pendamping.test(user):
        return OWN
    return None


def visit_edit_scope(user) -> str | None:
    """Visits ``user`` may change (``assistants.change_coachingvisit``): Admin and Staf
    every visit they see, a Pendamping the visits they logged, nobody else any."""
    if is_office_writer.test(user):
        return VISIBLE
    if is_pendamping.test(user):
        return OWN
    return None


def programme_scope(user) -> str | None:
    """Programmes belong to an office: the office roles see those of the offices inside
    their office scope (and, read-only, of the offices containing it), nobody else any
    (``ProgrammeQuerySet``)."""
    return OFFICE if is_office.test(user) else None


def target_scope(user) -> str | None:
    """Coaching targets belong to an office: the office roles see those of the offices
    inside their office scope, nobody else any (``CoachingTargetQuerySet``)."""
    return OFFICE if is_office.test(user) else None


# What the /akses/ page says of each scope (koperasi_registry/access_views.py).
SCOPES = [
    (_("Pendamping"), assistant_scope, {OFFICE: _("semua pendamping kantor"), OWN: _("hanya data dirinya")}),
    (_("Mengubah kunjungan"), visit_edit_scope, {
        VISIBLE: _("semua kunjungan yang dapat dilihatnya"), OWN: _("hanya kunjungan yang dicatatnya"),
    }),
    (_("Program pelatihan dan bantuan"), programme_scope, {
        OFFICE: _("program kantornya dan kantor di bawahnya; program kantor di atasnya hanya dilihat"),
    }),
    (_("Target pembinaan"), target_scope, {OFFICE: _("target kantornya dan kantor di bawahnya")}),
]
