"""The home page: every figure links to a list with the same count; year and kecamatan;
role variants; a constant number of queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperatives.models import District
from koperasi_registry import access
from tests.factories import CooperativeFactory
from tests.query_budgets import QUERY_BUDGETS

from .hand_counted import TODAY

pytestmark = pytest.mark.django_db

# <a href="URL" ...>N</a>, or a card whose big number is N; optionally with a data-testid.
LINK = re.compile(
    r'<a (?:class="[^"]*" )?href="(?P<url>[^"]+)"(?: data-testid="(?P<testid>[^"]+)")?>'
    r'(?:<div class="card-body">.*?<div class="fs-4[^"]*">|<span class="fs-4[^"]*">)?(?P<n>\d+)<',
    re.S,
)


def figures(html: str) -> list[tuple[str, str, int]]:
    """(testid or "", url, number) of every link whose text is a number."""
    return [(m["testid"] or "", m["url"].replace("&amp;", "&"), int(m["n"])) for m in LINK.finditer(html)]


def listed(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["table"].paginator.count


def by_testid(html):
    return {testid: (url, n) for testid, url, n in figures(html) if testid}


def test_the_panels_show_the_hand_counted_figures(client_as, kabid, office):
    html = client_as(kabid).get(reverse("dashboard")).content.decode()
    found = {testid: n for testid, (url, n) in by_testid(html).items()}
    assert found == {
        "card-registered": 8, "card-aktif": 2, "card-kurang_aktif": 1, "card-tidak_aktif": 2, "card-baru": 1,
        "card-dissolved": 2, "national-aktif": 3,
        "rat-due": 6, "rat-on_time": 1, "rat-late": 1, "rat-not_filed": 4,
        "health-1": 1, "health-2": 1,
        "coaching-visits": 3, "coaching-visited": 2, "coaching-coached": 1, "coaching-unvisited": 1,
        "followups-open": 2, "followups-overdue": 1,
        "coverage-without_active": 405, "coverage-without_merah_putih": 404,
        **{f"tidak-aktif-{district.code}": 0 for district in District.objects.in_regency("61.05")},
        "tidak-aktif-61.05.01": 1, "tidak-aktif-61.05.02": 1,
    }
    assert "Tahun buku 2024" in html or "tahun buku 2024" in html


@pytest.mark.parametrize("query", ["", "?year=2024", "?district=DISTRICT", "?year=2024&district=DISTRICT"])
def test_every_number_links_to_a_list_with_that_many_rows(client_as, staf, office, query):
    """The cards, panels and every cell of the scorecard, this year and a past one, for the
    office and for one kecamatan."""
    client = client_as(staf)
    query = query.replace("DISTRICT", str(office["tempunak"].pk))
    html = client.get(reverse("dashboard") + query).content.decode()
    links = figures(html)
    rows = 1 if "district" in query else 14  # one kecamatan chosen: its scorecard row alone
    assert len(links) > rows * 17  # every scorecard cell, plus the panels
    checked = {}
    for testid, url, n in links:
        if url.startswith("?"):  # a kecamatan name selects it on the dashboard
            continue
        if url not in checked:
            checked[url] = listed(client, url)
        assert checked[url] == n, (testid, url)


def test_a_past_year_reads_the_statuses_at_its_end(client_as, kabid, office):
    client = client_as(kabid)
    html = client.get(reverse("dashboard") + "?year=2024").content.decode()
    found = {testid: n for testid, (url, n) in by_testid(html).items()}
    assert (found["card-registered"], found["card-aktif"], found["card-dissolved"], found["national-aktif"]) == (7, 3, 1, 4)
    assert (found["rat-due"], found["rat-on_time"], found["rat-not_filed"]) == (7, 3, 4)
    url, n = by_testid(html)["card-aktif"]
    assert "year=2024" in url and listed(client, url) == 3
    assert "31 Desember 2024" in html


def test_one_kecamatan(client_as, kabid, office):
    html = client_as(kabid).get(reverse("dashboard") + f"?district={office['tempunak'].pk}").content.decode()
    found = {testid: n for testid, (url, n) in by_testid(html).items()}
    assert (found["card-registered"], found["card-baru"], found["card-dissolved"]) == (4, 1, 2)
    assert (found["rat-due"], found["rat-not_filed"]) == (2, 2)
    assert 'aria-current="true"' in html  # its scorecard row is highlighted


def test_a_bad_year_or_kecamatan_falls_back_with_a_message(client_as, kabid, office):
    response = client_as(kabid).get(reverse("dashboard") + "?year=1999&district=abc")
    assert response.status_code == 200
    assert response.context["period"].year == TODAY.year and response.context["period"].district is None
    assert "tidak dikenal" in response.content.decode()


def test_the_coaching_target(client_as, kabid, office):
    from assistants.models import CoachingTarget

    client = client_as(kabid)
    assert "Belum ada target pembinaan tahun 2025" in client.get(reverse("dashboard")).content.decode()
    CoachingTarget.objects.create(year=2025, target_count=5)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Target 5 koperasi dibina intensif: tercapai 1, kurang 4." in html
    assert 'aria-valuenow="20"' in html


def test_pendamping_gets_quick_actions_not_office_figures(client_as, pendamping, office):
    response = client_as(pendamping).get(reverse("dashboard"))
    html = response.content.decode()
    assert 'data-testid="log-visit"' in html
    assert reverse("assistants:my_cooperatives") in html
    assert 'data-testid="scorecard"' not in html and 'data-testid="period-form"' not in html


def test_anonymous_goes_to_the_login_page(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", [access.ADMIN, access.KABID, access.STAF, access.PENDAMPING])
@pytest.mark.parametrize("query", ["", "?year=2024&district=1"])
def test_dashboard_query_count_is_the_same_for_few_and_many_cooperatives(
    client_as, role_users, sintang, django_assert_max_num_queries, role, query
):
    from cooperatives.models import Village
    from tests.assistants.factories import CoachingVisitFactory

    client = client_as(role_users[role])
    villages = list(Village.objects.order_by("code")[:33])
    for village in villages[:3]:
        CooperativeFactory(village=village, last_rat_year=2024)
    with django_assert_max_num_queries(QUERY_BUDGETS["dashboard"]):
        assert client.get(reverse("dashboard") + query).status_code == 200
    for village in villages[3:]:
        cooperative = CooperativeFactory(village=village, last_rat_year=2020, founded_on=datetime.date(2019, 1, 1))
        CoachingVisitFactory(cooperative=cooperative, visit_date=timezone.localdate())
    with django_assert_max_num_queries(QUERY_BUDGETS["dashboard"]):
        assert client.get(reverse("dashboard") + query).status_code == 200
