"""Rough edges met by a new user (issue 15 item 7), each pinned by a test that failed before
its fix. The visual ones (tabs and "Desa/kelurahan" at 360 px) are also driven in Chromium in
tests/e2e/test_rough_edges.py.

1. The monthly report opened with "Bidang ini tidak boleh kosong." before any input.
3. Coordinates printed as "0,402541, 112,881915" (localized decimals joined by a comma).
4. "Desa/kelurahan" broke mid-word in a narrow column.
5. The login line of ``make run`` / ``seed_demo`` ignored ``HOST``.
6. The five-year trend left out this year's visits.
7. "Aktif 111" beside "RAT 2025: 53 + 10" said nothing about why they differ, and
8. an office whose cooperatives are all new saw "Wajib 0" with no word that none is due yet.
"""

import datetime
import shutil
import subprocess
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from koperasi_registry.dashboard.period import Period
from koperasi_registry.dashboard.selectors import district_scorecard
from koperasi_registry.dashboard.selectors.trends import chart_data, five_year_trends
from koperasi_registry.devtools import demo
from koperasi_registry.formatting import format_coordinates, geo_uri
from tests.assistants.factories import BusinessAssistantFactory, CoachingVisitFactory
from tests.factories import CooperativeFactory, RatFilingFactory
from tests.query_budgets import QUERY_BUDGETS

pytestmark = pytest.mark.django_db

LAT, LNG = Decimal("0.402541"), Decimal("112.881915")


# --- 1. The monthly report opens clean ------------------------------------------------------


def test_the_monthly_report_opens_without_errors_for_an_office_user(client_as, staf):
    response = client_as(staf).get(reverse("assistants:monthly_report"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bidang ini tidak boleh kosong" not in html and "invalid-feedback" not in html
    assert not response.context["form"].is_bound
    assert f'value="{timezone.localdate():%Y-%m}"' in html  # this month preselected


def test_the_monthly_report_opens_on_a_pendampings_own_month(client_as, sintang):
    assistant = BusinessAssistantFactory()
    response = client_as(assistant.user).get(reverse("assistants:monthly_report"))
    assert response.status_code == 200
    assert response.context["assistant"] == assistant
    assert response.context["month"] == timezone.localdate().replace(day=1)
    assert "invalid-feedback" not in response.content.decode()


def test_a_submitted_empty_choice_still_says_what_is_missing(client_as, staf):
    response = client_as(staf).get(reverse("assistants:monthly_report"), {"assistant": "", "month": "2026-03"})
    assert response.status_code == 200
    assert "Bidang ini tidak boleh kosong" in response.content.decode()


# --- 3. Coordinates: dot decimals, a clear separator, a map link ----------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
def test_coordinates_print_with_a_dot_decimal_in_every_language(language):
    with translation.override(language):
        assert format_coordinates(LAT, LNG) == "0.402541, 112.881915"
        assert format_coordinates(Decimal("-0.0625"), 111) == "-0.062500, 111.000000"
        assert format_coordinates("0,402541", "112.881915") == "0.402541, 112.881915"  # a typed comma
        html = Template("{% load formatting %}{% coordinates lat lng %}").render(Context({"lat": LAT, "lng": LNG}))
    assert ">0.402541, 112.881915</a>" in html and 'href="geo:0.402541,112.881915"' in html
    assert "mlat=0.402541&amp;mlon=112.881915" in html


@pytest.mark.parametrize(("lat", "lng"), [(None, LNG), (LAT, None), ("", ""), ("x", "1"), ("NaN", "1")])
def test_missing_or_broken_coordinates_print_a_dash(lat, lng):
    assert format_coordinates(lat, lng) == "–" and geo_uri(lat, lng) == ""


def test_the_cooperative_page_prints_coordinates_with_dots_and_links_the_map(client_as, staf, sintang):
    cooperative = CooperativeFactory(latitude=LAT, longitude=LNG)
    html = client_as(staf).get(cooperative.get_absolute_url()).content.decode()
    assert "0.402541, 112.881915" in html and "0,402541" not in html
    assert 'href="geo:0.402541,112.881915"' in html


def test_the_visit_form_shows_a_recorded_fix_with_dots(client_as, staf, sintang):
    visit = CoachingVisitFactory(visit_date=timezone.localdate(), latitude=LAT, longitude=LNG)
    response = client_as(staf).get(reverse("assistants:visit_edit", args=[visit.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "0.402541, 112.881915" in html and "0,402541, 112,881915" not in html


# --- 4. "Desa/kelurahan" may wrap after the slash, never inside the word ---------------------------


def test_desa_kelurahan_offers_a_break_after_the_slash(client_as, staf, sintang):
    cooperative = CooperativeFactory()
    html = client_as(staf).get(cooperative.get_absolute_url()).content.decode()
    assert "Desa/<wbr>kelurahan" in html
    rendered = Template("{% load formatting %}{{ v|break_after_slash }}").render(Context({"v": "<i>a&b/c"}))
    assert rendered == "&lt;i&gt;a&amp;b/<wbr>c"  # the parts stay escaped


# --- 5. The printed login address follows HOST ------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "url"),
    [
        (None, "http://127.0.0.1:8000/"),
        ("", "http://127.0.0.1:8000/"),
        ("0.0.0.0:8080", "http://0.0.0.0:8080/"),
        ("8080", "http://127.0.0.1:8080/"),  # runserver takes a bare port
        ("[::1]:8000", "http://[::1]:8000/"),
        ("http://koperasi.local:9000/", "http://koperasi.local:9000/"),
    ],
)
def test_the_site_address_follows_host(host, url):
    assert demo.site_url(host) == url


@pytest.fixture
def seed_nothing(monkeypatch):
    monkeypatch.setattr(demo, "SEEDERS", [])  # the users only: the seeders have their own tests


def test_seed_demo_prints_the_login_on_the_host_given(seed_nothing, monkeypatch):
    monkeypatch.delenv("HOST", raising=False)
    call_command("seed_demo", host="0.0.0.0:8080", stdout=(out := StringIO()))
    assert f"Masuk di http://0.0.0.0:8080/accounts/login/ dengan kata sandi '{demo.DEMO_PASSWORD}':" in out.getvalue()
    assert "127.0.0.1:8000" not in out.getvalue() and "  Kabid       kabid" in out.getvalue()


def test_seed_demo_reads_host_from_the_environment(seed_nothing, monkeypatch):
    monkeypatch.setenv("HOST", "9000")
    call_command("seed_demo", stdout=(out := StringIO()))
    assert "Masuk di http://127.0.0.1:9000/accounts/login/" in out.getvalue()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("host", "url"), [("0.0.0.0:8080", "http://0.0.0.0:8080/"), ("8080", "http://127.0.0.1:8080/")])
def test_make_run_passes_host_to_every_printed_address(host, url):
    """``make -n`` prints the recipe without running it."""
    recipe = subprocess.run(
        ["make", "-n", "run", f"HOST={host}"], cwd=Path(settings.BASE_DIR), capture_output=True, text=True, check=True
    ).stdout
    assert f"manage.py seed_demo --host '{host}'" in recipe
    assert f"Koperasi Registry: {url}  (login: {url}accounts/login/" in recipe
    assert f"manage.py runserver {host}" in recipe
    assert "127.0.0.1:8000" not in recipe


# --- 6. The five-year trend counts this year's visits --------------------------------------------


def test_a_visit_made_today_is_in_the_five_year_trend(staf, sintang):
    today = timezone.localdate()
    CoachingVisitFactory(visit_date=today)
    CoachingVisitFactory(visit_date=today.replace(month=1, day=1))
    trends = five_year_trends(user=staf, period=Period(year=today.year, today=today))
    last = trends["visits"][-1]
    assert (last["year"], last["visits"], last["visited"], last["running"]) == (today.year, 2, 2, True)
    assert trends["visits"][0]["year"] == trends["years"][0]  # the book years' visits stay
    assert [row["year"] for row in trends["visits"]] == list(range(trends["years"][0], today.year + 1))
    assert chart_data(trends)["visits"]["labels"][-1] == f"{today.year} (s.d. hari ini)"


def test_a_past_year_adds_its_whole_calendar_year_unmarked(staf, sintang):
    today = timezone.localdate()
    CoachingVisitFactory(visit_date=datetime.date(today.year - 2, 6, 1))
    trends = five_year_trends(user=staf, period=Period(year=today.year - 2, today=today))
    last = trends["visits"][-1]
    assert (last["year"], last["visits"], last["running"], last["label"]) == (today.year - 2, 1, False, str(today.year - 2))


def test_the_trends_page_shows_this_years_visits_within_its_query_budget(
    client_as, kabid, sintang, django_assert_max_num_queries
):
    today = timezone.localdate()
    for _ in range(3):
        CoachingVisitFactory(visit_date=today)
    client = client_as(kabid)
    with django_assert_max_num_queries(QUERY_BUDGETS["dashboard_trends"]):
        html = client.get(reverse("dashboard_trends")).content.decode()
    assert f'data-testid="visits-{today.year}">3</a>' in html
    assert 'data-testid="visits-running">(s.d. hari ini)' in html


# --- 7 and 8. Why Aktif differs from the RAT figures; "Wajib 0" explained ---------------------------


def _office(today):
    """A: due, RAT on time; B: founded during the book year, held its RAT anyway; C: founded
    after the book year began, nothing filed; D: due, Aktif from the office's record."""
    book_year = Period(year=today.year, today=today).book_year
    old = datetime.date(2010, 1, 1)
    RatFilingFactory(cooperative=CooperativeFactory(name="A", founded_on=old), book_year=book_year)
    RatFilingFactory(
        cooperative=CooperativeFactory(name="B", founded_on=datetime.date(book_year, 3, 1)), book_year=book_year
    )
    CooperativeFactory(name="C", founded_on=datetime.date(book_year, 6, 1))
    CooperativeFactory(name="D", founded_on=old, recorded_rat_year=book_year)
    return book_year


def test_the_scorecard_splits_aktif_by_rat_compliance(staf, sintang):
    today = timezone.localdate()
    _office(today)
    total = district_scorecard(user=staf, period=Period(year=today.year, today=today))["total"]
    assert (total["aktif"], total["baru"], total["rat_due"], total["rat_on_time"], total["rat_not_filed"]) == (3, 1, 2, 1, 1)
    assert (total["aktif_filed"], total["aktif_not_due"], total["aktif_recorded"]) == (1, 1, 1)
    assert total["not_due_new"] == 2  # B and C


def test_the_dashboard_explains_aktif_beside_rat_compliance(client_as, kabid, sintang, settings, django_assert_max_num_queries):
    settings.RAT_STATUS_WINDOW = 4
    settings.RAT_DEADLINE_SEKUNDER = "07-31"  # the factories' cooperatives are primer
    book_year = _office(timezone.localdate())
    client = client_as(kabid)
    with django_assert_max_num_queries(QUERY_BUDGETS["dashboard"]):
        html = client.get(reverse("dashboard")).content.decode()
    assert (
        f"Aktif (3) = 1 wajib RAT dan sudah RAT tahun buku {book_year} + 1 berdiri dalam tahun {book_year}, "
        "belum wajib tetapi sudah RAT + 1 menurut catatan dinas tanpa laporan RAT." in html
    )
    assert f"berdiri paling lambat 1 Januari {book_year}" in html
    assert 'href="#aturan-status"' in html and 'id="aturan-status"' in html
    assert "ada RAT dalam 4 tahun buku terakhir" in html  # the rule's window, from settings
    assert "(koperasi primer 30 April, sekunder 31 Juli tahun berikutnya)" in html
    assert f"Belum wajib RAT tahun buku {book_year}: 2 koperasi berdiri setelah 1 Januari {book_year}." in html


def test_an_office_of_new_cooperatives_is_told_none_is_due_yet(client_as, kabid, sintang):
    today = timezone.localdate()
    book_year = Period(year=today.year, today=today).book_year
    for month in (2, 5, 9):
        CooperativeFactory(founded_on=datetime.date(book_year, month, 1))
    response = client_as(kabid).get(reverse("dashboard"))
    figures = response.context["figures"]
    assert (figures["rat_due"], figures["not_due_new"], figures["baru"]) == (0, 3, 3)
    html = response.content.decode()
    assert f"Belum wajib RAT tahun buku {book_year}: 3 koperasi berdiri setelah 1 Januari {book_year}." in html
    assert f"Aktif (0): sudah RAT untuk tahun buku {book_year}." in html
