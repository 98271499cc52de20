"""The village list (``cooperatives:village_list``): hand-counted coverage today and at the
end of last year, the links to the cooperative list, filters, sorting, export, access and
query counts."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from cooperatives import selectors
from cooperatives.models import District, Village
from koperasi_registry.scopes import default_scope
from cooperatives.status import StatusRules
from koperasi_registry import access
from tests.factories import CooperativeFactory, RatFilingFactory
from tests.query_budgets import QUERY_BUDGETS

pytestmark = pytest.mark.django_db

LIST = reverse("cooperatives:village_list")
COOPERATIVES = reverse("cooperatives:cooperative_list")
OLD = datetime.date(2000, 1, 1)


def today():
    return timezone.localdate()


def last_year():
    return today().year - 1


def reference(day):
    return StatusRules.from_settings().reference_year(today=day, bentuk="primer")


@pytest.fixture
def villages(sintang):
    """Four villages with cooperatives (the other 402 of Sintang's 406 have none):

    - v1: A (Aktif today and at the end of last year), B (never filed), M (Merah Putih,
      running, never filed);
    - v2: C (Merah Putih, Aktif at the end of last year, dissolved by a decree dated
      1 January this year);
    - v3: D (Merah Putih, founded 1 January this year: not registered at the end of last year);
    - v4 (another kecamatan): E (dissolved long ago, Merah Putih).
    """
    d1, d2 = District.objects.in_regency("61.05").order_by("code")[:2]
    v1, v2, v3 = Village.objects.filter(district=d1).order_by("code")[:3]
    v4 = Village.objects.filter(district=d2).order_by("code").first()
    this_year = today().year
    past_day = datetime.date(last_year(), 12, 31)
    a = CooperativeFactory(name="Koperasi A", village=v1, founded_on=OLD)
    for book_year in sorted({reference(today()), reference(past_day)}):
        RatFilingFactory(cooperative=a, book_year=book_year)
    CooperativeFactory(name="Koperasi B", village=v1, founded_on=OLD)
    CooperativeFactory(name="Koperasi M", village=v1, founded_on=OLD, is_merah_putih=True)
    c = CooperativeFactory(
        name="Koperasi C", village=v2, founded_on=OLD, is_merah_putih=True, lifecycle="dibubarkan",
        dissolution_decree_number="SK-1", dissolution_decree_date=datetime.date(this_year, 1, 1),
    )
    RatFilingFactory(cooperative=c, book_year=reference(past_day))
    CooperativeFactory(name="Koperasi D", village=v3, founded_on=datetime.date(this_year, 1, 1), is_merah_putih=True)
    CooperativeFactory(
        name="Koperasi E", village=v4, founded_on=OLD, is_merah_putih=True, lifecycle="dibubarkan",
        dissolution_decree_number="SK-2", dissolution_decree_date=datetime.date(2010, 5, 1),
    )
    return {"v1": v1, "v2": v2, "v3": v3, "v4": v4, "d1": d1, "d2": d2}


def rows(response):
    assert response.status_code == 200
    return list(response.context["table"].paginated_rows)


def codes(response):
    return [row.record.code for row in rows(response)]


def total(response):
    assert response.status_code == 200
    return response.context["table"].paginator.count


def by_code(response):
    return {row.record.code: row.record for row in rows(response)}


# --- Hand-counted coverage ---------------------------------------------------------------------


def test_the_flags_and_counts_today(villages):
    t = today()
    found = {v.code: v for v in selectors.village_list(day=t, today=t, scope=default_scope()).filter(cooperative_count__gt=0)}
    v1, v2, v3, v4 = (villages[k].code for k in ("v1", "v2", "v3", "v4"))
    summary = {
        code: (v.cooperative_count, v.active_count, v.has_active, v.has_merah_putih) for code, v in found.items()
    }
    assert summary == {
        v1: (3, 1, True, True),
        v2: (1, 0, False, False),  # C is dissolved now
        v3: (1, 0, False, True),  # D is new and running
        v4: (1, 0, False, False),  # E was dissolved long ago
    }


def test_the_flags_and_counts_at_the_end_of_last_year(villages):
    t = today()
    day = datetime.date(last_year(), 12, 31)
    found = {v.code: v for v in selectors.village_list(day=day, today=t, scope=default_scope()).filter(cooperative_count__gt=0)}
    v1, v2, v4 = (villages[k].code for k in ("v1", "v2", "v4"))
    summary = {
        code: (v.cooperative_count, v.active_count, v.has_active, v.has_merah_putih) for code, v in found.items()
    }
    assert summary == {
        v1: (3, 1, True, True),
        v2: (1, 1, True, True),  # C was running, its RAT filed; the decree came later
        v4: (1, 0, False, False),  # D did not exist yet: v3 has no row here
    }


@pytest.mark.parametrize(
    ("query", "expected_total", "excluded"),
    [
        ("", 406, []),
        ("coverage=without_active", 405, ["v1"]),
        ("coverage=without_merah_putih", 404, ["v1", "v3"]),
        ("coverage=without_active&year={past}", 404, ["v1", "v2"]),
        ("coverage=without_merah_putih&year={past}", 404, ["v1", "v2"]),
    ],
)
def test_coverage_filter_counts(client_as, staf, villages, query, expected_total, excluded):
    """Sintang has 406 villages (390 desa, 16 kelurahan)."""
    client = client_as(staf)
    response = client.get(f"{LIST}?{query.format(past=last_year())}&per_page=500")
    assert total(response) == expected_total
    shown = set(codes(response))
    assert not shown & {villages[key].code for key in excluded}
    assert len(shown) == expected_total


def test_coverage_within_a_kecamatan(client_as, kabid, villages):
    client = client_as(kabid)
    d1 = villages["d1"]
    in_d1 = Village.objects.filter(district=d1).count()
    response = client.get(f"{LIST}?district={d1.pk}&coverage=without_merah_putih&per_page=100")
    assert total(response) == in_d1 - 2  # v1 and v3
    response = client.get(f"{LIST}?district={villages['d2'].pk}&coverage=without_merah_putih&per_page=100")
    assert total(response) == Village.objects.filter(district=villages["d2"]).count()  # E is dissolved


def test_the_list_agrees_with_the_dashboard(client_as, kabid, villages):
    """The dashboard's coverage figures link here with ``status_q`` (``year=`` for a past
    year): the list shows exactly that many rows, for the office and for one kecamatan."""
    from koperasi_registry.dashboard.period import Period
    from koperasi_registry.dashboard.selectors import village_coverage

    client = client_as(kabid)
    for year in (today().year, last_year()):
        for district in (None, villages["d1"]):
            period = Period(year=year, today=today(), district=district)
            figures = village_coverage(period=period)
            for coverage in ("without_active", "without_merah_putih"):
                query = period.status_query(coverage=coverage)
                assert total(client.get(f"{LIST}?{query}")) == figures[coverage], (year, district, coverage)


def test_the_dashboard_definition_is_this_one(villages):
    """``village_flags`` for today counts what the dashboard's own flags count."""
    from koperasi_registry.dashboard.period import Period
    from koperasi_registry.dashboard.selectors import village_coverage

    t = today()
    for year in (t.year, last_year()):
        period = Period(year=year, today=t)
        office = Village.objects.in_regency("61.05").annotate(**selectors.village_flags(day=period.day, today=t))
        counts = {
            "without_active": office.filter(has_active=False).count(),
            "without_merah_putih": office.filter(has_merah_putih=False).count(),
        }
        figures = village_coverage(period=period)
        assert counts == {key: figures[key] for key in counts}


# --- The links to the cooperative list -----------------------------------------------------------


def _link_counts(html, village_pk):
    """(cooperatives link, Aktif link) hrefs of one village row."""
    links = re.findall(rf'href="({re.escape(COOPERATIVES)}\?[^"]*village={village_pk}(?:&amp;[^"]*)?)">(\d+)</a>', html)
    return [(href.replace("&amp;", "&"), int(count)) for href, count in links]


@pytest.mark.parametrize("year", [None, "past"])
def test_each_count_links_to_a_cooperative_list_of_that_many_rows(client_as, staf, villages, year):
    client = client_as(staf)
    query = f"year={last_year()}" if year else ""
    response = client.get(f"{LIST}?{query}&q=&per_page=500&coverage=")
    html = response.content.decode()
    checked = 0
    for key in ("v1", "v2", "v3", "v4"):
        links = _link_counts(html, villages[key].pk)
        if year and key == "v3":
            assert [count for _href, count in links] == [0, 0]
        assert len(links) == 2
        for href, count in links:
            assert ("year=" in href) == bool(year)
            listed = client.get(href)
            assert listed.status_code == 200
            assert listed.context["table"].paginator.count == count, href
            checked += count
    assert checked == (5 + 2 if year else 6 + 1)  # cooperatives (D did not exist yet) plus Aktif ones


# --- Filters, errors, sorting, export -------------------------------------------------------------


def test_search_kind_and_kecamatan_filters(client_as, admin, villages):
    client = client_as(admin)
    v1 = villages["v1"]
    assert v1.code in codes(client.get(f"{LIST}?q={v1.name.lower()}"))
    assert codes(client.get(f"{LIST}?q={v1.code}")) == [v1.code]
    kelurahan = total(client.get(f"{LIST}?kind=kelurahan"))
    desa = total(client.get(f"{LIST}?kind=desa"))
    assert (desa, kelurahan) == (390, 16)
    assert total(client.get(f"{LIST}?district={villages['d1'].pk}")) == Village.objects.filter(
        district=villages["d1"]
    ).count()


@pytest.mark.parametrize(
    "query", ["coverage=xyz", "year=1800", f"year={timezone.localdate().year}", "kind=kota", "district=999999"]
)
def test_a_bad_filter_value_shows_an_error_and_no_rows(client_as, staf, villages, query):
    response = client_as(staf).get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert rows(response) == []
    assert "Saringan tidak valid" in response.content.decode()


ORDERABLE = ["code", "name", "kind", "district", "cooperative_count", "active_count", "has_merah_putih"]


TEXT_ORDER = {"code": ("code",), "name": ("name",), "kind": ("kind",), "district": ("district__name",)}


@pytest.mark.parametrize("column", ORDERABLE)
@pytest.mark.parametrize("direction", ["", "-"])
def test_every_column_sorts(client_as, staf, villages, column, direction):
    response = client_as(staf).get(f"{LIST}?sort={direction}{column}&per_page=500")
    records = [row.record for row in rows(response)]
    assert len(records) == 406
    if column in TEXT_ORDER:  # the database's collation decides: compare with its own order
        field = TEXT_ORDER[column][0]
        values = [getattr(v, column) if column != "district" else v.district.name for v in records]
        expected = list(Village.objects.in_regency("61.05").order_by(f"{direction}{field}").values_list(field, flat=True))
    else:
        values = [getattr(v, column) for v in records]
        expected = sorted(values, reverse=bool(direction))
    assert values == expected


def test_the_most_cooperatives_first(client_as, staf, villages):
    response = client_as(staf).get(f"{LIST}?sort=-cooperative_count")
    assert codes(response)[0] == villages["v1"].code


def _csv(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_honours_filters_and_sorting(client_as, staf, villages, fmt):
    d1 = villages["d1"]
    query = f"district={d1.pk}&coverage=without_active&year={last_year()}&sort=-code&_export={fmt}"
    response = client_as(staf).get(f"{LIST}?{query}")
    if fmt == "csv":
        table = _csv(response)
    else:
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        table = [list(row) for row in sheet.iter_rows(values_only=True)]
    header, body = table[0], table[1:]
    assert header == ["Kode", "Desa/kelurahan", "Jenis", "Kecamatan", "Koperasi", "Aktif", "Ada Merah Putih"]
    expected = list(
        Village.objects.filter(district=d1).exclude(pk__in=[villages["v1"].pk, villages["v2"].pk])
        .order_by("-code").values_list("code", flat=True)
    )
    assert [row[0] for row in body] == expected  # beyond the first page, in the chosen order
    v3 = next(row for row in body if row[0] == villages["v3"].code)
    assert [str(value) for value in v3[2:]] == [villages["v3"].get_kind_display(), d1.name, "0", "0", "Tidak"]


def test_export_of_today_has_plain_values(client_as, staf, villages):
    v1 = villages["v1"]
    header, row = _csv(client_as(staf).get(f"{LIST}?q={v1.code}&_export=csv"))
    assert dict(zip(header, row)) == {
        "Kode": v1.code, "Desa/kelurahan": v1.name, "Jenis": v1.get_kind_display(),
        "Kecamatan": villages["d1"].name, "Koperasi": "3", "Aktif": "1", "Ada Merah Putih": "Ya",
    }


# --- Access and query counts -------------------------------------------------------------------


def test_anonymous_users_go_to_the_login_page(client, sintang):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("role", "status"), [(access.ADMIN, 200), (access.KABID, 200), (access.STAF, 200), (access.PENDAMPING, 403)]
)
def test_office_roles_only(client_as, role_users, sintang, role, status):
    assert client_as(role_users[role]).get(LIST).status_code == status


def test_the_office_menu_lists_it(client_as, kabid, pendamping, sintang):
    assert f'href="{LIST}"' in client_as(kabid).get(COOPERATIVES).content.decode()
    assert f'href="{LIST}"' not in client_as(pendamping).get(COOPERATIVES).content.decode()


@pytest.mark.parametrize("query", ["", "coverage=without_active&district={d}", "year={past}&coverage=without_merah_putih"])
@pytest.mark.parametrize("n", [3, 30])
def test_query_count_does_not_grow(client_as, staf, sintang, django_assert_max_num_queries, n, query):
    """n villages' worth of cooperatives (two each, one with two filings)."""
    district = District.objects.in_regency("61.05").order_by("code").first()
    for village in Village.objects.order_by("code")[:n]:
        coop = CooperativeFactory(village=village, founded_on=OLD, is_merah_putih=True)
        RatFilingFactory(cooperative=coop, book_year=reference(today()))
        RatFilingFactory(cooperative=coop, book_year=reference(today()) - 1)
        CooperativeFactory(village=village, founded_on=OLD)
    client = client_as(staf)
    url = f"{LIST}?{query.format(d=district.pk, past=last_year())}"
    with django_assert_max_num_queries(QUERY_BUDGETS["village_list"]):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(QUERY_BUDGETS["village_list"]):
        assert client.get(f"{url}&_export=csv").status_code == 200
