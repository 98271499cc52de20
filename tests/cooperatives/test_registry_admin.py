"""Django admin for the registry models: reachable, regions read-only, RAT saves via the service."""

import pytest
from django.urls import reverse

from cooperatives.models import Cooperative, District, Kelompok, RatFiling, Regency, Village
from tests.factories import CooperativeFactory, RatFilingFactory

pytestmark = pytest.mark.django_db

MODELS = [Regency, District, Village, Kelompok, Cooperative, RatFiling]


def admin_url(model, action, *args):
    return reverse(f"admin:cooperatives_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_registry_model_has_a_changelist(client_as, admin, sintang, model):
    RatFilingFactory(cooperative=CooperativeFactory(name="Koperasi Admin"))
    client = client_as(admin)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    obj = model.objects.first()
    assert client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", [Regency, District, Village], ids=lambda m: m.__name__)
def test_regions_are_read_only(client_as, admin, sintang, model):
    client = client_as(admin)
    assert client.get(admin_url(model, "add")).status_code == 403
    obj = model.objects.first()
    response = client.post(admin_url(model, "change", obj.pk), {"name": "Diubah"})
    assert response.status_code == 403
    obj.refresh_from_db()
    assert obj.name != "Diubah"


def test_cooperative_admin_searches_name_and_nik(client_as, admin, sintang):
    CooperativeFactory(name="Koperasi Cari Saya", nik="NIK-CARI-1")
    CooperativeFactory(name="Koperasi Lain")
    client = client_as(admin)
    for term in ("Cari Saya", "NIK-CARI-1"):
        response = client.get(admin_url(Cooperative, "changelist"), {"q": term})
        assert [c.name for c in response.context["cl"].result_list] == ["Koperasi Cari Saya"]
    history = client.get(admin_url(Cooperative, "history", Cooperative.objects.first().pk))
    assert history.status_code == 200


def test_rat_filing_saved_in_admin_updates_the_cooperative(client_as, admin, sintang):
    coop = CooperativeFactory()
    data = {
        "cooperative": coop.pk, "book_year": 2024, "rat_date": "2025-03-01", "reported_on": "2025-03-05",
        "members_male": 10, "members_female": 12, "pengurus_count": 3, "pengawas_count": 3,
        "managers_male": 0, "managers_female": 0, "employees_male": 0, "employees_female": 0,
        "modal_sendiri": "", "modal_luar": "", "total_aset": "", "volume_usaha": "", "shu": "", "notes": "",
        "attachments-TOTAL_FORMS": 0, "attachments-INITIAL_FORMS": 0,
        "attachments-MIN_NUM_FORMS": 0, "attachments-MAX_NUM_FORMS": 1000,
    }
    response = client_as(admin).post(admin_url(RatFiling, "add"), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    coop.refresh_from_db()
    assert coop.last_rat_year == 2024
    filing = RatFiling.objects.get()
    assert filing.history.get().history_user == admin

    response = client_as(admin).post(admin_url(RatFiling, "delete", filing.pk), {"post": "yes"})
    assert response.status_code == 302
    coop.refresh_from_db()
    assert coop.last_rat_year is None


def test_moving_a_filing_to_another_cooperative_in_admin_refreshes_both(client_as, admin, sintang):
    wrong, right = CooperativeFactory(), CooperativeFactory()
    filing = RatFilingFactory(cooperative=wrong, book_year=2024)
    wrong.refresh_from_db()
    assert wrong.last_rat_year == 2024
    data = {
        "cooperative": right.pk, "book_year": 2024, "rat_date": filing.rat_date.isoformat(),
        "reported_on": filing.reported_on.isoformat(),
        "members_male": 10, "members_female": 12, "pengurus_count": 3, "pengawas_count": 3,
        "managers_male": 0, "managers_female": 0, "employees_male": 0, "employees_female": 0,
        "modal_sendiri": "", "modal_luar": "", "total_aset": "", "volume_usaha": "", "shu": "", "notes": "",
        "attachments-TOTAL_FORMS": 0, "attachments-INITIAL_FORMS": 0,
        "attachments-MIN_NUM_FORMS": 0, "attachments-MAX_NUM_FORMS": 1000,
    }
    response = client_as(admin).post(admin_url(RatFiling, "change", filing.pk), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    wrong.refresh_from_db()
    right.refresh_from_db()
    assert (wrong.last_rat_year, right.last_rat_year) == (None, 2024)


def test_bulk_delete_of_filings_refreshes_the_summary(client_as, admin, sintang):
    coop = CooperativeFactory()
    older = RatFilingFactory(cooperative=coop, book_year=2022)
    newer = RatFilingFactory(cooperative=coop, book_year=2024)
    response = client_as(admin).post(
        admin_url(RatFiling, "changelist"),
        {"action": "delete_selected", "_selected_action": [newer.pk], "post": "yes"},
    )
    assert response.status_code == 302
    coop.refresh_from_db()
    assert coop.last_rat_year == older.book_year


def test_kelompok_list_is_editable_in_place(client_as, admin, sintang):
    kelompok = Kelompok.objects.get_or_create(name="KSU")[0]
    client = client_as(admin)
    response = client.get(admin_url(Kelompok, "changelist"))
    html = response.content.decode()
    assert 'name="form-0-description"' in html and kelompok.name in html
