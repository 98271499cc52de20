"""Lists every office of an installation shares (cooperative groups, visit topics, the
health instruments with their aspects and thresholds) are changed only by an office that
covers the installation's own (``access.SHARED_LIST``): in an installation shared by
several offices, Sintang's Admin reads them but cannot rename a kelompok or reweigh an
aspect for Melawi; in a single-office installation its Admin changes them as before."""

import pytest

from assistants.models import VisitTopic
from cooperatives.models import Kelompok
from koperasi_registry import access
from tests.cooperatives.health_helpers import KSP, instrument
from tests.factories import KelompokFactory
from tests.koperasi_registry.test_office_scope import country, scoped  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

PERMISSIONS = [
    "cooperatives.add_kelompok", "cooperatives.change_kelompok", "cooperatives.delete_kelompok",
    "assistants.add_visittopic", "assistants.change_visittopic", "assistants.delete_visittopic",
    "cooperatives.change_healthinstrument", "cooperatives.change_healthaspect", "cooperatives.add_healthcategorythreshold",
]


@pytest.fixture
def shared_installation(settings):
    """An installation shared by several offices: its own office is national."""
    settings.OFFICE_REGENCY_CODE = ""


@pytest.fixture
def admins(make_user, country):  # noqa: F811
    return {
        code: scoped(make_user(access.ADMIN, username=f"admin-{code or 'nasional'}", is_staff=True), code)
        for code in ("61.05", "61", "")
    }


@pytest.mark.parametrize("permission", PERMISSIONS)
def test_in_a_shared_installation_only_the_national_office_changes_shared_lists(
    shared_installation, admins, permission
):
    assert {code: access.can(user, permission) for code, user in admins.items()} == {
        "61.05": False, "61": False, "": True
    }


def test_in_a_single_office_installation_its_admin_and_staf_change_them(make_user, settings):
    settings.OFFICE_REGENCY_CODE = "61.05"
    admin, staf, kabid = (make_user(role) for role in (access.ADMIN, access.STAF, access.KABID))
    assert access.can(admin, "cooperatives.delete_kelompok") and access.can(staf, "assistants.change_visittopic")
    assert not access.can(staf, "cooperatives.delete_kelompok")  # deleting stays the Admin's
    assert not access.can(kabid, "cooperatives.change_healthinstrument")  # the Kabid reads


def test_a_kabupaten_admin_sees_the_shared_lists_read_only_in_the_admin(client_as, shared_installation, admins):
    kelompok = KelompokFactory(name="KUD")
    topic = VisitTopic.objects.create(name="Pembukuan", position=1)
    client = client_as(admins["61.05"])
    page = client.get(f"/admin/cooperatives/kelompok/{kelompok.pk}/change/")
    assert page.status_code == 200  # read: the name and description shown, no form to save
    assert not page.context["has_change_permission"] and 'name="_save"' not in page.content.decode()
    refused = client.post(f"/admin/cooperatives/kelompok/{kelompok.pk}/change/", {"name": "KUD Sintang", "description": ""})
    assert refused.status_code == 403
    assert client.get("/admin/cooperatives/kelompok/add/").status_code == 403
    assert client.post(f"/admin/assistants/visittopic/{topic.pk}/delete/", {"post": "yes"}).status_code == 403
    ksp = instrument(KSP)
    page = client.get(f"/admin/cooperatives/healthinstrument/{ksp.pk}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert all(not formset.has_change_permission for formset in page.context["inline_admin_formsets"])
    kelompok.refresh_from_db()
    assert kelompok.name == "KUD" and VisitTopic.objects.filter(pk=topic.pk).exists()


def test_the_national_admin_changes_a_shared_list_in_the_admin(client_as, shared_installation, admins):
    kelompok = KelompokFactory(name="KUD")
    client = client_as(admins[""])
    page = client.get(f"/admin/cooperatives/kelompok/{kelompok.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    response = client.post(f"/admin/cooperatives/kelompok/{kelompok.pk}/change/", {**data, "name": "Koperasi Unit Desa"})
    assert response.status_code == 302
    assert Kelompok.objects.get(pk=kelompok.pk).name == "Koperasi Unit Desa"
