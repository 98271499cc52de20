"""Offices as data (issue 16 item 1): each user's office scope (``cooperatives.models.offices``)
limits every list, detail, export, form choice, import match, dashboard figure and admin
list. Regions: two provinces with two kabupaten each (Kalimantan Barat: Sintang, Melawi;
Sumatera Barat: Solok Selatan, Pesisir Selatan), one kecamatan and two villages each, and
one cooperative a kabupaten."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assistants.models import BusinessAssistant
from cooperatives.forms import CooperativeForm
from cooperatives.imports.villages import VillageResolver
from cooperatives.models import Cooperative, District, Regency, Village
from koperasi_registry import access
from koperasi_registry.access import office_scope
from cooperatives.models import OfficeScope
from koperasi_registry.scopes import NATIONAL, PROVINCE, REGENCY, default_scope
from tests.assistants.factories import AssignmentFactory, BusinessAssistantFactory
from tests.factories import CooperativeFactory

pytestmark = pytest.mark.django_db

REGENCIES = {
    "61.05": ("Kabupaten Sintang", "61", "Kalimantan Barat"),
    "61.10": ("Kabupaten Melawi", "61", "Kalimantan Barat"),
    "13.11": ("Kabupaten Solok Selatan", "13", "Sumatera Barat"),
    "13.01": ("Kabupaten Pesisir Selatan", "13", "Sumatera Barat"),
}


@pytest.fixture
def country(db):
    """``{regency code: its cooperative}``, with the regions above."""
    cooperatives = {}
    for code, (name, province_code, province_name) in REGENCIES.items():
        regency = Regency.objects.create(code=code, name=name, province_code=province_code, province_name=province_name)
        district = District.objects.create(code=f"{code}.01", name=f"Kecamatan {name[10:]}", regency=regency)
        villages = [
            Village.objects.create(code=f"{code}.01.200{n}", name=f"Desa {name[10:]} {n}", kind="desa", district=district)
            for n in (1, 2)
        ]
        cooperatives[code] = CooperativeFactory(name=f"Koperasi {name[10:]}", village=villages[0])
    return cooperatives


def scoped(user, code):
    OfficeScope(user=user, code=code).full_clean()  # validated against the Regency rows
    OfficeScope.objects.create(user=user, code=code)
    for cached in ("_role_cache", "_office_scope_cache"):
        user.__dict__.pop(cached, None)
    return user


@pytest.fixture
def province_staf(make_user, country):
    return scoped(make_user(access.STAF, username="staf-kalbar"), "61")


@pytest.fixture
def regency_staf(make_user, country):
    return scoped(make_user(access.STAF, username="staf-sintang"), "61.05")


@pytest.fixture
def national_staf(make_user, country):
    return scoped(make_user(access.STAF, username="staf-nasional"), "")


def names(queryset):
    return set(queryset.values_list("name", flat=True))


# --- The scope itself ---------------------------------------------------------------------


def test_a_user_without_a_scope_has_the_installations_office(staf, settings):
    settings.OFFICE_REGENCY_CODE = "61.05"
    settings.OFFICE_NAME = "Dinas Koperasi Sintang"
    assert office_scope(staf) == default_scope()
    assert (office_scope(staf).code, office_scope(staf).level, office_scope(staf).label) == (
        "61.05", REGENCY, "Dinas Koperasi Sintang"
    )


def test_levels_and_labels_come_from_the_code_and_the_loaded_regions(country, make_user):
    province = scoped(make_user(access.STAF), "61")
    regency = scoped(make_user(access.STAF), "13.11")
    national = scoped(make_user(access.STAF), "")
    assert (office_scope(province).level, office_scope(province).label) == (PROVINCE, "Provinsi Kalimantan Barat")
    assert (office_scope(regency).level, office_scope(regency).label) == (REGENCY, "Dinas Koperasi Kabupaten Solok Selatan")
    assert (office_scope(national).level, office_scope(national).label) == (NATIONAL, "Nasional")


@pytest.mark.parametrize("code", ["62", "61.99", "6", "61.05.01", "abc"])
def test_a_code_not_loaded_or_not_a_province_or_kabupaten_is_refused(country, staf, code):
    with pytest.raises(ValidationError) as error:
        OfficeScope(user=staf, code=code).full_clean()
    assert "code" in error.value.message_dict


def test_the_scope_is_read_with_the_roles_in_one_query(province_staf, django_assert_num_queries):
    user = type(province_staf).objects.get(pk=province_staf.pk)
    with django_assert_num_queries(1):
        assert access.user_roles(user) == {access.STAF}
        assert office_scope(user).code == "61"
        assert office_scope(user).code == "61"  # cached on the user object


# --- Rows: querysets, lists, details, exports ---------------------------------------------------


def test_a_province_user_sees_its_two_kabupaten_and_not_a_third(country, province_staf, regency_staf, national_staf):
    assert names(Cooperative.objects.visible_to(province_staf)) == {"Koperasi Sintang", "Koperasi Melawi"}
    assert names(Cooperative.objects.visible_to(regency_staf)) == {"Koperasi Sintang"}
    assert len(names(Cooperative.objects.visible_to(national_staf))) == 4


def test_assistants_follow_their_assignments_scope(country, province_staf, regency_staf, make_user):
    melawi = BusinessAssistantFactory(user=make_user(access.PENDAMPING, username="pendamping-melawi"))
    AssignmentFactory(assistant=melawi, cooperative=country["61.10"])
    assert melawi in BusinessAssistant.objects.visible_to(province_staf)
    assert melawi not in BusinessAssistant.objects.visible_to(regency_staf)


LIST_URLS = [
    "cooperatives:cooperative_list", "cooperatives:rat_overdue", "cooperatives:assessment_list", "cooperatives:village_list",
    "assistants:visit_list", "assistants:followup_list", "assistants:proposal_list", "assistants:coverage_list",
]


@pytest.mark.parametrize("name", LIST_URLS)
def test_every_list_shows_only_the_scope(client_as, country, province_staf, name):
    client = client_as(province_staf)
    response = client.get(reverse(name))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Koperasi Solok Selatan" not in content and "Desa Solok Selatan" not in content
    # and the other province's cooperative is out of reach from every page
    foreign = country["13.11"]
    assert client.get(reverse("cooperatives:cooperative_detail", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("cooperatives:cooperative_edit", args=[foreign.pk])).status_code == 404


def test_the_registry_list_and_its_export_hold_the_province(client_as, country, province_staf):
    client = client_as(province_staf)
    shown = {row.name for row in client.get(reverse("cooperatives:cooperative_list")).context["table"].data}
    assert shown == {"Koperasi Sintang", "Koperasi Melawi"}
    response = client.get(reverse("cooperatives:cooperative_list"), {"_export": "csv"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    exported = {cell for row in rows[1:] for cell in row}
    assert {"Koperasi Sintang", "Koperasi Melawi"} <= exported
    assert "Koperasi Solok Selatan" not in exported and "Koperasi Pesisir Selatan" not in exported


def test_a_kabupaten_user_gets_404_for_the_neighbour_kabupaten(client_as, country, regency_staf):
    client = client_as(regency_staf)
    assert client.get(reverse("cooperatives:cooperative_detail", args=[country["61.05"].pk])).status_code == 200
    assert client.get(reverse("cooperatives:cooperative_detail", args=[country["61.10"].pk])).status_code == 404


# --- Choices, import, dashboard, admin -----------------------------------------------------------


def test_the_cooperative_forms_village_and_kecamatan_choices_hold_the_scope(country, province_staf, regency_staf):
    form = CooperativeForm(scope=office_scope(province_staf))
    villages = {v.code[:5] for v in form.fields["village"].queryset}
    assert villages == {"61.05", "61.10"}
    assert {d.code[:5] for d in form.fields["district"].queryset} == {"61.05", "61.10"}
    assert {v.code[:5] for v in CooperativeForm(scope=office_scope(regency_staf)).fields["village"].queryset} == {"61.05"}


def test_a_cooperative_cannot_be_saved_into_a_village_outside_the_scope(client_as, country, regency_staf):
    outside = Village.objects.get(code="61.10.01.2001")
    form = CooperativeForm(
        data={"village": outside.pk, "district": outside.district_id}, scope=office_scope(regency_staf)
    )
    assert not form.is_valid()
    assert "village" in form.errors and "district" in form.errors


def test_the_import_matches_villages_only_in_the_importers_scope(country, province_staf, regency_staf):
    in_province = VillageResolver.for_office(scope=office_scope(province_staf))
    assert in_province.resolve(code="61.10.01.2001", name=None, district=None).village_id
    assert in_province.resolve(code="13.11.01.2001", name=None, district=None).village_id is None
    assert in_province.resolve(code=None, name="Desa Solok Selatan 1", district=None).village_id is None
    in_regency = VillageResolver.for_office(scope=office_scope(regency_staf))
    assert in_regency.resolve(code="61.10.01.2001", name=None, district=None).village_id is None


def test_the_dashboard_counts_and_picks_only_inside_the_scope(client_as, country, province_staf):
    response = client_as(province_staf).get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.context["scorecard"]["total"]["registered"] == 2
    form = response.context["period_form"]
    assert "district" not in form.fields  # the child-region picker instead: the province's kabupaten
    assert [code for code, _ in form.fields["region"].choices] == ["", "61.10", "61.05"]  # by name: Melawi, Sintang
    drilled = client_as(province_staf).get(reverse("dashboard"), {"region": "61.05"}).context["period_form"]
    assert {d.code for d in drilled.fields["district"].queryset} == {"61.05.01"}
    assert "Provinsi Kalimantan Barat" in response.content.decode()  # the office name in the shell


def test_the_statistics_and_village_list_hold_the_scope(client_as, country, regency_staf):
    client = client_as(regency_staf)
    rows = client.get(reverse("dashboard_statistics")).context["statistics"]["rows"]
    assert {row["district"].code for row in rows} == {"61.05.01"}
    villages = {v.code for v in client.get(reverse("cooperatives:village_list")).context["table"].data}
    assert villages == {"61.05.01.2001", "61.05.01.2002"}


@pytest.fixture
def scoped_admin(make_user, country):
    return scoped(make_user(access.ADMIN, username="admin-sintang"), "61.05")


@pytest.mark.parametrize(
    "model, expected",
    [
        ("cooperatives/cooperative", {"Koperasi Sintang"}),
        ("cooperatives/village", {"Desa Sintang 1", "Desa Sintang 2"}),
        ("cooperatives/district", {"Kecamatan Sintang"}),
    ],
)
def test_the_admin_changelist_shows_only_the_scope(client_as, scoped_admin, model, expected):
    response = client_as(scoped_admin).get(f"/admin/{model}/")
    assert response.status_code == 200
    assert {str(getattr(obj, "name", obj)) for obj in response.context["cl"].result_list} == expected


def test_the_admin_refuses_another_scopes_rows_and_choices(client_as, country, scoped_admin):
    client = client_as(scoped_admin)
    foreign = country["61.10"]
    assert client.get(f"/admin/cooperatives/cooperative/{foreign.pk}/change/").status_code in (302, 404)
    form = client.get(f"/admin/cooperatives/cooperative/{country['61.05'].pk}/change/").context["adminform"].form
    assert {v.code[:5] for v in form.fields["village"].queryset} == {"61.05"}


def test_a_superuser_sees_every_office_in_the_admin(client_as, country, make_user):
    root = make_user(username="root-uji", is_superuser=True, is_staff=True)
    rows = client_as(root).get("/admin/cooperatives/cooperative/").context["cl"].result_list
    assert len(rows) == 4


# --- Grouping: a province's scorecard by kabupaten, the country's by province ----------------


def _scorecard(client, **params):
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    return response.context["scorecard"], response.content.decode()


def test_a_province_scorecard_groups_by_kabupaten_and_drills_down_to_kecamatan(client_as, country, province_staf):
    client = client_as(province_staf)
    card, html = _scorecard(client)
    assert card["level"] == "regency"
    assert {row["region"].code: row["registered"] for row in card["rows"]} == {"61.05": 1, "61.10": 1}
    assert {row["region"].code: row["villages"] for row in card["rows"]} == {"61.05": 2, "61.10": 2}
    assert card["total"]["registered"] == 2
    assert 'data-testid="drill-61.10"' in html and "Per kabupaten/kota" in html
    card, _ = _scorecard(client, region="61.10")  # drill-down: Melawi's kecamatan
    assert card["level"] == "district"
    assert [row["district"].code for row in card["rows"]] == ["61.10.01"]
    assert card["total"]["registered"] == 1
    card, _ = _scorecard(client, region="13.11")  # outside the scope: the whole province again
    assert card["level"] == "regency" and card["total"]["registered"] == 2


def test_a_national_scorecard_groups_by_province(client_as, country, national_staf):
    client = client_as(national_staf)
    card, _ = _scorecard(client)
    assert card["level"] == "province"
    assert {row["region"].code: row["registered"] for row in card["rows"]} == {"13": 2, "61": 2}
    card, _ = _scorecard(client, region="13")  # a province: its kabupaten
    assert {row["region"].code for row in card["rows"]} == {"13.01", "13.11"}
    assert card["total"]["registered"] == 2


def test_the_statistics_group_like_the_scorecard(client_as, country, province_staf):
    client = client_as(province_staf)
    statistics = client.get(reverse("dashboard_statistics")).context["statistics"]
    assert statistics["level"] == "regency"
    assert {row["region"].code: row["registered"] for row in statistics["rows"]} == {"61.05": 1, "61.10": 1}
    drilled = client.get(reverse("dashboard_statistics"), {"region": "61.05"}).context["statistics"]
    assert [row["district"].code for row in drilled["rows"]] == ["61.05.01"]
    assert client.get(reverse("dashboard_statistics"), {"_export": "xlsx"}).status_code == 200


def test_the_grouped_dashboard_runs_the_same_queries_whatever_the_rows(client_as, country, national_staf):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from koperasi_registry.data_version import forget_figures

    client = client_as(national_staf)

    def count():
        forget_figures()  # computed, not reused
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dashboard")).status_code == 200
        return len(queries)

    before = count()
    for code, cooperative in country.items():
        for _ in range(3):
            CooperativeFactory(village=cooperative.village)
    assert count() == before


def test_the_trends_and_effect_pages_follow_the_drill_down(country, province_staf):
    import datetime

    from koperasi_registry.dashboard.period import Period
    from koperasi_registry.dashboard.selectors.trends import five_year_trends

    today = datetime.date.today()
    whole = Period(year=today.year, today=today, scope=office_scope(province_staf))
    melawi = Period(year=today.year, today=today, scope=office_scope(province_staf).narrowed("61.10"), region="61.10")

    def registered_now(period):
        latest = five_year_trends(user=province_staf, period=period)["status"][-1]
        return sum(latest[key] for key in ("aktif", "kurang_aktif", "tidak_aktif", "baru") if key in latest)

    assert registered_now(whole) == 2 and registered_now(melawi) == 1


@pytest.mark.parametrize("name", ["dashboard_trends", "dashboard_effect", "dashboard_map", "dashboard_statistics"])
def test_every_dashboard_page_takes_the_region(client_as, country, province_staf, name):
    response = client_as(province_staf).get(reverse(name), {"region": "61.10"})
    assert response.status_code == 200
    assert response.context["period"].region == "61.10"
    assert "region=61.10" in response.context["period"].tab_query
