"""Coaching targets and programmes belong to an office (issue 16 item 1, ``office_code``):
Sintang (61.05) and Melawi (61.10) each have their own 2026 target and programmes; the
province (61) sees both and has its own; Solok Selatan (13.11) is another province. Regions
and cooperatives: ``tests.koperasi_registry.test_office_scope.country``."""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from assistants.forms import VisitForm
from assistants.models import CoachingTarget, CoachingVisit, Programme, VisitAttachment
from cooperatives.models import District
from koperasi_registry import access
from koperasi_registry.scopes import Scope
from tests.assistants.factories import CoachingVisitFactory, ProgrammeFactory
from tests.koperasi_registry.test_office_scope import country, scoped  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff(make_user, country):  # noqa: F811
    """Staf of Sintang, Melawi, the province of Kalimantan Barat and Solok Selatan."""
    return {
        code: scoped(make_user(access.STAF, username=f"staf-{code}"), code)
        for code in ("61.05", "61.10", "61", "13.11")
    }


def add_target(user, **data):
    return signed_in(user).post(reverse("assistants:target_add"), {"year": 2026, "target_count": 10, **data})


def add_programme(user, name, participants=()):
    response = signed_in(user).post(
        reverse("assistants:programme_add"),
        {"name": name, "kind": "pelatihan", "funding": "apbd", "year": 2026, "participants": [c.pk for c in participants]},
    )
    assert response.status_code == 302, response.context["form"].errors
    return Programme.objects.get(name=name)


@pytest.fixture
def targets(staff):
    """Each kabupaten's and the province's office-wide 2026 target, made through the form."""
    for code, count in (("61.05", 150), ("61.10", 80), ("61", 400), ("13.11", 60)):
        assert add_target(staff[code], target_count=count).status_code == 302
    return {target.office_code: target for target in CoachingTarget.objects.all()}


# --- Targets ------------------------------------------------------------------------------


def test_two_offices_each_have_their_own_2026_target(staff, targets):
    assert {code: t.target_count for code, t in targets.items()} == {"61.05": 150, "61.10": 80, "61": 400, "13.11": 60}
    assert all(t.district_id is None and t.year == 2026 for t in targets.values())
    again = add_target(staff["61.10"], target_count=5)  # Melawi's second 2026 office-wide target
    assert again.status_code == 200
    assert "Target seluruh wilayah kantor untuk tahun ini sudah ada." in str(again.context["form"].errors)
    assert CoachingTarget.objects.count() == 4


def test_a_kecamatan_target_belongs_to_its_kabupaten(staff, targets):
    melawi = District.objects.get(code="61.10.01")
    assert add_target(staff["61"], district=melawi.pk, target_count=7).status_code == 302  # made by the province
    target = CoachingTarget.objects.get(district=melawi)
    assert target.office_code == "61.10"
    # One per year and kecamatan, whoever makes it.
    assert add_target(staff["61.10"], district=melawi.pk, target_count=8).status_code == 200
    # Sintang cannot choose Melawi's kecamatan at all.
    refused = add_target(staff["61.05"], district=melawi.pk, year=2027)
    assert refused.status_code == 200 and "district" in refused.context["form"].errors


def test_each_office_lists_its_own_targets_and_a_province_its_kabupatens(staff, targets):
    def listed(user):
        return {t.office_code for t in signed_in(user).get(reverse("assistants:target_list")).context["table"].data}

    assert listed(staff["61.05"]) == {"61.05"}
    assert listed(staff["61.10"]) == {"61.10"}
    assert listed(staff["61"]) == {"61", "61.05", "61.10"}  # not Solok Selatan's
    assert listed(staff["13.11"]) == {"13.11"}


def test_each_offices_dashboard_shows_its_own_target(staff, targets):
    def dashboard_target(user, **params):
        target = signed_in(user).get(reverse("dashboard"), params).context["target"]
        return target and target.target_count

    assert dashboard_target(staff["61.05"]) == 150
    assert dashboard_target(staff["61.10"]) == 80
    assert dashboard_target(staff["61"]) == 400  # the province's own
    assert dashboard_target(staff["61"], region="61.10") == 80  # drilled down to Melawi
    CoachingTarget.objects.filter(office_code="61.05").delete()
    assert dashboard_target(staff["61"], region="61.05") is None  # not the province's 400
    assert dashboard_target(staff["61.05"]) is None  # nor Melawi's


def test_the_dashboard_reads_a_chosen_kecamatans_own_target(staff, targets):
    sintang = District.objects.get(code="61.05.01")
    CoachingTarget.objects.create(year=2026, district=sintang, target_count=12, office_code="61.05")
    response = signed_in(staff["61.05"]).get(reverse("dashboard"), {"district": sintang.pk})
    assert response.context["target"].target_count == 12


def test_another_offices_target_is_a_404(staff, targets):
    sintang = signed_in(staff["61.05"])
    melawi_target = targets["61.10"]
    assert sintang.get(reverse("assistants:target_edit", args=[melawi_target.pk])).status_code == 404
    assert sintang.post(reverse("assistants:target_edit", args=[melawi_target.pk]), {"year": 2026, "target_count": 1}).status_code == 404
    assert sintang.get(reverse("assistants:target_progress", args=[melawi_target.pk])).status_code == 404
    assert sintang.get(reverse("assistants:target_edit", args=[targets["61"].pk])).status_code == 404  # a wider office's
    assert sintang.get(reverse("assistants:target_edit", args=[targets["61.05"].pk])).status_code == 200
    # The province changes its kabupaten's target, which stays Melawi's.
    province = signed_in(staff["61"])
    response = province.post(reverse("assistants:target_edit", args=[melawi_target.pk]), {"year": 2026, "target_count": 90})
    assert response.status_code == 302
    melawi_target.refresh_from_db()
    assert (melawi_target.target_count, melawi_target.office_code) == (90, "61.10")


def test_a_target_made_outside_the_forms_belongs_to_the_installations_office(settings, country):  # noqa: F811
    settings.OFFICE_REGENCY_CODE = "61.10"
    assert CoachingTarget.objects.create(year=2026, target_count=1).office_code == "61.10"
    assert ProgrammeFactory().office_code == "61.10"


def test_the_migration_gives_existing_rows_the_installations_office(settings, country):  # noqa: F811
    migration = importlib.import_module("assistants.migrations.0008_targets_programmes_office")
    melawi = District.objects.get(code="61.10.01")
    office = CoachingTarget.objects.create(year=2026, target_count=1, office_code="")
    local = CoachingTarget.objects.create(year=2026, district=melawi, target_count=1, office_code="")
    programme = ProgrammeFactory(office_code="")
    settings.OFFICE_REGENCY_CODE = "61.05"
    migration.fill_office_codes(apps, None)
    for row in (office, local, programme):
        row.refresh_from_db()
    assert (office.office_code, local.office_code, programme.office_code) == ("61.05", "61.10", "61.05")


# --- Programmes ---------------------------------------------------------------------------


@pytest.fixture
def programmes(staff, country):  # noqa: F811
    """A programme of each office, made through the form by its staff, with its own
    cooperatives (the province's with both kabupaten's)."""
    return {
        "61.05": add_programme(staff["61.05"], "Pelatihan Sintang", [country["61.05"]]),
        "61.10": add_programme(staff["61.10"], "Pelatihan Melawi", [country["61.10"]]),
        "61": add_programme(staff["61"], "Bantuan Kalbar", [country["61.05"], country["61.10"]]),
        "13.11": add_programme(staff["13.11"], "Sapi Solok", [country["13.11"]]),
    }


def test_a_programme_belongs_to_its_creators_office(programmes):
    assert {code: p.office_code for code, p in programmes.items()} == {c: c for c in programmes}


def test_programme_lists_hold_the_scope_and_show_a_wider_offices_read_only(staff, programmes):
    def listed(user):
        rows = signed_in(user).get(reverse("assistants:programme_list")).context["table"].data
        return {row.name: row.participant_count for row in rows}

    # Sintang: its own, and the province's counting only Sintang's cooperative.
    assert listed(staff["61.05"]) == {"Pelatihan Sintang": 1, "Bantuan Kalbar": 1}
    assert listed(staff["61"]) == {"Pelatihan Sintang": 1, "Pelatihan Melawi": 1, "Bantuan Kalbar": 2}
    assert listed(staff["13.11"]) == {"Sapi Solok": 1}


def test_another_offices_programme_is_a_404_and_a_wider_ones_read_only(staff, programmes, country):  # noqa: F811
    sintang = signed_in(staff["61.05"])
    melawi = programmes["61.10"]
    assert sintang.get(reverse("assistants:programme_detail", args=[melawi.pk])).status_code == 404
    assert sintang.get(reverse("assistants:programme_edit", args=[melawi.pk])).status_code == 404

    province = programmes["61"]
    page = sintang.get(reverse("assistants:programme_detail", args=[province.pk]))
    assert page.status_code == 200 and page.context["read_only"] and not page.context["edit_url"]
    assert [row.record.cooperative for row in page.context["table"].page.object_list] == [country["61.05"]]
    assert 'data-testid="read-only"' in page.content.decode()
    assert sintang.get(reverse("assistants:programme_edit", args=[province.pk])).status_code == 404
    assert sintang.post(reverse("assistants:programme_edit", args=[province.pk]), {"name": "x"}).status_code == 404

    own = sintang.get(reverse("assistants:programme_detail", args=[programmes["61.05"].pk]))
    assert not own.context["read_only"] and own.context["edit_url"]
    assert signed_in(staff["61"]).get(reverse("assistants:programme_edit", args=[melawi.pk])).status_code == 200


def test_the_visit_forms_programme_choices_hold_the_scope(staff, programmes):
    names = lambda queryset: {p.name for p in queryset}  # noqa: E731
    assert names(VisitForm(user=staff["61.05"]).fields["programme"].queryset) == {"Pelatihan Sintang", "Bantuan Kalbar"}
    assert names(VisitForm(user=staff["61"]).fields["programme"].queryset) == {
        "Pelatihan Sintang", "Pelatihan Melawi", "Bantuan Kalbar",
    }
    visit_filter = signed_in(staff["61.10"]).get(reverse("assistants:visit_list")).context["filter"]
    assert names(visit_filter.form.fields["programme"].queryset) == {"Pelatihan Melawi", "Bantuan Kalbar"}


def test_a_wider_programmes_monitoring_visits_count_the_users_own(staff, programmes, country):  # noqa: F811
    province = programmes["61"]
    CoachingVisitFactory(cooperative=country["61.05"], programme=province, kind="monev")
    CoachingVisitFactory(cooperative=country["61.10"], programme=province, kind="monev")
    rows = signed_in(staff["61.05"]).get(reverse("assistants:programme_list")).context["table"].data
    assert {row.name: row.monitoring_visit_count for row in rows}["Bantuan Kalbar"] == 1
    rows = signed_in(staff["61"]).get(reverse("assistants:programme_list")).context["table"].data
    assert {row.name: row.monitoring_visit_count for row in rows}["Bantuan Kalbar"] == 2


def test_the_scope_helpers():
    assert Scope.of("61.05").enclosing_codes == ["", "61"]
    assert Scope.of("61").enclosing_codes == [""]
    assert Scope.of("").enclosing_codes == []
    assert Scope.of("61").holds("61.05") and Scope.of("61").holds("61") and not Scope.of("61").holds("13.11")
    assert not Scope.of("61.05").holds("61") and Scope.of("").holds("61.05")


# --- Admin --------------------------------------------------------------------------------


@pytest.fixture
def sintang_admin(make_user, country):  # noqa: F811
    return scoped(make_user(access.ADMIN, username="admin-sintang"), "61.05")


def changelist(user, model):
    response = signed_in(user).get(f"/admin/assistants/{model}/")
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_the_admin_lists_only_the_scopes_targets_programmes_and_attachments(sintang_admin, targets, programmes, country):  # noqa: F811
    assert {t.office_code for t in changelist(sintang_admin, "coachingtarget")} == {"61.05"}
    assert {p.name for p in changelist(sintang_admin, "programme")} == {"Pelatihan Sintang"}
    visits = {code: CoachingVisitFactory(cooperative=country[code]) for code in ("61.05", "61.10")}
    for code, visit in visits.items():
        VisitAttachment.objects.create(visit=visit, file=f"kunjungan/{code}.pdf", kind="dokumen")
    assert [a.visit for a in changelist(sintang_admin, "visitattachment")] == [visits["61.05"]]
    client = signed_in(sintang_admin)
    assert client.get(f"/admin/assistants/coachingtarget/{targets['61.10'].pk}/change/").status_code in (302, 404)
    assert client.get(f"/admin/assistants/programme/{programmes['61'].pk}/change/").status_code in (302, 404)
    assert CoachingVisit.objects.count() == 2


def test_a_target_added_in_the_admin_gets_the_admins_office(sintang_admin, country):  # noqa: F811
    client = signed_in(sintang_admin)
    response = client.post("/admin/assistants/coachingtarget/add/", {"year": 2026, "target_count": 20, "notes": ""})
    assert response.status_code == 302
    assert CoachingTarget.objects.get().office_code == "61.05"
    again = client.post("/admin/assistants/coachingtarget/add/", {"year": 2026, "target_count": 21, "notes": ""})
    assert again.status_code == 200 and again.context["adminform"].form.errors  # not a 500
    assert CoachingTarget.objects.count() == 1


def test_the_target_list_names_each_office(staff, targets):
    response = signed_in(staff["61"]).get(reverse("assistants:target_list"))
    offices = {str(row.get_cell("office_code")) for row in response.context["table"].rows}
    # Kemendagri names, not the scope codes; the export keeps the code beside the name.
    assert offices == {"Provinsi Kalimantan Barat", "Kabupaten Sintang", "Kabupaten Melawi"}
    html = response.content.decode()
    assert "Kabupaten Sintang" in html and ">61.05<" not in html
    export = signed_in(staff["61"]).get(reverse("assistants:target_list"), {"_export": "csv"}).content.decode()
    assert "Kabupaten Sintang (61.05)" in export
