"""The coaching coverage list (``assistants:coverage_list``): coached, not coached, visited
and assigned-but-unvisited cooperatives of a year, hand-counted at the year's boundaries;
columns, filters, sorting, export, access and query counts."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from cooperatives.models import District, Village
from koperasi_registry import access
from tests.assistants.factories import AssignmentFactory, BusinessAssistantFactory, CoachingVisitFactory
from tests.factories import CooperativeFactory
from tests.query_budgets import QUERY_BUDGETS

pytestmark = pytest.mark.django_db

LIST = reverse("assistants:coverage_list")
VISITS = reverse("assistants:visit_list")
OLD = datetime.date(2000, 1, 1)

Y = timezone.localdate().year  # this year: read today
P = Y - 1  # last year: read on 31 December


def d(year, month, day):
    return datetime.date(year, month, day)


@pytest.fixture
def coverage(sintang):
    """Ten cooperatives (k1-k9 in one kecamatan, k10 in another), two assistants.

    k1  two pembinaan visits, on 1 Jan and 31 Dec of P; assigned (Budi) since P-2
    k2  one pembinaan visit on 31 Dec of P and one on 1 Jan of Y; assigned (Sari) since 1 Jan P
    k3  two pemeriksaan visits in P (not a coaching kind); never assigned
    k4  assigned (Budi) until 31 Dec of P-1: ended before P
    k5  assigned (Sari) from 1 Jan of Y: started after P
    k6  assigned (Budi) from 1 Mar to 30 Jun of P; one visit on 5 Jan of Y
    k7  dissolved by a decree of 1 Jun P; assigned (Sari) since P-2, never visited
    k8  dissolved by a decree of 1 Feb Y (still running on 31 Dec P); never assigned
    k9  founded 1 Jan Y (not registered on 31 Dec P); assigned (Budi) since 1 Jan P
    k10 (other kecamatan) two monev visits, on 1 and 2 Jan of Y
    """
    d1, d2 = District.objects.in_regency("61.05").order_by("code")[:2]
    v1 = Village.objects.filter(district=d1).order_by("code").first()
    v2 = Village.objects.filter(district=d2).order_by("code").first()
    budi = BusinessAssistantFactory(user__first_name="Budi", user__last_name="Santoso")
    sari = BusinessAssistantFactory(user__first_name="Sari", user__last_name="Dewi")

    def coop(key, **fields):
        fields.setdefault("founded_on", OLD)
        fields.setdefault("village", v1)
        return CooperativeFactory(name=f"Koperasi {key.upper()}", **fields)

    k = {
        "k1": coop("k1"), "k2": coop("k2"), "k3": coop("k3"), "k4": coop("k4"), "k5": coop("k5"), "k6": coop("k6"),
        "k7": coop("k7", lifecycle="dibubarkan", dissolution_decree_number="SK-7", dissolution_decree_date=d(P, 6, 1)),
        "k8": coop("k8", lifecycle="dibubarkan", dissolution_decree_number="SK-8", dissolution_decree_date=d(Y, 2, 1)),
        "k9": coop("k9", founded_on=d(Y, 1, 1)),
        "k10": coop("k10", village=v2),
    }
    visits = [
        ("k1", d(P, 1, 1), "pembinaan", budi), ("k1", d(P, 12, 31), "pembinaan", budi),
        ("k2", d(P, 12, 31), "pembinaan", sari), ("k2", d(Y, 1, 1), "pembinaan", sari),
        ("k3", d(P, 4, 2), "pemeriksaan", None), ("k3", d(P, 9, 9), "pemeriksaan", None),
        ("k6", d(Y, 1, 5), "pembinaan", budi),
        ("k10", d(Y, 1, 1), "monev", None), ("k10", d(Y, 1, 2), "monev", None),
    ]
    for key, day, kind, assistant in visits:
        CoachingVisitFactory(cooperative=k[key], visit_date=day, kind=kind, assistant=assistant)
    assignments = [
        ("k1", budi, d(P - 2, 1, 1), None), ("k2", sari, d(P, 1, 1), None),
        ("k4", budi, d(P - 3, 1, 1), d(P - 1, 12, 31)), ("k5", sari, d(Y, 1, 1), None),
        ("k6", budi, d(P, 3, 1), d(P, 6, 30)), ("k7", sari, d(P - 2, 1, 1), None), ("k9", budi, d(P, 1, 1), None),
    ]
    for key, assistant, start, end in assignments:
        AssignmentFactory(cooperative=k[key], assistant=assistant, start_date=start, end_date=end)
    return {"coops": k, "d1": d1, "d2": d2}


def names(response):
    assert response.status_code == 200
    return sorted(row.record.name for row in response.context["table"].paginated_rows)


def expect(coverage, *keys):
    return sorted(coverage["coops"][key].name for key in keys)


EXPECTED = {
    # last year, read on 31 December
    (P, "coached"): ["k1"],
    (P, "visited"): ["k1", "k2", "k3"],  # the visits of 1 Jan and 31 Dec count, 1 Jan of Y does not
    (P, "assigned_unvisited"): ["k6", "k7"],  # not k4 (ended before), k5 (started after), k9 (not founded)
    (P, "not_coached"): ["k2", "k3", "k4", "k5", "k6", "k8", "k10"],  # k7 dissolved then, k9 not founded
    # this year, read today
    (Y, "coached"): ["k10"],
    (Y, "visited"): ["k2", "k6", "k10"],
    (Y, "assigned_unvisited"): ["k1", "k5", "k7", "k9"],  # k6's assignment ended in P
    (Y, "not_coached"): ["k1", "k2", "k3", "k4", "k5", "k6", "k9"],  # k7, k8 dissolved
}


@pytest.mark.parametrize(("year", "value"), list(EXPECTED), ids=[f"{'past' if y == P else 'this'}-{v}" for y, v in EXPECTED])
def test_each_coverage_value_gives_the_hand_counted_rows(client_as, kabid, coverage, year, value):
    response = client_as(kabid).get(f"{LIST}?year={year}&coverage={value}")
    assert names(response) == expect(coverage, *EXPECTED[(year, value)])
    assert response.context["table"].paginator.count == len(EXPECTED[(year, value)])


def test_without_a_year_it_is_this_year(client_as, staf, coverage):
    client = client_as(staf)
    assert names(client.get(f"{LIST}?coverage=coached")) == expect(coverage, "k10")
    assert names(client.get(LIST)) == expect(coverage, *coverage["coops"])  # every visible cooperative
    choices = [value for value, _label in client.get(LIST).context["filter"].form.fields["year"].choices]
    assert choices == [Y, Y - 1, Y - 2, Y - 3, Y - 4]  # no empty choice: the first, this year, shows


def test_the_kecamatan_filter_and_search(client_as, staf, coverage):
    client = client_as(staf)
    d1, d2 = coverage["d1"], coverage["d2"]
    assert names(client.get(f"{LIST}?year={Y}&coverage=visited&district={d1.pk}")) == expect(coverage, "k2", "k6")
    assert names(client.get(f"{LIST}?year={Y}&coverage=visited&district={d2.pk}")) == expect(coverage, "k10")
    assert names(client.get(f"{LIST}?q=koperasi k1")) == expect(coverage, "k1", "k10")


def test_the_list_agrees_with_the_dashboard(client_as, kabid, coverage):
    """The dashboard's coaching figures link here with ``period_q``: the list shows exactly
    as many rows, for the office and for one kecamatan, this year and last."""
    from koperasi_registry.dashboard.period import Period
    from koperasi_registry.dashboard.selectors import district_scorecard

    client = client_as(kabid)
    for year in (Y, P):
        scorecard = district_scorecard(user=kabid, period=Period(year=year, today=timezone.localdate()))
        by_district = {row["district"].pk: row for row in scorecard["rows"]}
        for district, figures in ((None, scorecard["total"]), (coverage["d1"], by_district[coverage["d1"].pk])):
            period = Period(year=year, today=timezone.localdate(), district=district)
            for value in ("coached", "assigned_unvisited", "visited"):
                query = period.query(year=year, coverage=value)
                response = client.get(f"{LIST}?{query}")
                assert response.context["table"].paginator.count == figures[value], (year, district, value)


# --- Columns -----------------------------------------------------------------------------------


def rows_by_name(response):
    assert response.status_code == 200
    return {row.record.name: row for row in response.context["table"].paginated_rows}


def test_columns_for_last_year(client_as, staf, coverage):
    rows = rows_by_name(client_as(staf).get(f"{LIST}?year={P}"))
    summary = {
        name: (row.record.year_visits, row.record.last_visit, row.get_cell_value("assistants"))
        for name, row in rows.items()
    }
    coops = coverage["coops"]
    assert summary[coops["k1"].name] == (2, d(P, 12, 31), "Budi Santoso")
    assert summary[coops["k2"].name] == (1, d(P, 12, 31), "Sari Dewi")
    assert summary[coops["k3"].name] == (2, d(P, 9, 9), "")
    assert summary[coops["k4"].name] == (0, None, "")  # the assignment ended before the year
    assert summary[coops["k5"].name] == (0, None, "")  # the assignment started after it
    assert summary[coops["k6"].name] == (0, None, "Budi Santoso")  # its visit came in the next year
    assert summary[coops["k10"].name] == (0, None, "")


def test_the_visit_count_links_to_that_many_visits(client_as, staf, coverage):
    client = client_as(staf)
    html = client.get(f"{LIST}?year={P}").content.decode()
    links = re.findall(rf'href="({re.escape(VISITS)}\?[^"]*)">(\d+)</a>', html)
    assert len(links) == len(coverage["coops"])
    assert sum(int(count) for _href, count in links) == 5  # k1 2, k2 1, k3 2
    for href, count in links:
        response = client.get(href.replace("&amp;", "&"))
        assert response.context["table"].paginator.count == int(count), href


# --- Errors, sorting, export --------------------------------------------------------------------


@pytest.mark.parametrize("query", ["coverage=xyz", "year=1800", f"year={Y + 1}", "year=abc", "district=999999"])
def test_a_bad_filter_value_shows_an_error_and_no_rows(client_as, staf, coverage, query):
    response = client_as(staf).get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert names(response) == []
    assert "Saringan tidak valid" in response.content.decode()


ORDERABLE = ["name", "district", "village", "year_visits", "last_visit"]


@pytest.mark.parametrize("column", ORDERABLE)
@pytest.mark.parametrize("direction", ["", "-"])
def test_every_column_sorts(client_as, staf, coverage, column, direction):
    response = client_as(staf).get(f"{LIST}?year={P}&sort={direction}{column}")
    records = [row.record for row in response.context["table"].paginated_rows]
    assert len(records) == 10
    value = {
        "district": lambda c: c.village.district.name,
        "village": lambda c: c.village.name,
    }.get(column, lambda c: getattr(c, column))
    values = [value(c) for c in records if value(c) is not None]  # NULLs go first or last by database
    assert values == sorted(values, reverse=bool(direction))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_honours_filters_and_sorting(client_as, staf, coverage, fmt):
    response = client_as(staf).get(f"{LIST}?year={P}&coverage=not_coached&district={coverage['d1'].pk}&sort=-name&_export={fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        table = list(csv.reader(io.StringIO(response.content.decode())))
    else:
        table = [list(row) for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    header, body = table[0], table[1:]
    assert header == ["Koperasi", "Kecamatan", "Desa/kelurahan", "Kunjungan tahun itu", "Kunjungan terakhir", "Pendamping tahun itu"]
    coops = coverage["coops"]
    assert [row[0] for row in body] == sorted(expect(coverage, "k2", "k3", "k4", "k5", "k6", "k8"), reverse=True)
    k2 = next(row for row in body if row[0] == coops["k2"].name)
    assert [str(cell) for cell in k2[3:]] == ["1", d(P, 12, 31).isoformat(), "Sari Dewi"]
    assert "<" not in "".join(str(cell) for row in body for cell in row)


# --- Access and query counts -------------------------------------------------------------------


def test_anonymous_users_go_to_the_login_page(client, sintang):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("role", "status"), [(access.ADMIN, 200), (access.KABID, 200), (access.STAF, 200), (access.PENDAMPING, 403)]
)
def test_office_roles_only(client_as, role_users, sintang, role, status):
    assert client_as(role_users[role]).get(LIST).status_code == status


@pytest.mark.parametrize("query", ["", f"year={P}&coverage=assigned_unvisited", "coverage=coached&district={d}"])
@pytest.mark.parametrize("n", [3, 30])
def test_query_count_does_not_grow(client_as, staf, sintang, django_assert_max_num_queries, n, query):
    """n cooperatives, each assigned (two assistants over time) and visited twice."""
    district = District.objects.in_regency("61.05").order_by("code").first()
    village = Village.objects.filter(district=district).first()
    for i in range(n):
        cooperative = CooperativeFactory(village=village, founded_on=OLD)
        AssignmentFactory(cooperative=cooperative, start_date=d(P, 1, 1), end_date=d(P, 12, 31))
        AssignmentFactory(cooperative=cooperative, start_date=d(Y, 1, 1))
        CoachingVisitFactory(cooperative=cooperative, visit_date=d(Y, 1, 1 + i % 28))
        CoachingVisitFactory(cooperative=cooperative, visit_date=d(P, 2, 1 + i % 28))
    client = client_as(staf)
    url = f"{LIST}?{query.format(d=district.pk)}"
    with django_assert_max_num_queries(QUERY_BUDGETS["assistants:coverage_list"]):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(QUERY_BUDGETS["assistants:coverage_list"]):
        assert client.get(f"{url}&_export=csv").status_code == 200
