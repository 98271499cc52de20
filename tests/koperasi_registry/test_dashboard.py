"""The home page: figures, drill-down links that show the same count, role variants."""

import re

import pytest
from django.urls import reverse

from koperasi_registry import access
from tests.factories import CooperativeFactory
from tests.query_budgets import QUERY_BUDGETS

pytestmark = pytest.mark.django_db


def _links(html: str, testid_prefix: str) -> dict[str, tuple[str, int]]:
    pattern = rf'<a [^>]*href="([^"]+)"[^>]*data-testid="({testid_prefix}[^"]*)"[^>]*>(?:<div class="card-body">.*?<div class="fs-4[^"]*">)?(\d+)<'
    return {m[1]: (m[0].replace("&amp;", "&"), int(m[2])) for m in re.findall(pattern, html, re.S)}


@pytest.fixture
def office(sintang):
    from cooperatives.models import Village

    villages = list(Village.objects.order_by("code")[:40])
    for i, village in enumerate(villages):
        CooperativeFactory(village=village, last_rat_year=[2025, 2024, 2023, 2020, None][i % 5])
    return villages


def test_office_roles_see_status_cards_whose_links_list_the_same_count(client_as, kabid, office):
    client = client_as(kabid)
    html = client.get(reverse("dashboard")).content.decode()
    cards = _links(html, "card-")
    assert set(cards) >= {"card-registered", "card-aktif", "card-kurang_aktif", "card-tidak_aktif", "card-baru"}
    assert cards["card-registered"][1] == 40
    for testid, (url, count) in cards.items():
        listed = client.get(url)
        assert listed.status_code == 200, url
        assert listed.context["table"].paginator.count == count, (testid, url)


def test_scorecard_tidak_aktif_links_land_on_a_list_with_that_many_rows(client_as, staf, office):
    client = client_as(staf)
    html = client.get(reverse("dashboard")).content.decode()
    links = _links(html, "tidak-aktif-")
    assert len(links) == 14
    assert sum(count for _, count in links.values()) > 0
    for url, count in links.values():
        assert client.get(url).context["table"].paginator.count == count


def test_pendamping_gets_quick_actions_not_office_figures(client_as, pendamping, office):
    response = client_as(pendamping).get(reverse("dashboard"))
    html = response.content.decode()
    assert 'data-testid="log-visit"' in html
    assert reverse("assistants:my_cooperatives") in html
    assert 'data-testid="scorecard"' not in html


@pytest.mark.parametrize("role", [access.ADMIN, access.KABID, access.STAF, access.PENDAMPING])
def test_dashboard_query_count_is_the_same_for_few_and_many_cooperatives(
    client_as, role_users, sintang, django_assert_max_num_queries, role
):
    from cooperatives.models import Village

    client = client_as(role_users[role])
    villages = list(Village.objects.order_by("code")[:33])
    for village in villages[:3]:
        CooperativeFactory(village=village, last_rat_year=2024)
    with django_assert_max_num_queries(QUERY_BUDGETS["dashboard"]):
        assert client.get(reverse("dashboard")).status_code == 200
    for village in villages[3:]:
        CooperativeFactory(village=village, last_rat_year=2020)
    with django_assert_max_num_queries(QUERY_BUDGETS["dashboard"]):
        assert client.get(reverse("dashboard")).status_code == 200
