"""The "Tren 5 tahun" page against a hand-counted history (``build_history``): every figure,
every drill-down link's list count, the status and compliance the registry itself reports,
role access and a constant number of queries."""

import datetime
import json
import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cooperatives.choices import Lifecycle
from cooperatives.models import Cooperative, District, Village
from koperasi_registry import access
from koperasi_registry.dashboard.period import Period
from koperasi_registry.dashboard.selectors import status_summary
from koperasi_registry.dashboard.selectors.trends import (
    book_years,
    chart_data,
    five_year_trends,
    rate,
    status_list_available,
)
from tests.assistants.factories import CoachingVisitFactory
from tests.cooperatives.health_helpers import PERMENKOP, assess
from tests.factories import CooperativeFactory, RatFilingFactory
from tests.query_budgets import QUERY_BUDGETS

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 8, 1)  # reference book year 2024 (primer deadline 30 April 2025)
URL = "dashboard_trends"


def filing(cooperative, book_year, reported_on=None):
    reported_on = reported_on or datetime.date(book_year + 1, 3, 20)  # on time
    return RatFilingFactory(
        cooperative=cooperative,
        book_year=book_year,
        rat_date=reported_on - datetime.timedelta(days=5),
        reported_on=reported_on,
    )


def build_history(admin) -> dict:
    """Seven savings-and-loan cooperatives (primer) over 2016-2025; TODAY is 1 August 2025.

    | coop | kecamatan | founded | filings (book year; late = reported after 30 April) | other |
    |---|---|---|---|---|
    | P | Sintang | unknown | 2019-2024 | |
    | Q | Sintang | 2010 | 2019, 2020 late, 2022 | |
    | R | Sintang | 2010 | 2018 | |
    | S | Sintang | 1/3/2022 | 2023, 2024 late | |
    | T | Tempunak | 2010 | 2020, 2021, 2023, 2024 late | |
    | U | Sintang | 2010 | 2019, 2020, 2021 | dissolved, SK 15/5/2023 |
    | V | Sintang | 2010 | 2016, 2024 | |

    Status on each book year's day (31 Dec of the next year; 2024: today):

    | book year | P | Q | R | S | T | U | V |
    |---|---|---|---|---|---|---|---|
    | 2020 | aktif | aktif | kurang | – | aktif | aktif | tidak |
    | 2021 | aktif | kurang | tidak | baru | aktif | aktif | tidak |
    | 2022 | aktif | aktif | tidak | baru | kurang | dibubarkan | tidak |
    | 2023 | aktif | kurang | tidak | aktif | aktif | dibubarkan | tidak |
    | 2024 | aktif | kurang | tidak | aktif | aktif | dibubarkan | aktif |

    Assessments (KSP instrument unless said; category rank in brackets): P 2022 Sehat, 2023
    Cukup Sehat, 2025 Sehat; Q 2022 Dalam Pengawasan, 2023 Sehat, 2025 Sehat (March) and
    Dalam Pengawasan (Permenkop, July: the latest); R 2020 Cukup Sehat, 2023 Dalam
    Pengawasan Khusus, 2025 Cukup Sehat; T 2024 Dalam Pengawasan Khusus; V 2023 Dalam
    Pengawasan Khusus.

    Visits: P 2024 pembinaan x2; Q 2024 pembinaan + pendampingan RAT; R 2024 pelatihan +
    pembinaan (one coaching visit: not coached); V 2024 pendampingan RAT + monev; T 2023
    monev; U 2021 pembinaan; S 2025 pembinaan.
    """
    sintang = District.objects.get(code="61.05.01")
    tempunak = District.objects.get(code="61.05.02")
    v1 = Village.objects.filter(district=sintang).order_by("code").first()
    t1 = Village.objects.filter(district=tempunak).order_by("code").first()
    old = datetime.date(2010, 1, 1)

    def make(village=v1, founded_on=old, **kwargs):
        return CooperativeFactory(
            village=village, founded_on=founded_on, jenis="simpan_pinjam", **kwargs
        )

    c = {
        "P": make(founded_on=None),
        "Q": make(),
        "R": make(),
        "S": make(founded_on=datetime.date(2022, 3, 1)),
        "T": make(village=t1),
        "U": make(
            lifecycle=Lifecycle.DIBUBARKAN,
            dissolution_decree_number="SK 7/2023",
            dissolution_decree_date=datetime.date(2023, 5, 15),
        ),
        "V": make(),
    }
    for year in range(2019, 2025):
        filing(c["P"], year)
    filing(c["Q"], 2019)
    filing(c["Q"], 2020, datetime.date(2021, 6, 10))
    filing(c["Q"], 2022)
    filing(c["R"], 2018)
    filing(c["S"], 2023)
    filing(c["S"], 2024, datetime.date(2025, 6, 1))
    for year in (2020, 2021, 2023):
        filing(c["T"], year)
    filing(c["T"], 2024, datetime.date(2025, 7, 1))
    for year in (2019, 2020, 2021):
        filing(c["U"], year)
    filing(c["V"], 2016)
    filing(c["V"], 2024)

    def health(coop, year, score, **kwargs):
        return assess(c[coop], year=year, score=score, assessor=admin, **kwargs)

    health("P", 2022, 85)
    health("P", 2023, 70)
    health("P", 2025, 85)
    health("Q", 2022, 60)
    health("Q", 2023, 85)
    health("Q", 2025, 85, assessed_on=datetime.date(2025, 3, 1))
    latest = health("Q", 2025, 40, code=PERMENKOP, assessed_on=datetime.date(2025, 7, 1))
    assert (latest.category, latest.category_rank) == ("Dalam Pengawasan", 3)
    health("R", 2020, 70)
    health("R", 2023, 40)
    health("R", 2025, 70)
    health("T", 2024, 40)
    health("V", 2023, 40)

    def visit(coop, day, kind="pembinaan"):
        CoachingVisitFactory(cooperative=c[coop], visit_date=day, kind=kind)

    visit("P", datetime.date(2024, 2, 10))
    visit("P", datetime.date(2024, 5, 10))
    visit("Q", datetime.date(2024, 3, 1))
    visit("Q", datetime.date(2024, 9, 1), "pendampingan_rat")
    visit("R", datetime.date(2024, 4, 1), "pelatihan")
    visit("R", datetime.date(2024, 6, 1))
    visit("V", datetime.date(2024, 10, 1), "pendampingan_rat")
    visit("V", datetime.date(2024, 11, 1), "monev")
    visit("T", datetime.date(2023, 7, 1), "monev")
    visit("U", datetime.date(2021, 3, 1))
    visit("S", datetime.date(2025, 2, 1))
    return {"sintang": sintang, "tempunak": tempunak, **c}


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def history(sintang, admin, today):
    return build_history(admin)


def period(year=2025, district=None):
    return Period(year=year, today=TODAY, district=district)


def pick(rows, *keys):
    return [tuple(row[key] for key in keys) for row in rows]


# --- Pure parts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(0, 0, None), (3, 0, None), (0, 6, 0.0), (1, 3, 33.3), (2, 3, 66.7), (6, 6, 100.0)],
)
def test_rate_is_a_one_decimal_percentage_and_none_without_a_base(part, whole, expected):
    assert rate(part, whole) == expected


@pytest.mark.parametrize(
    ("day", "year", "expected"),
    [
        (datetime.date(2025, 8, 1), 2025, [2020, 2021, 2022, 2023, 2024]),
        (
            datetime.date(2025, 4, 30),
            2025,
            [2019, 2020, 2021, 2022, 2023],
        ),  # deadline not passed yet
        (datetime.date(2025, 8, 1), 2022, [2017, 2018, 2019, 2020, 2021]),  # read on 31 Dec 2022
    ],
)
def test_five_book_years_end_at_the_reference_book_year(day, year, expected):
    assert book_years(Period(year=year, today=day)) == expected


@pytest.mark.parametrize(
    ("year", "expected"), [(2025, True), (2021, True), (2020, False), (2018, False)]
)
def test_the_cooperative_list_shows_statuses_of_the_last_four_year_ends_and_today(year, expected):
    assert status_list_available(Period(year=year, today=TODAY), today=TODAY) is expected


def test_chart_data_carries_the_table_numbers():
    trends = {
        "years": [2023, 2024],
        "status": [
            {"aktif": 1, "kurang_aktif": 2, "tidak_aktif": 3},
            {"aktif": 4, "kurang_aktif": 5, "tidak_aktif": 6},
        ],
        "rat": [
            {"on_time": 1, "late": 0, "not_filed": 2},
            {"on_time": 3, "late": 1, "not_filed": 0},
        ],
        "health": {"categories": [{"label": "Sehat", "rank": 1, "cells": [{"n": 2}, {"n": 0}]}]},
        "visits": [{"visits": 4, "visited": 2}, {"visits": 0, "visited": 0}],
    }
    charts = chart_data(trends)
    assert charts["status"]["labels"] == ["2023", "2024"] and charts["status"]["stacked"] is True
    assert [(s["key"], s["data"]) for s in charts["status"]["series"]] == [
        ("aktif", [1, 4]),
        ("kurang_aktif", [2, 5]),
        ("tidak_aktif", [3, 6]),
    ]
    assert [(s["key"], s["data"]) for s in charts["rat"]["series"]] == [
        ("on_time", [1, 3]),
        ("late", [0, 1]),
        ("not_filed", [2, 0]),
    ]
    assert charts["health"]["series"] == [{"key": "rank-1", "label": "Sehat", "data": [2, 0]}]
    assert [s["data"] for s in charts["visits"]["series"]] == [[4, 0], [2, 0]]
    assert charts["visits"]["stacked"] is False


# --- Figures -----------------------------------------------------------------------------------

STATUS = ("book_year", "aktif", "kurang_aktif", "tidak_aktif", "aktif_nasional")
RAT = ("book_year", "due", "on_time", "late", "not_filed", "on_time_rate")


def test_status_per_book_year(history, staf):
    trends = five_year_trends(user=staf, period=period())
    assert trends["years"] == [2020, 2021, 2022, 2023, 2024]
    assert pick(trends["status"], *STATUS) == [
        (2020, 4, 1, 1, 5),
        (2021, 3, 1, 2, 4),
        (2022, 2, 1, 2, 3),
        (2023, 3, 1, 2, 4),
        (2024, 4, 1, 1, 5),
    ]
    assert [row["day"] for row in trends["status"]] == [
        datetime.date(2021, 12, 31),
        datetime.date(2022, 12, 31),
        datetime.date(2023, 12, 31),
        datetime.date(2024, 12, 31),
        TODAY,
    ]
    assert [row["today"] for row in trends["status"]] == [False, False, False, False, True]


def test_rat_compliance_per_book_year(history, staf):
    trends = five_year_trends(user=staf, period=period())
    assert pick(trends["rat"], *RAT) == [
        (2020, 6, 3, 1, 2, 50.0),
        (2021, 6, 3, 0, 3, 50.0),
        (2022, 6, 2, 0, 4, 33.3),  # S not due yet (founded 2022); U due (decree after the deadline)
        (2023, 6, 3, 0, 3, 50.0),  # U not due (dissolved before the deadline)
        (2024, 6, 2, 2, 2, 33.3),
    ]


def test_health_per_year_by_category_best_first(history, staf):
    health = five_year_trends(user=staf, period=period())["health"]
    assert [
        (row["label"], row["rank"], [cell["n"] for cell in row["cells"]])
        for row in health["categories"]
    ] == [
        ("Sehat", 1, [0, 0, 1, 1, 0]),
        ("Cukup Sehat", 2, [1, 0, 0, 1, 0]),
        ("Dalam Pengawasan", 3, [0, 0, 1, 0, 0]),
        ("Dalam Pengawasan Khusus", 4, [0, 0, 0, 2, 1]),
    ]
    assert [cell["n"] for cell in health["totals"]] == [1, 0, 2, 4, 1]


def test_visits_per_calendar_year(history, staf):
    visits = five_year_trends(user=staf, period=period())["visits"]
    assert pick(visits, "year", "visits", "visited") == [
        (2020, 0, 0),
        (2021, 1, 1),
        (2022, 0, 0),
        (2023, 1, 1),
        (2024, 8, 4),
        (2025, 1, 1),  # this year to date (S, 1 February 2025)
    ]


def test_one_kecamatan(history, kabid):
    trends = five_year_trends(user=kabid, period=period(district=history["tempunak"]))
    assert pick(trends["status"], "aktif", "kurang_aktif", "tidak_aktif") == [
        (1, 0, 0),
        (1, 0, 0),
        (0, 1, 0),
        (1, 0, 0),
        (1, 0, 0),
    ]
    assert pick(trends["rat"], "due", "on_time", "late", "not_filed") == [
        (1, 1, 0, 0),
        (1, 1, 0, 0),
        (1, 0, 0, 1),
        (1, 1, 0, 0),
        (1, 0, 1, 0),
    ]
    assert [cell["n"] for cell in trends["health"]["totals"]] == [0, 0, 0, 0, 1]
    assert pick(trends["visits"], "visits") == [(0,), (0,), (0,), (1,), (0,), (0,)]


def test_a_past_year_reads_five_earlier_book_years(history, staf):
    """2023 is read on 31 December 2023: book years 2018-2022."""
    trends = five_year_trends(user=staf, period=period(2023))
    assert trends["years"] == [2018, 2019, 2020, 2021, 2022]
    assert pick(trends["status"], *STATUS)[2:] == [
        (2020, 4, 1, 1, 5),
        (2021, 3, 1, 2, 4),
        (2022, 2, 1, 2, 3),
    ]
    # End of 2019 (reference 2018): R filed 2018, V's 2016 is within the window, P, Q, T
    # and U had not filed yet; S was not founded.
    assert pick(trends["status"], *STATUS)[:2] == [(2018, 1, 1, 4, 2), (2019, 3, 1, 2, 4)]


def test_status_and_compliance_agree_with_the_registry(history, staf, kabid):
    """Each book year's figures are what the dashboard summary and RAT compliance report."""
    for user, district in ((staf, None), (kabid, history["tempunak"])):
        trends = five_year_trends(user=user, period=period(district=district))
        for status, rat in zip(trends["status"], trends["rat"], strict=True):
            summary = status_summary(user=user, period=period(status["book_year"] + 1, district))
            assert pick(
                [summary], "aktif", "kurang_aktif", "tidak_aktif", "aktif_nasional"
            ) == pick([status], "aktif", "kurang_aktif", "tidak_aktif", "aktif_nasional")
            cooperatives = Cooperative.objects.visible_to(user)
            if district is not None:
                cooperatives = cooperatives.filter(village__district=district)
            counts = cooperatives.rat_compliance_counts(book_year=rat["book_year"])
            assert counts == {key: rat[key] for key in ("due", "on_time", "late", "not_filed")}


def test_a_pendamping_without_assignments_sees_nothing(history, pendamping):
    trends = five_year_trends(user=pendamping, period=period())
    assert all(row["aktif"] == row["tidak_aktif"] == 0 for row in trends["status"])
    assert (
        all(row["visits"] == 0 for row in trends["visits"]) and trends["health"]["categories"] == []
    )


# --- The page ----------------------------------------------------------------------------------

LINK = re.compile(r'<a href="(?P<url>[^"]+)" data-testid="(?P<testid>[^"]+)">(?P<n>\d+)</a>')


def links(html: str) -> dict[str, tuple[str, int]]:
    return {m["testid"]: (m["url"].replace("&amp;", "&"), int(m["n"])) for m in LINK.finditer(html)}


def listed(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    assert not response.context["filter"].errors, (url, response.context["filter"].errors)
    return response.context["table"].paginator.count


def coverage_list_exists() -> bool:
    try:
        reverse("assistants:coverage_list")
    except NoReverseMatch:
        return False
    return True


def test_the_page_shows_every_figure_as_a_link(client_as, kabid, history):
    html = client_as(kabid).get(reverse(URL)).content.decode()
    found = {testid: n for testid, (url, n) in links(html).items()}
    assert [found[f"status-aktif-{year}"] for year in range(2020, 2025)] == [4, 3, 2, 3, 4]
    assert [found[f"status-aktif_nasional-{year}"] for year in range(2020, 2025)] == [5, 4, 3, 4, 5]
    assert [found[f"rat-not_filed-{year}"] for year in range(2020, 2025)] == [2, 3, 4, 3, 2]
    assert [found[f"health-total-{year}"] for year in range(2020, 2025)] == [1, 0, 2, 4, 1]
    assert found["health-4-2023"] == 2 and found["visits-2024"] == 8
    assert (
        'data-testid="rat-rate-2022">33,3%' in html or 'data-testid="rat-rate-2022">33.3%' in html
    )
    assert "hari ini" in html and "31 Des 2023" in html


@pytest.mark.parametrize("query", ["", "?district=TEMPUNAK"])
def test_every_number_links_to_a_list_with_that_many_rows(client_as, staf, history, query):
    client = client_as(staf)
    query = query.replace("TEMPUNAK", str(history["tempunak"].pk))
    found = links(client.get(reverse(URL) + query).content.decode())
    # 5 years x (4 status + 4 RAT + visits) + this year's visits, all linked
    assert len([t for t in found if t.startswith(("status-", "rat-", "visits-"))]) == 46
    assert len([t for t in found if t.startswith("health-total-")]) == 5
    if coverage_list_exists():  # the coverage list offers this year and the four before it
        assert sorted(t for t in found if t.startswith("visited-")) == [
            f"visited-{y}" for y in range(2021, 2026)
        ]
    checked = {}
    for testid, (url, n) in found.items():
        if url not in checked:
            checked[url] = listed(client, url)
        assert checked[url] == n, (testid, url)
    assert len(checked) >= 40


def test_status_links_stop_where_the_list_cannot_follow(client_as, kabid, history):
    """2022 is read on 31 Dec 2022 (book years 2017-2021, read at the ends of 2018-2022);
    the list shows the statuses of the last four year ends (2021-2024), so only book years
    2020 and 2021 link."""
    client = client_as(kabid)
    html = client.get(reverse(URL) + "?year=2022").content.decode()
    found = links(html)
    assert sorted(
        {testid.rsplit("-", 1)[1] for testid in found if testid.startswith("status-")}
    ) == ["2020", "2021"]
    assert 'data-testid="status-unlinked-note"' in html
    url, n = found["status-aktif-2021"]
    assert "year=2022" in url and listed(client, url) == n == 3
    url, n = found["status-tidak_aktif-2020"]
    assert "year=2021" in url and listed(client, url) == n == 1


def test_health_links_use_labels_the_assessment_filter_accepts(client_as, staf, history):
    client = client_as(staf)
    url, n = links(client.get(reverse(URL)).content.decode())["health-4-2023"]
    assert "category=Dalam+Pengawasan+Khusus" in url and "year=2023" in url
    response = client.get(url)
    assert (
        response.context["filter"].form.is_valid()
        and response.context["table"].paginator.count == n == 2
    )


def test_charts_are_drawn_from_json_script_with_the_vendored_library_and_no_inline_script(
    client_as, kabid, history
):
    html = client_as(kabid).get(reverse(URL)).content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/dashboard_charts.js" in html
    for name in ("status", "rat", "health", "visits"):
        assert f'data-chart="chart-{name}-data"' in html and f'id="table-{name}"' in html
        data = json.loads(
            re.search(
                rf'<script id="chart-{name}-data" type="application/json">(.*?)</script>',
                html,
                re.DOTALL,
            )[1]
        )
        this_year = ["2025 (s.d. hari ini)"] if name == "visits" else []  # visits: calendar years
        assert data["labels"] == ["2020", "2021", "2022", "2023", "2024", *this_year]
    status = json.loads(
        re.search(
            r'<script id="chart-status-data" type="application/json">(.*?)</script>',
            html,
            re.DOTALL,
        )[1]
    )
    assert status["series"][0]["data"] == [4, 3, 2, 3, 4]
    assert html.count('role="img"') == 4 and "tabel" in html
    for script in re.findall(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", html, re.DOTALL):
        attrs, _body = script
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
    assert html.count("table-responsive") >= 4


def test_other_dashboard_pages_do_not_load_chartjs(client_as, kabid, history):
    assert "chart.umd.min.js" not in client_as(kabid).get(reverse("dashboard")).content.decode()


def test_anonymous_goes_to_the_login_page(client):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "status"),
    [(access.ADMIN, 200), (access.KABID, 200), (access.STAF, 200), (access.PENDAMPING, 403)],
)
def test_office_roles_only(client_as, role_users, sintang, today, role, status):
    assert client_as(role_users[role]).get(reverse(URL)).status_code == status


@pytest.mark.parametrize("query", ["", "?year=2023&district=DISTRICT"])
def test_query_count_is_the_same_for_few_and_many_cooperatives(
    client_as, staf, sintang, admin, today, django_assert_max_num_queries, query
):
    client = client_as(staf)
    query = query.replace("DISTRICT", str(District.objects.get(code="61.05.01").pk))
    villages = list(Village.objects.filter(district__code="61.05.01").order_by("code")[:30])

    def add(village, index):
        cooperative = CooperativeFactory(
            village=village, founded_on=datetime.date(2015, 1, 1), jenis="simpan_pinjam"
        )
        filing(cooperative, 2022 + index % 3)
        CoachingVisitFactory(
            cooperative=cooperative, visit_date=datetime.date(2022 + index % 3, 5, 1)
        )
        assess(cooperative, year=2021 + index % 4, score=50 + index, assessor=admin)

    for index, village in enumerate(villages[:3]):
        add(village, index)
    with django_assert_max_num_queries(QUERY_BUDGETS[URL]):
        assert client.get(reverse(URL) + query).status_code == 200
    for index, village in enumerate(villages[3:], start=3):
        add(village, index)
    with django_assert_max_num_queries(QUERY_BUDGETS[URL]):
        response = client.get(reverse(URL) + query)
    assert response.status_code == 200
    assert sum(row["visits"] for row in response.context["trends"]["visits"]) > 3
