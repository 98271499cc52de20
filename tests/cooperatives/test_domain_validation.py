"""Issue 13 part 3: values outside the domain are form errors (never a 500), the same on
the forms, the admin and the import; health categories exact at fractional totals."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cooperatives.health.rules import health_category
from cooperatives.health.selectors import instrument_rules
from cooperatives.models import Cooperative, RatFiling, Village
from tests.cooperatives.health_helpers import KSP, KSPPS, PERMENKOP, RATING, instrument
from tests.cooperatives.test_imports import COOP_HEADER, csv_file, error_lines, latest_job, upload
from tests.cooperatives.test_registry_forms import cooperative_data, rat_data
from tests.factories import CooperativeFactory, RatFilingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_rat_book_year_40000_on_the_add_form_is_a_form_error(client_as, admin, sintang):
    coop = CooperativeFactory(founded_on=datetime.date(2010, 5, 1))
    client = client_as(admin)
    client.raise_request_exception = False
    response = client.post(
        reverse("cooperatives:ratfiling_add", args=[coop.pk]),
        rat_data(2023, book_year="40000", rat_date="2024-03-10", reported_on="2024-03-20"),
    )
    assert response.status_code == 200
    assert "book_year" in response.context["form"].errors
    assert not RatFiling.objects.filter(cooperative=coop).exists()


def test_rat_book_year_40000_on_the_edit_form_is_a_form_error(client_as, admin, sintang):
    coop = CooperativeFactory(founded_on=datetime.date(2010, 5, 1))
    filing = RatFilingFactory(cooperative=coop, book_year=2022)
    client = client_as(admin)
    client.raise_request_exception = False
    response = client.post(
        reverse("cooperatives:ratfiling_edit", args=[filing.pk]),
        rat_data(2022, book_year="40000", rat_date="2023-03-10", reported_on="2023-03-20"),
    )
    assert response.status_code == 200
    assert "book_year" in response.context["form"].errors
    filing.refresh_from_db()
    assert filing.book_year == 2022


def test_founding_date_in_2099_is_refused_by_the_form(client_as, staf, sintang):
    village = Village.objects.order_by("code").first()
    response = client_as(staf).post(reverse("cooperatives:cooperative_add"), cooperative_data(village, founded_on="2099-01-01"))
    assert response.status_code == 200
    assert "founded_on" in response.context["form"].errors
    assert not Cooperative.objects.exists()


def test_founding_date_in_2099_is_refused_by_the_import(client_as, staf, sintang):
    village = Village.objects.order_by("code").first()
    row = ["N-1", "K-1", "Koperasi Masa Depan", "Konsumen", "Primer", "", "Tidak", "Tidak", village.code, "", "01/01/2099", ""]
    upload(client_as(staf), "cooperative_import", csv_file(COOP_HEADER, [row]))
    assert (2, "Tanggal berdiri") in error_lines(latest_job())
    assert not Cooperative.objects.exists()


# --- Health categories at fractional totals -----------------------------------------
# The rule: a band's lower bound is inclusive, the band runs up to the next band's lower
# bound, exclusive; the 2007 "above 419" is 419.01 at two decimals.

EDGES = {
    KSP: [("80", "Sehat", "Cukup Sehat"), ("66", "Cukup Sehat", "Dalam Pengawasan"),
          ("51", "Dalam Pengawasan", "Dalam Pengawasan Khusus")],
    KSPPS: [("80", "Sehat", "Cukup Sehat"), ("66", "Cukup Sehat", "Dalam Pengawasan"),
            ("51", "Dalam Pengawasan", "Dalam Pengawasan Khusus")],
    PERMENKOP: [("76", "Sehat", "Cukup Sehat"), ("51", "Cukup Sehat", "Dalam Pengawasan"),
                ("26", "Dalam Pengawasan", "Dalam Pengawasan Khusus")],
    RATING: [("419.01", "Sangat Berkualitas", "Berkualitas"), ("340", "Berkualitas", "Cukup Berkualitas"),
             ("260", "Cukup Berkualitas", "Kurang Berkualitas"), ("180", "Kurang Berkualitas", "Tidak Berkualitas")],
}
CASES = [
    pytest.param(code, Decimal(bound) + delta, above if delta >= 0 else below, id=f"{code}-{Decimal(bound) + delta}")
    for code, edges in EDGES.items()
    for bound, above, below in edges
    for delta in (Decimal("0"), Decimal("-0.01"), Decimal("0.01"), Decimal("-0.5"), Decimal("0.5"))
]
HALVES = [  # integer-written bands: the .5 between two of them
    (RATING, "419.50", "Sangat Berkualitas"), (RATING, "419.00", "Berkualitas"), (RATING, "339.50", "Cukup Berkualitas"),
    (RATING, "259.50", "Kurang Berkualitas"), (RATING, "179.50", "Tidak Berkualitas"),
    (PERMENKOP, "75.50", "Cukup Sehat"), (PERMENKOP, "50.50", "Dalam Pengawasan"), (PERMENKOP, "25.50", "Dalam Pengawasan Khusus"),
    (KSP, "79.50", "Cukup Sehat"), (KSP, "65.50", "Dalam Pengawasan"), (KSP, "50.50", "Dalam Pengawasan Khusus"),
]


@pytest.mark.parametrize(("code", "total", "category"), CASES)
def test_every_instrument_is_exact_at_its_edges(code, total, category):
    rules = instrument_rules(instrument=instrument(code))
    assert health_category(total=total, thresholds=rules.thresholds) == category


@pytest.mark.parametrize(("code", "total", "category"), HALVES)
def test_half_points_between_integer_written_bands(code, total, category):
    rules = instrument_rules(instrument=instrument(code))
    assert health_category(total=Decimal(total), thresholds=rules.thresholds) == category


def test_permenkop_aspect_nilai_at_fractional_percentages():
    rules = instrument_rules(instrument=instrument(PERMENKOP))
    assert health_category(total=Decimal("75.50"), thresholds=rules.aspect_thresholds) == "Cukup Sehat"
    assert health_category(total=Decimal("75.99"), thresholds=rules.aspect_thresholds) == "Cukup Sehat"
    assert health_category(total=Decimal("76"), thresholds=rules.aspect_thresholds) == "Sehat"
    assert health_category(total=Decimal("25.99"), thresholds=rules.aspect_thresholds) == "Tidak Sehat"
