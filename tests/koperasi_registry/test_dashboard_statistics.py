"""The ministry's statistics table (issue 6, item 6): every cell against a hand-counted
office, this year and a past year; the XLSX workbook; drill-down links that list the same
count; role access; a constant number of queries.

"Today" is pinned to 22 November 2026 (``django.utils.timezone.localdate``), so the
reference book year is 2025; the past year 2025 is read on 31 December 2025 with book
year 2024. Kecamatan A is Sintang (61.05.01), B is Tempunak (61.05.02).

| coop | kec | founded    | NIK | filings (book years) | lifecycle            | 2026 status  | 2025 status   |
|------|-----|------------|-----|----------------------|----------------------|--------------|---------------|
| a1   | A   | 2010       | yes | 2025, 2024           |                      | Aktif        | Aktif         |
| a2   | A   | 2012       |     | 2025                 |                      | Aktif        | Tidak aktif   |
| a3   | A   | 2012       | yes | 2023                 |                      | Kurang aktif | Kurang aktif  |
| a4   | A   | 2015       |     |                      |                      | Tidak aktif  | Tidak aktif   |
| a5   | A   | 2025-06-01 | yes |                      |                      | Baru         | Baru          |
| a6   | A   | 2026-03-01 |     |                      |                      | Baru         | (not yet)     |
| a7   | A   | 2010       | yes | 2025                 | dibubarkan 2026-02-01| not counted  | Tidak aktif   |
| b1   | B   | 2018       | yes | 2025, 2024           |                      | Aktif        | Aktif         |
| b2   | B   | 2019       |     | 2022                 |                      | Tidak aktif  | Kurang aktif  |
| b3   | B   | 2010       | yes |                      | pembubaran 2025-06-01| not counted  | not counted   |
"""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cooperatives.models import Cooperative, District, Village
from cooperatives.services import cooperative_years_refresh
from koperasi_registry import access
from koperasi_registry.dashboard.period import Period
from koperasi_registry.dashboard.selectors.statistics import ministry_statistics
from tests.factories import CooperativeFactory, RatFilingFactory
from tests.query_budgets import QUERY_BUDGETS

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)
URL = "dashboard_statistics"
COUNTS = ("aktif", "tidak_aktif", "baru", "registered", "rat", "nik")
PEOPLE = tuple(
    f"{name}{suffix}" for name in ("members", "managers", "employees") for suffix in ("_male", "_female", "")
)
MONEY = ("modal_sendiri", "modal_luar", "volume_usaha", "shu")
NUMBERS = COUNTS + PEOPLE + MONEY


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def _village(code: str) -> Village:
    return Village.objects.filter(district__code=code).order_by("code").first()


def _coop(village, founded, nik="", **kwargs):
    return CooperativeFactory(village=village, founded_on=datetime.date(*founded), nik=nik, **kwargs)


def _filing(cooperative, year, *, members=(0, 0), managers=(0, 0), employees=(0, 0), money=(None, None, None, None)):
    return RatFilingFactory(
        cooperative=cooperative, book_year=year,
        members_male=members[0], members_female=members[1],
        managers_male=managers[0], managers_female=managers[1],
        employees_male=employees[0], employees_female=employees[1],
        **{name: None if value is None else Decimal(value) for name, value in zip(MONEY, money)},
    )


def _dissolve(cooperative, lifecycle, decree_day):
    Cooperative.objects.filter(pk=cooperative.pk).update(
        lifecycle=lifecycle, dissolution_decree_number=f"SK {lifecycle}", dissolution_decree_date=decree_day
    )
    cooperative_years_refresh(cooperative_ids=[cooperative.pk])  # as the write paths do after a change


@pytest.fixture
def office(sintang):
    a, b = _village("61.05.01"), _village("61.05.02")
    a1 = _coop(a, (2010, 1, 1), "N-A1")
    _filing(a1, 2025, members=(10, 5), managers=(1, 0), employees=(2, 1),
            money=("1200000000", "250000000", "3000000000", "120000000"))
    _filing(a1, 2024, members=(100, 100), managers=(3, 3), employees=(9, 9),
            money=("9000000", "1000000", "5000000", "500000"))
    a2 = _coop(a, (2012, 1, 1))
    _filing(a2, 2025, members=(20, 30), managers=(0, 1), employees=(0, 3),
            money=("34567890.50", None, "1000000000", "-50000000"))
    a3 = _coop(a, (2012, 1, 1), "N-A3")
    _filing(a3, 2023, members=(7, 7), money=("777000000", "1", "1", "1"))  # another year: never summed here
    _coop(a, (2015, 1, 1))
    _coop(a, (2025, 6, 1), "N-A5")
    _coop(a, (2026, 3, 1))
    a7 = _coop(a, (2010, 1, 1), "N-A7")
    _filing(a7, 2025, members=(50, 50), managers=(5, 5), employees=(5, 5), money=("99000000000", "1", "1", "1"))
    _dissolve(a7, "dibubarkan", datetime.date(2026, 2, 1))
    b1 = _coop(b, (2018, 1, 1), "N-B1")
    _filing(b1, 2025, members=(3, 4), managers=(1, 1), employees=(1, 0),
            money=("500000000", "1000000000", "0", "-200000000"))
    _filing(b1, 2024, members=(2, 2), money=("400000", "0", "0", "10000"))
    b2 = _coop(b, (2019, 1, 1))
    _filing(b2, 2022, members=(4, 4), money=("1", "1", "1", "1"))
    b3 = _coop(b, (2010, 1, 1), "N-B3")
    _dissolve(b3, "pembubaran", datetime.date(2025, 6, 1))
    return {"a": a.district, "b": b.district}


def _row(counts, people, money):
    return {
        **dict(zip(COUNTS, counts)),
        **dict(zip(PEOPLE, people)),
        **{name: Decimal(value) for name, value in zip(MONEY, money)},
    }


# This year (status on 22 Nov 2026, filings of book year 2025).
A_2026 = _row(
    (3, 1, 2, 6, 2, 3), (30, 35, 65, 1, 1, 2, 2, 4, 6), ("1234567890.50", "250000000", "4000000000", "70000000")
)
B_2026 = _row((1, 1, 0, 2, 1, 1), (3, 4, 7, 1, 1, 2, 1, 0, 1), ("500000000", "1000000000", "0", "-200000000"))
TOTAL_2026 = _row(
    (4, 2, 2, 8, 3, 4), (33, 39, 72, 2, 2, 4, 3, 4, 7), ("1734567890.50", "1250000000", "4000000000", "-130000000")
)
# Past year 2025 (status on 31 Dec 2025, filings of book year 2024).
A_2025 = _row((2, 3, 1, 6, 1, 4), (100, 100, 200, 3, 3, 6, 9, 9, 18), ("9000000", "1000000", "5000000", "500000"))
B_2025 = _row((2, 0, 0, 2, 1, 1), (2, 2, 4, 0, 0, 0, 0, 0, 0), ("400000", "0", "0", "10000"))
TOTAL_2025 = _row((4, 3, 1, 8, 2, 5), (102, 102, 204, 3, 3, 6, 9, 9, 18), ("9400000", "1000000", "5000000", "510000"))


def _numbers(row):
    return {key: row[key] for key in NUMBERS}


def _statistics(user, year=2026, district=None):
    return ministry_statistics(user=user, period=Period(year=year, today=TODAY, district=district))


@pytest.mark.parametrize(
    "year, book_year, a, b, total",
    [(2026, 2025, A_2026, B_2026, TOTAL_2026), (2025, 2024, A_2025, B_2025, TOTAL_2025)],
)
def test_every_cell_of_both_kecamatan_and_the_total(office, staf, year, book_year, a, b, total):
    statistics = _statistics(staf, year)
    assert statistics["book_year"] == book_year
    rows = {row["district"].code: row for row in statistics["rows"]}
    assert len(rows) == 14  # every kecamatan of Sintang, in name order
    assert [row["district"].name for row in statistics["rows"]] == sorted(rows[code]["district"].name for code in rows)
    assert _numbers(rows["61.05.01"]) == a
    assert _numbers(rows["61.05.02"]) == b
    for code, row in rows.items():
        if code not in ("61.05.01", "61.05.02"):
            assert set(_numbers(row).values()) == {0}, code
    assert _numbers(statistics["total"]) == total
    for key in NUMBERS:  # the database's total is the sum of its rows
        assert statistics["total"][key] == sum(row[key] for row in statistics["rows"]), key
    assert total["registered"] == total["aktif"] + total["tidak_aktif"] + total["baru"]


def test_one_kecamatan_gives_its_row_only(office, kabid):
    statistics = _statistics(kabid, district=office["b"])
    assert [row["district"] for row in statistics["rows"]] == [office["b"]]
    assert _numbers(statistics["rows"][0]) == B_2026
    assert statistics["total"] is None


def test_a_pendamping_without_assignments_counts_nothing(office, pendamping):
    assert _statistics(pendamping)["total"]["registered"] == 0


# --- The page --------------------------------------------------------------------------


def _cells(html: str) -> dict[str, str]:
    """``data-testid`` -> the cell's text (inside a link or not)."""
    found = re.findall(r'data-testid="([a-z_]+-[0-9.a-z]+)"[^>]*>([^<]*)<', html)
    return {testid: text.strip() for testid, text in found}


def _links(html: str) -> dict[str, tuple[str, int]]:
    found = re.findall(r'<a href="([^"]+)" data-testid="([a-z_]+-[0-9.a-z]+)">([\d.]+)</a>', html)
    return {testid: (url.replace("&amp;", "&"), int(count.replace(".", ""))) for url, testid, count in found}


def test_the_page_shows_the_header_every_cell_in_indonesian_format_and_the_notes(client_as, kabid, office):
    response = client_as(kabid).get(reverse(URL))
    assert response.status_code == 200
    html = response.content.decode()
    header = re.search(r'data-testid="report-header">(.*?)</p>', html, re.S)[1]
    for text in (settings.OFFICE_NAME, "Kabupaten Sintang", "Tahun 2026", "Tahun buku RAT 2025",
                 "Status per 22 November 2026", "Dicetak 22 November 2026"):
        assert text in header
    cells = _cells(html)
    expected = {
        "61.05.01": ("3", "1", "2", "6", "2", "3", "65", "2", "6", "1.234,57", "250,00", "4.000,00", "70,00"),
        "61.05.02": ("1", "1", "0", "2", "1", "1", "7", "2", "1", "500,00", "1.000,00", "0,00", "-200,00"),
        "total": ("4", "2", "2", "8", "3", "4", "72", "4", "7", "1.734,57", "1.250,00", "4.000,00", "-130,00"),
    }
    columns = (*COUNTS, "members", "managers", "employees", *MONEY)
    for key, values in expected.items():
        assert tuple(cells[f"{column}-{key}"] for column in columns) == values, key
    assert "Jumlah kabupaten" in html
    notes = re.search(r'data-testid="notes">(.*?)</ol>', html, re.S)[1]
    assert "Aktif + Kurang aktif" in notes and "tahun buku 2025" in notes and "dibubarkan" in notes
    # Print: a landscape block, a Cetak button, the XLSX link keeps the period.
    assert 'class="print-landscape' in html and "data-print" in html and "js/print_button.js" in html
    assert re.search(r'<link rel="stylesheet" href="[^"]*css/print\.css" media="print">', html)
    assert 'href="?year=2026&amp;_export=xlsx"' in html


def test_a_phone_scrolls_the_table_not_the_page(client_as, staf, office):
    html = client_as(staf).get(reverse(URL)).content.decode()
    assert re.search(r'<div class="table-responsive[^"]*">\s*<table[^>]*data-testid="statistics"', html)


def test_a_chosen_kecamatan_shows_only_its_row(client_as, staf, office):
    html = client_as(staf).get(reverse(URL), {"district": office["a"].pk}).content.decode()
    cells = _cells(html)
    assert cells["aktif-61.05.01"] == "3"
    assert "aktif-61.05.02" not in cells and "aktif-total" not in cells


@pytest.mark.parametrize("year", [2026, 2025])
def test_each_count_links_to_a_list_with_that_many_rows(client_as, kabid, office, year):
    client = client_as(kabid)
    links = _links(client.get(reverse(URL), {"year": year}).content.decode())
    wanted = [f"{column}-{key}" for column in ("aktif", "tidak_aktif", "baru", "registered", "rat")
              for key in ("61.05.01", "61.05.02", "total")]
    assert set(wanted) <= set(links)
    expected = {2026: (A_2026, B_2026, TOTAL_2026), 2025: (A_2025, B_2025, TOTAL_2025)}[year]
    for testid in wanted:
        url, count = links[testid]
        column, key = testid.rsplit("-", 1)
        assert count == expected[("61.05.01", "61.05.02", "total").index(key)][column], testid
        assert bool(re.search(rf"[?&]year={year}(&|$)", url)) == (year == 2025), url
        listed = client.get(url)
        assert listed.status_code == 200, url
        assert listed.context["table"].paginator.count == count, (testid, url)


def test_the_rat_link_names_the_book_year(client_as, kabid, office):
    links = _links(client_as(kabid).get(reverse(URL), {"year": 2025}).content.decode())
    url = links["rat-61.05.01"][0]
    assert f"district={office['a'].pk}" in url and "rat_year=2024" in url and "rat_filed=true" in url


# --- XLSX ------------------------------------------------------------------------------


def _workbook(client, **params):
    response = client.get(reverse(URL), {"_export": "xlsx", **params})
    assert response.status_code == 200
    return response, load_workbook(io.BytesIO(response.content)).active


def _find_row(sheet, first_cell):
    return next(row for row in sheet.iter_rows() if row[0].value == first_cell)


def test_the_workbook_has_the_table_with_numbers_in_juta_and_its_notes(client_as, staf, office):
    response, sheet = _workbook(client_as(staf), year=2026)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Content-Disposition"] == 'attachment; filename="statistik-koperasi-2026.xlsx"'
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Statistik koperasi per kecamatan"
    assert values[1][0] == settings.OFFICE_NAME
    assert values[2][:2] == ["Kabupaten/kota", "Kabupaten Sintang"]
    assert values[4][:2] == ["Tahun", 2026] and values[5][:2] == ["Tahun buku RAT", 2025]
    header = next(row for row in values if row[1] == "Kode Kemendagri")
    assert header[:8] == ["Kecamatan", "Kode Kemendagri", "Aktif (statistik nasional)", "Tidak aktif",
                          "Baru (belum wajib RAT)", "Jumlah koperasi", "RAT", "NIK"]
    assert header[8:11] == ["Anggota L", "Anggota P", "Anggota jumlah"]
    assert header[-4:] == ["Modal sendiri (Rp juta)", "Modal luar (Rp juta)", "Volume usaha (Rp juta)", "SHU (Rp juta)"]

    sintang_row = _find_row(sheet, "Sintang")
    assert [cell.value for cell in sintang_row[1:8]] == ["61.05.01", 3, 1, 2, 6, 2, 3]
    assert [cell.value for cell in sintang_row[8:17]] == [30, 35, 65, 1, 1, 2, 2, 4, 6]
    money = [cell.value for cell in sintang_row[17:21]]
    assert money == pytest.approx([1234.5678905, 250, 4000, 70])
    assert {cell.number_format for cell in sintang_row[2:17]} == {"#,##0"}
    assert {cell.number_format for cell in sintang_row[17:21]} == {"#,##0.00"}
    assert all(isinstance(cell.value, int) for cell in sintang_row[2:17])

    total = _find_row(sheet, "Jumlah kabupaten")
    assert [cell.value for cell in total[2:8]] == [4, 2, 2, 8, 3, 4]
    assert [cell.value for cell in total[17:21]] == pytest.approx([1734.5678905, 1250, 4000, -130])
    assert total[20].number_format == "#,##0.00"
    rows = [row for row in sheet.iter_rows() if isinstance(row[1].value, str) and row[1].value.startswith("61.05.")]
    assert len(rows) == 14
    assert sum(row[2].value for row in rows) == total[2].value
    assert sum(row[17].value for row in rows) == pytest.approx(total[17].value)

    notes = " ".join(row[0] for row in values[total[0].row:] if row[0])
    assert "Aktif + Kurang aktif" in notes and "tahun buku 2025" in notes and "Rp juta" in notes


def test_a_past_year_workbook(client_as, kabid, office):
    response, sheet = _workbook(client_as(kabid), year=2025)
    assert response["Content-Disposition"] == 'attachment; filename="statistik-koperasi-2025.xlsx"'
    assert [cell.value for cell in _find_row(sheet, "Tahun buku RAT")[:2]] == ["Tahun buku RAT", 2024]
    assert [cell.value for cell in _find_row(sheet, "Tempunak")[2:8]] == [2, 0, 0, 2, 1, 1]
    assert _find_row(sheet, "Tempunak")[20].value == pytest.approx(0.01)


def test_workbook_text_cannot_be_a_formula(client_as, staf, office):
    District.objects.filter(pk=office["a"].pk).update(name="=HYPERLINK(\"http://x\")")
    _response, sheet = _workbook(client_as(staf))
    cell = _find_row(sheet, "'=HYPERLINK(\"http://x\")")[0]
    assert cell.data_type == "s"
    assert not any(
        cell.data_type == "f" for row in sheet.iter_rows() for cell in row
    )


# --- Access and queries ------------------------------------------------------------------


@pytest.mark.parametrize("params", [{}, {"_export": "xlsx"}])
def test_anonymous_is_sent_to_log_in(client, sintang, params):
    response = client.get(reverse(URL), params)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("params", [{}, {"_export": "xlsx"}])
@pytest.mark.parametrize(
    "role, status", [(access.ADMIN, 200), (access.KABID, 200), (access.STAF, 200), (access.PENDAMPING, 403)]
)
def test_office_roles_only(client_as, role_users, sintang, role, status, params):
    assert client_as(role_users[role]).get(reverse(URL), params).status_code == status


@pytest.mark.parametrize("params", [{}, {"year": 2025}, {"_export": "xlsx"}, {"year": 2025, "_export": "xlsx"}])
def test_query_count_is_the_same_for_few_and_many_cooperatives(
    client_as, kabid, sintang, django_assert_max_num_queries, params
):
    client = client_as(kabid)
    villages = list(Village.objects.order_by("code")[:30])

    def add(villages):
        for i, village in enumerate(villages):
            cooperative = _coop(village, (2015, 1, 1), f"N{village.code}")
            if i % 2:
                _filing(cooperative, 2024 + i % 3 // 2, members=(i, i), money=(str(i), "1", "2", "-3"))

    add(villages[:3])
    with django_assert_max_num_queries(QUERY_BUDGETS[URL]):
        assert client.get(reverse(URL), params).status_code == 200
    add(villages[3:])
    with django_assert_max_num_queries(QUERY_BUDGETS[URL]):
        assert client.get(reverse(URL), params).status_code == 200
    district = Village.objects.order_by("code").first().district_id
    with django_assert_max_num_queries(QUERY_BUDGETS[URL]):
        assert client.get(reverse(URL), {**params, "district": district}).status_code == 200
