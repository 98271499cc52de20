"""VillageResolver: a row's village from a code, or a name with or without its kecamatan,
against Sintang's real villages (Semuntai and Sungai Mali are each in two kecamatan)."""

import pytest
from django.core.management import call_command

from cooperatives.imports.sheets import DESA, KECAMATAN, KODE_DESA
from cooperatives.imports.villages import Resolution, VillageResolver
from cooperatives.models import Village
from koperasi_registry.scopes import default_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolver(sintang):
    return VillageResolver(Village.objects.in_regency("61.05"))


def village_id(code):
    return Village.objects.get(code=code).pk


def test_loads_the_villages_in_one_query(sintang, django_assert_num_queries):
    with django_assert_num_queries(1):
        resolver = VillageResolver(Village.objects.in_regency("61.05"))
    with django_assert_num_queries(0):
        resolver.resolve(code=None, name="Tanjung Puri", district=None)
        resolver.resolve(code=None, name="Tanjung Pury", district=None)


def test_for_office_uses_the_office_regency(sintang, settings):
    settings.OFFICE_REGENCY_CODE = "61.05"
    assert VillageResolver.for_office(scope=default_scope()).resolve(code="61.05.01.1003", name=None, district=None).village_id


@pytest.mark.parametrize("code", ["61.05.01.1003", "6105011003", " 61.05.01.1003 ", 6105011003])
def test_a_code_finds_its_village(resolver, code):
    assert resolver.resolve(code=code, name=None, district=None) == Resolution(village_id("61.05.01.1003"))


@pytest.mark.parametrize("name", ["Tanjung Puri", "Kel. Tanjung Puri", "Kelurahan Tanjung Puri", "tanjung  puri",
                                  "TANJUNG PURI", "Tanjung-Puri", "Desa Tanjung Puri"])
def test_a_code_with_a_matching_name(resolver, name):
    assert resolver.resolve(code="61.05.01.1003", name=name, district="Sintang").village_id == village_id(
        "61.05.01.1003")


def test_a_code_with_another_villages_name_names_both(resolver):
    result = resolver.resolve(code="61.05.01.1003", name="Ladang", district=None)
    assert result.village_id is None
    column, message = result.error
    assert column == KODE_DESA
    assert "Tanjung Puri" in message and "Ladang" in message


def test_a_code_in_another_kecamatan_than_the_one_written(resolver):
    result = resolver.resolve(code="61.05.01.1003", name=None, district="Dedai")
    assert result.error[0] == KECAMATAN
    assert "Sintang" in result.error[1]


def test_an_unknown_code(resolver):
    result = resolver.resolve(code="61.05.01.9999", name="Tanjung Puri", district=None)
    assert result == Resolution(error=(KODE_DESA, result.error[1]))
    assert "61.05.01.9999" in result.error[1]


@pytest.mark.parametrize("name", ["Tanjung Puri", "Desa Tanjung Puri", "Kel. Tanjung Puri", "tanjung  puri",
                                  "Kel Tanjung Puri", "tanjungpuri"])
def test_a_name_matches_whatever_its_spelling(resolver, name):
    assert resolver.resolve(code=None, name=name, district=None).village_id == village_id("61.05.01.1003")


@pytest.mark.parametrize("district", ["Sepauk", "sepauk", "Kec. Sepauk", "Kecamatan Sepauk", "61.05.03", "610503"])
def test_a_repeated_name_within_its_kecamatan(resolver, district):
    result = resolver.resolve(code="", name="Semuntai", district=district)
    assert result == Resolution(village_id("61.05.03.2011"))


def test_the_other_semuntai(resolver):
    assert resolver.resolve(code=None, name="Semuntai", district="Ketungau Hilir").village_id == village_id(
        "61.05.04.2009")
    assert resolver.resolve(code=None, name="Sungai Mali", district="Dedai").village_id == village_id(
        "61.05.07.2004")


@pytest.mark.parametrize("name, districts", [("Semuntai", ["Ketungau Hilir", "Sepauk"]),
                                             ("Sungai Mali", ["Dedai", "Ketungau Hilir"])])
def test_a_repeated_name_without_kecamatan_lists_the_kecamatan(resolver, name, districts):
    result = resolver.resolve(code=None, name=name, district=None)
    assert result.village_id is None
    column, message = result.error
    assert column == KECAMATAN
    assert ", ".join(districts) in message


def test_an_unknown_kecamatan_suggests_the_offices(resolver):
    result = resolver.resolve(code=None, name="Semuntai", district="Sepuak")
    assert result.error[0] == KECAMATAN
    assert "'Sepuak'" in result.error[1]
    assert "Mungkin maksud Anda: Sepauk" in result.error[1]


def test_an_unknown_kecamatan_code(resolver):
    result = resolver.resolve(code=None, name="Semuntai", district="61.05.99")
    assert result.error[0] == KECAMATAN and "61.05.99" in result.error[1]


def test_a_misspelt_name_gets_suggestions_from_its_kecamatan(resolver):
    result = resolver.resolve(code=None, name="Tanjung Pury", district="Sintang")
    column, message = result.error
    assert column == DESA
    assert "Mungkin maksud Anda: Tanjung Puri" in message


def test_a_misspelt_name_without_kecamatan_gets_suggestions_with_their_kecamatan(resolver):
    message = resolver.resolve(code=None, name="Semuntay", district=None).error[1]
    assert "Mungkin maksud Anda:" in message
    assert "Semuntai (Kec. Ketungau Hilir)" in message and "Semuntai (Kec. Sepauk)" in message
    assert message.count("(Kec.") <= 3


def test_a_name_in_another_kecamatan_says_where_it_is(resolver):
    result = resolver.resolve(code=None, name="Tanjung Puri", district="Dedai")
    assert result.error[0] == DESA
    assert "Dedai" in result.error[1] and "Sintang" in result.error[1]


def test_a_name_matching_nothing_close(resolver):
    result = resolver.resolve(code=None, name="Zzzyxw", district=None)
    assert result.error[0] == DESA
    assert "Mungkin" not in result.error[1] and "lembar Wilayah" in result.error[1]


@pytest.mark.parametrize("blank", [None, "", " ", "-"])
def test_no_village_given(resolver, blank):
    assert resolver.resolve(code=blank, name=blank, district=blank) == Resolution()


def test_never_mentions_villages_outside_the_queryset(db):
    call_command("load_regions", "61.05", "61.03", verbosity=0)  # Sanggau has a Semuntai in Mukok
    office = VillageResolver(Village.objects.in_regency("61.05"))
    message = office.resolve(code=None, name="Semuntai", district=None).error[1]
    assert "Mukok" not in message
    assert "Mukok" not in office.resolve(code=None, name="Semuntay", district=None).error[1]
    assert office.resolve(code=None, name="Semuntai", district="Mukok").error[0] == KECAMATAN
    sanggau_semuntai = Village.objects.get(name="Semuntai", district__name="Mukok").code
    assert office.resolve(code=sanggau_semuntai, name=None, district=None).error[0] == KODE_DESA
    # Everything loaded (an empty office code): the third Semuntai is a choice too.
    everywhere = VillageResolver(Village.objects.in_regency(""))
    assert "Ketungau Hilir, Mukok, Sepauk" in everywhere.resolve(code=None, name="Semuntai", district=None).error[1]


def test_a_long_list_of_kecamatan_is_cut_short(resolver, monkeypatch):
    from cooperatives.imports import villages

    monkeypatch.setattr(villages, "LISTED", 1)
    message = resolver.resolve(code=None, name="Semuntai", district=None).error[1]
    assert "Ketungau Hilir, dan 1 lainnya" in message and "Sepauk" not in message
