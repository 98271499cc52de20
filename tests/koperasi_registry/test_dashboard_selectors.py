"""Dashboard aggregates against hand-counted fixtures."""

import datetime

import pytest

from cooperatives.choices import Lifecycle
from cooperatives.models import District, Village
from koperasi_registry.dashboard import selectors
from tests.factories import CooperativeFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 8, 1)  # reference book year 2024 for primer and sekunder


@pytest.fixture
def office(sintang):
    """Two kecamatan with a hand-counted mix of cooperatives."""
    sintang_district = District.objects.get(code="61.05.01")  # Kecamatan Sintang
    tempunak = District.objects.get(code="61.05.02")
    v1, v2 = Village.objects.filter(district=sintang_district).order_by("code")[:2]
    t1 = Village.objects.filter(district=tempunak).order_by("code").first()
    make = CooperativeFactory
    make(village=v1, last_rat_year=2024)  # aktif
    make(village=v1, last_rat_year=2024, is_merah_putih=True)  # aktif, Merah Putih
    make(village=v2, last_rat_year=2023)  # kurang aktif
    make(village=v2, last_rat_year=2020)  # tidak aktif
    make(village=t1, last_rat_year=None, founded_on=datetime.date(2025, 2, 1), is_merah_putih=True)  # baru
    make(village=t1, last_rat_year=2021)  # tidak aktif
    make(
        village=t1,
        lifecycle=Lifecycle.DIBUBARKAN,
        dissolution_decree_number="SK 12/2024",
        dissolution_decree_date=datetime.date(2024, 5, 1),
        is_merah_putih=True,
    )  # dibubarkan: its Merah Putih flag no longer covers the village
    return {"sintang": sintang_district, "tempunak": tempunak, "v1": v1, "v2": v2, "t1": t1}


def test_status_summary_counts_each_status_and_the_national_reading(office, staf):
    summary = selectors.status_summary(user=staf, today=TODAY)
    assert summary["registered"] == 7
    assert (summary["aktif"], summary["kurang_aktif"], summary["tidak_aktif"]) == (2, 1, 2)
    assert (summary["baru"], summary["dibubarkan"], summary["pembubaran"]) == (1, 1, 0)
    assert summary["aktif_nasional"] == 3
    assert summary["merah_putih"] == 3


def test_status_summary_for_one_kecamatan(office, kabid):
    summary = selectors.status_summary(user=kabid, district=office["tempunak"], today=TODAY)
    assert summary["registered"] == 3
    assert (summary["baru"], summary["tidak_aktif"], summary["dibubarkan"]) == (1, 1, 1)


def test_a_pendamping_without_assignments_counts_nothing(office, pendamping):
    assert selectors.status_summary(user=pendamping, today=TODAY)["registered"] == 0


def test_village_coverage(office):
    coverage = selectors.village_coverage(today=TODAY)
    assert coverage["villages"] == 406
    assert coverage["without_active"] == 405  # only v1 has an Aktif cooperative
    assert coverage["without_merah_putih"] == 404  # v1 and t1 (the dissolved one does not count)
    in_tempunak = selectors.village_coverage(district=office["tempunak"], today=TODAY)
    assert in_tempunak["villages"] == Village.objects.filter(district=office["tempunak"]).count()
    assert in_tempunak["without_active"] == in_tempunak["villages"]
    assert in_tempunak["without_merah_putih"] == in_tempunak["villages"] - 1


def test_district_scorecard_has_every_kecamatan_with_its_counts(office, staf):
    rows = selectors.district_scorecard(user=staf, today=TODAY)
    assert len(rows) == 14
    by_code = {row["district"].code: row for row in rows}
    sintang = by_code["61.05.01"]
    assert (sintang["registered"], sintang["aktif"], sintang["kurang_aktif"], sintang["tidak_aktif"]) == (4, 2, 1, 1)
    assert sintang["aktif_nasional"] == 3
    assert sintang["without_active"] == sintang["villages"] - 1
    tempunak = by_code["61.05.02"]
    assert (tempunak["registered"], tempunak["baru"], tempunak["dibubarkan"]) == (3, 1, 1)
    empty = next(row for code, row in by_code.items() if code not in ("61.05.01", "61.05.02"))
    assert empty["registered"] == 0 and empty["without_active"] == empty["villages"] > 0
    assert sum(row["registered"] for row in rows) == 7


def test_scorecard_query_count_does_not_depend_on_rows(office, staf, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        selectors.district_scorecard(user=staf, today=TODAY)
    for village in Village.objects.order_by("code")[10:40]:
        CooperativeFactory(village=village, last_rat_year=2024)
    with django_assert_max_num_queries(5):
        rows = selectors.district_scorecard(user=staf, today=TODAY)
    assert sum(row["registered"] for row in rows) == 37
