"""Who reaches which page: ONE table, URL name x role x object, generated from the URL
conf. A URL the table does not name fails ``test_every_url_is_in_the_table``; the policy
itself is declared in the apps' ``permissions.py`` (see ``koperasi_registry/access.py``).

Expected: anonymous -> the login page; a role without the page's permission -> 403; a role
with it -> 200 (POST-only pages: the redirect after the POST, 302), or 404 for an object
outside its scope. Objects: ``own`` (the ``pendamping`` fixture's cooperative and what
hangs off it, or the requesting user's own job), ``other`` (another assistant's, or
another user's job) and ``foreign`` (a cooperative of another kabupaten, not the office's).
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from koperasi_registry import access
from tests.assistants.factories import (
    AssignmentFactory,
    BusinessAssistantFactory,
    CoachingTargetFactory,
    CoachingVisitFactory,
    FinancingProposalFactory,
    FollowUpFactory,
)
from tests.assistants.conftest import office  # noqa: F401  (the small office: two assistants)
from tests.factories import CooperativeFactory, RatFilingFactory

pytestmark = pytest.mark.django_db

A, K, S, P = access.ADMIN, access.KABID, access.STAF, access.PENDAMPING
NO_ROLE = "tanpa peran"
EVERYONE = {A, K, S, P}
OFFICE = {A, K, S}
OFFICE_WRITERS = {A, S}
FIELD = {A, S, P}

# Which roles see each object variant, by how the page's objects are scoped.
BY_COOPERATIVE = {"own": EVERYONE, "other": OFFICE, "foreign": set()}  # the registry, visits, ...
OFFICE_WIDE = {"own": EVERYONE}  # targets and programmes: one office, no owner
MY_IMPORTS = {"own": {A, S}, "other": {A}}  # Admin sees every import job, Staf their own
MY_EXPORTS = {"own": EVERYONE | {NO_ROLE}, "other": set()}  # each user their own exports


@dataclass(frozen=True)
class Page:
    roles: frozenset  # who gets the page (everyone else signed in: 403)
    kind: str = ""  # the object in the URL (see ``objects``), "" for none
    scope: dict = field(default_factory=lambda: BY_COOPERATIVE)
    method: str = "get"
    ok: int = 200
    data: dict = field(default_factory=dict)


def page(roles, kind="", scope=BY_COOPERATIVE, **kwargs):
    return Page(frozenset(roles), kind, scope, **kwargs)


TABLE = {
    # Home and dashboard (koperasi_registry/permissions.py)
    "dashboard": page(EVERYONE | {NO_ROLE}),
    "dashboard_trends": page(OFFICE),
    "dashboard_effect": page(OFFICE),
    "dashboard_map": page(OFFICE),
    "dashboard_map_data": page(OFFICE),
    "dashboard_statistics": page(OFFICE),
    "permissions": page({A}),
    # JSON behind the search fields (koperasi_registry/search_views.py): rows in the user's scope
    "search_cooperatives": page(EVERYONE),
    "search_villages": page(EVERYONE),
    "search_districts": page(EVERYONE),
    "search_assistants": page(EVERYONE),
    "search_users": page(EVERYONE),
    "search_programmes": page(OFFICE),  # assistants.view_programme: the office roles
    "export_job": page(EVERYONE | {NO_ROLE}, "export_job", MY_EXPORTS),
    "export_download": page(EVERYONE | {NO_ROLE}, "export_job", MY_EXPORTS),
    "export_job_retry": page(EVERYONE | {NO_ROLE}, "export_job", MY_EXPORTS, method="post", ok=302),
    # Registry (cooperatives/permissions.py)
    "cooperatives:cooperative_list": page(EVERYONE),
    "cooperatives:cooperative_add": page(OFFICE_WRITERS),
    "cooperatives:cooperative_detail": page(EVERYONE, "cooperative"),
    "cooperatives:cooperative_edit": page(OFFICE_WRITERS, "cooperative"),
    "cooperatives:ratfiling_add": page(OFFICE_WRITERS, "cooperative"),
    "cooperatives:ratfiling_edit": page(OFFICE_WRITERS, "filing"),
    "cooperatives:ratattachment": page(EVERYONE, "ratattachment"),
    "cooperatives:rat_overdue": page(OFFICE),
    "cooperatives:rat_compliance": page(OFFICE),
    "cooperatives:village_options": page(EVERYONE),  # public region data
    "cooperatives:village_list": page(OFFICE),
    "cooperatives:cooperative_import": page(OFFICE_WRITERS),
    "cooperatives:ratfiling_import": page(OFFICE_WRITERS),
    "cooperatives:import_template": page(OFFICE_WRITERS, "import_kind", {"own": EVERYONE}),
    "cooperatives:import_job": page(OFFICE_WRITERS, "import_job", MY_IMPORTS),
    "cooperatives:import_job_confirm": page(OFFICE_WRITERS, "import_job", MY_IMPORTS, method="post", ok=302),
    "cooperatives:import_job_retry": page(OFFICE_WRITERS, "import_job", MY_IMPORTS, method="post", ok=302),
    "cooperatives:assessment_list": page(OFFICE),
    "cooperatives:assessment_add": page(OFFICE_WRITERS),
    "cooperatives:assessment_detail": page(OFFICE, "assessment"),
    "cooperatives:assessment_worksheet": page(OFFICE, "assessment"),
    "cooperatives:assessment_aspects": page(OFFICE_WRITERS),
    "cooperatives:assessment_preview": page(OFFICE_WRITERS, method="post"),
    # Coaching work (assistants/permissions.py)
    "assistants:assistant_list": page(OFFICE),
    "assistants:assistant_detail": page(EVERYONE, "assistant"),
    "assistants:my_cooperatives": page({P}),
    "assistants:visit_list": page(EVERYONE),
    "assistants:visit_add": page(FIELD),
    "assistants:visit_open_followups": page(FIELD),
    "assistants:visit_detail": page(EVERYONE, "visit"),
    "assistants:visit_edit": page(FIELD, "visit"),
    "assistants:visit_print": page(EVERYONE, "visit"),  # the berita acara: whoever sees the visit
    "assistants:visit_take_location": page(OFFICE_WRITERS, "visit"),  # cooperatives.change_cooperative
    "assistants:attachment": page(EVERYONE, "attachment"),
    "assistants:followup_list": page(EVERYONE),
    "assistants:followup_close": page(FIELD, "followup", method="post", ok=302, data={"status": "selesai"}),
    "assistants:target_list": page(OFFICE),
    "assistants:target_add": page(OFFICE_WRITERS),
    "assistants:target_progress": page(OFFICE, "target", OFFICE_WIDE),
    "assistants:target_edit": page(OFFICE_WRITERS, "target", OFFICE_WIDE),
    "assistants:programme_list": page(OFFICE),
    "assistants:programme_add": page(OFFICE_WRITERS),
    "assistants:programme_detail": page(OFFICE, "programme", OFFICE_WIDE),
    "assistants:programme_edit": page(OFFICE_WRITERS, "programme", OFFICE_WIDE),
    # POST without a participant: nothing taken out, back to the programme (302).
    "assistants:programme_participant_remove": page(
        OFFICE_WRITERS, "programme", OFFICE_WIDE, method="post", ok=302
    ),
    "assistants:proposal_list": page(EVERYONE),
    "assistants:proposal_add": page(FIELD),
    "assistants:proposal_detail": page(EVERYONE, "proposal"),
    "assistants:proposal_edit": page(FIELD, "proposal"),
    "assistants:monthly_report": page(EVERYONE),
    "assistants:coverage_list": page(OFFICE),
    "assistants:outbox": page(FIELD),
    "assistants:offline_data": page(FIELD),
}

# Outside the policy: Django's own sign-in pages and the language switch (open, or only
# asking to be signed in), and the admin (its own tests; it asks the same declarations
# through user.has_perm).
OUTSIDE = {
    "login", "logout", "password_change", "password_change_done", "password_reset",
    "password_reset_done", "password_reset_confirm", "password_reset_complete", "set_language",
    # The installable app's manifest, service worker and offline page: public, no user data
    # (tests/assistants/test_offline_data.py).
    "pwa_manifest", "pwa_service_worker", "pwa_offline",
}


def url_names() -> set[str]:
    return {name for name, _ in access.url_patterns() if not name.startswith("admin:")}


def test_every_url_is_in_the_table():
    """A new page must get a line here (and a permission in the declarations)."""
    assert url_names() - OUTSIDE - set(TABLE) == set()
    assert set(TABLE) - url_names() == set()  # no line for a page that is gone


@pytest.mark.parametrize("name", sorted(TABLE))
def test_every_page_requires_a_declared_permission(name):
    permissions = access.page_permissions(name)
    assert permissions, f"{name}: its view has no permission_required"
    assert set(permissions) <= set(access.DECLARATIONS)


@pytest.fixture
def world(sintang, office, staf, tmp_path, settings):
    """The assistants tests' ``office`` plus RAT filings, attachments, an assessment, a
    target and, in another kabupaten, a cooperative with a visit, follow-up and proposal."""
    from cooperatives.models import District, Regency, Village
    from tests.cooperatives.health_helpers import assess, ksp

    settings.MEDIA_ROOT = tmp_path
    regency = Regency.objects.create(code="13.11", name="Solok Selatan", province_code="13", province_name="Sumbar")
    district = District.objects.create(code="13.11.01", name="Sangir", regency=regency)
    village = Village.objects.create(code="13.11.01.2001", name="Lubuk Gadang", kind="desa", district=district)
    foreign = CooperativeFactory(name="Koperasi Kabupaten Lain", village=village)
    stranger = BusinessAssistantFactory(user=staf.__class__.objects.create(username="pendamping-jauh"))
    AssignmentFactory(assistant=stranger, cooperative=foreign, start_date=datetime.date(2025, 1, 1))
    foreign_visit = CoachingVisitFactory(cooperative=foreign, assistant=stranger, created_by=stranger.user)
    coops = {"own": office.mine, "other": office.other, "foreign": foreign}
    filings = {key: RatFilingFactory(cooperative=coop, book_year=2023) for key, coop in coops.items()}
    visits = {"own": office.my_visit, "other": office.other_visit, "foreign": foreign_visit}

    def assessment(coop):
        made = assess(ksp(name=f"KSP {coop.name}", village=coop.village), assessor=staf)
        made.worksheet.save("kertas-kerja.pdf", ContentFile(b"%PDF-1.4"), save=True)
        return made

    return {
        "cooperative": coops,
        "filing": filings,
        "ratattachment": {
            key: filing.attachments.create(kind="berita_acara", file=ContentFile(b"%PDF", name="ba.pdf"))
            for key, filing in filings.items()
        },
        "assessment": {"own": assessment(office.mine), "other": assessment(office.other), "foreign": assessment(foreign)},
        "assistant": {"own": office.me, "other": office.someone, "foreign": stranger},
        "visit": visits,
        "attachment": {
            key: visit.attachments.create(kind="dokumen", file=ContentFile(b"%PDF", name="daftar.pdf"))
            for key, visit in visits.items()
        },
        "followup": {
            "own": office.my_followup, "other": office.other_followup,
            "foreign": FollowUpFactory(visit=foreign_visit, owner=stranger.user),
        },
        "proposal": {
            "own": office.my_proposal, "other": office.other_proposal,
            "foreign": FinancingProposalFactory(cooperative=foreign, assistant=stranger),
        },
        "target": {"own": CoachingTargetFactory()},
        "programme": {"own": office.programme},
    }


def job_for(kind: str, user, make_user):
    """An import or export job of ``user`` (another Staf's when ``user`` is None)."""
    from koperasi_registry.models import ExportJob, ImportJob

    owner = user or make_user(S, username="staf-lain")
    if kind == "import_job":
        return ImportJob.objects.create(
            kind="koperasi", user=owner, original_name="a.csv", status="done",
            file=ContentFile(b"Nama\n", name="a.csv"),
        )
    return ExportJob.objects.create(
        user=owner, view_name="cooperatives:cooperative_list", format="csv", status="done",
        file=ContentFile(b"Nama\n", name="koperasi.csv"), filename="koperasi.csv",
    )


def url_for(name, spec: Page, world, user, variant, make_user):
    if not spec.kind:
        return reverse(name)
    if spec.kind == "import_kind":
        return reverse(name, args=["koperasi"])
    if spec.kind in ("import_job", "export_job"):
        return reverse(name, args=[job_for(spec.kind, user if variant == "own" else None, make_user).pk])
    return reverse(name, args=[world[spec.kind][variant].pk])


def reopen_followups():
    from assistants.models import FollowUp

    FollowUp.objects.update(status="terbuka", closed_on=None)


def expected(spec: Page, role, variant) -> int:
    if role not in spec.roles:
        return 403
    if spec.kind and role not in spec.scope[variant]:
        return 404
    return spec.ok


@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_role_gets_what_it_may(client, role_users, make_user, world, name):
    """Every (role, object) pair of one page; all mismatches are reported together."""
    spec = TABLE[name]
    users = {**role_users, NO_ROLE: make_user(None, username="tanpa-peran")}
    variants = list(spec.scope) if spec.kind else [""]
    found, wanted = {}, {}
    for variant in variants:
        client.logout()
        url = url_for(name, spec, world, users[S], variant, make_user)
        response = getattr(client, spec.method)(url, spec.data)
        found[("anonymous", variant)] = (response.status_code, response.get("Location", "").split("?")[0])
        wanted[("anonymous", variant)] = (302, reverse("login"))
        for role, user in users.items():
            reopen_followups()  # followup_close closes one: each role gets it open
            client.force_login(user)
            url = url_for(name, spec, world, user, variant, make_user)
            found[(role, variant)] = getattr(client, spec.method)(url, spec.data).status_code
            wanted[(role, variant)] = expected(spec, role, variant)
    assert found == wanted


@pytest.mark.parametrize("name", sorted(TABLE))
def test_the_access_page_lists_the_same_roles_as_the_table(name):
    """``/akses/`` reads the declarations: per page, the roles holding its permissions are
    the roles this table expects."""
    held = {role for role in access.ROLES if access.may_open(access.RoleStandIn(role), name)}
    assert held == TABLE[name].roles - {NO_ROLE}
