"""The "Dampak pendampingan" page: the pure rules, every figure against the hand-counted
history of ``test_dashboard_trends.build_history``, the method text, role access and a
constant number of queries."""

import datetime

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cooperatives.choices import Status
from cooperatives.models import District, Village
from koperasi_registry import access
from koperasi_registry.dashboard.period import Period
from koperasi_registry.dashboard.selectors.effect import (
    DOWN,
    SAME,
    UP,
    coaching_effect,
    coaching_year,
    count_outcomes,
    in_cohort,
    movement,
    outcome_table,
    share,
    status_rank,
)
from tests.assistants.factories import CoachingVisitFactory
from tests.factories import CooperativeFactory
from tests.query_budgets import QUERY_BUDGETS

from .test_dashboard_trends import TODAY, build_history, filing

pytestmark = pytest.mark.django_db

URL = "dashboard_effect"
FIGURES = ("n", "filed", "status_up", "status_down", "assessed", "health_up", "health_down")
SHARES = (
    "filed_share",
    "status_up_share",
    "status_down_share",
    "assessed_share",
    "health_up_share",
    "health_down_share",
)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def history(sintang, admin, today):
    return build_history(admin)


def period(year=2025, district=None):
    return Period(year=year, today=TODAY, district=district)


def pick(row, keys):
    return tuple(row[key] for key in keys)


# --- Pure rules (no database) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "rank"),
    [
        (Status.TIDAK_AKTIF, 0),
        (Status.KURANG_AKTIF, 1),
        (Status.AKTIF, 2),
        (Status.BARU, None),
        (Status.DIBUBARKAN, None),
        (Status.PEMBUBARAN, None),
        (None, None),
    ],
)
def test_status_rank_and_the_cohort(status, rank):
    assert status_rank(status) == rank
    assert in_cohort(status) is (rank is not None)


@pytest.mark.parametrize(
    ("before", "after", "lower_is_better", "expected"),
    [
        (0, 1, False, UP),
        (0, 2, False, UP),
        (1, 2, False, UP),
        (2, 1, False, DOWN),
        (1, 0, False, DOWN),
        (1, 1, False, SAME),
        (3, 1, True, UP),
        (1, 3, True, DOWN),
        (2, 2, True, SAME),  # health: rank 1 is the best
        (None, 1, False, None),
        (1, None, True, None),
        (None, None, False, None),
    ],
)
def test_movement_between_ranks(before, after, lower_is_better, expected):
    assert movement(before, after, lower_is_better=lower_is_better) == expected


@pytest.mark.parametrize(
    ("count", "n", "expected"),
    [(0, 0, None), (5, 0, None), (0, 4, 0.0), (1, 3, 33.3), (2, 3, 66.7), (3, 3, 100.0)],
)
def test_share_with_an_empty_group(count, n, expected):
    assert share(count, n) == expected


def test_the_chosen_year_is_the_outcome_year():
    assert coaching_year(Period(year=2025, today=TODAY)) == 2024


def row(coached, status, end_status, filed=False, before=None, after=None, n=1):
    return {
        "coached": coached,
        "status": status,
        "end_status": end_status,
        "filed_next": filed,
        "health_before": before,
        "health_after": after,
        "n": n,
    }


def test_count_outcomes_from_grouped_rows():
    rows = [
        row(True, Status.TIDAK_AKTIF, Status.AKTIF, filed=True, before=3, after=1, n=2),
        row(True, Status.AKTIF, Status.KURANG_AKTIF, before=1, after=2),
        row(True, Status.AKTIF, Status.AKTIF, filed=True, n=3),
        row(False, Status.KURANG_AKTIF, Status.KURANG_AKTIF, before=2, after=2, n=4),
        row(False, Status.BARU, Status.AKTIF, filed=True, n=7),  # not in the cohort
        row(False, None, None, n=5),  # not registered at the start
    ]
    groups = count_outcomes(rows)
    assert pick(groups["coached"], FIGURES) == (6, 5, 2, 1, 3, 2, 1)
    assert pick(groups["coached"], SHARES) == (83.3, 33.3, 16.7, 50.0, 66.7, 33.3)
    assert pick(groups["not_coached"], FIGURES) == (4, 0, 0, 0, 4, 0, 0)
    assert pick(groups["not_coached"], SHARES) == (0.0, 0.0, 0.0, 100.0, 0.0, 0.0)


def test_an_empty_group_has_no_shares():
    groups = count_outcomes([row(True, Status.AKTIF, Status.AKTIF)])
    assert pick(groups["not_coached"], FIGURES) == (0,) * 7
    assert pick(groups["not_coached"], SHARES) == (None,) * 6
    assert groups["coached"]["health_up_share"] is None  # none assessed twice


def test_outcome_table_rows_name_the_years():
    table = outcome_table(count_outcomes([]), year=2024)
    assert [r["key"] for r in table] == [
        "filed",
        "status_up",
        "status_down",
        "assessed",
        "health_up",
        "health_down",
    ]
    assert (
        "2024" in table[0]["label"] and "2023" in table[3]["label"] and "2025" in table[3]["label"]
    )
    assert [cell["group"] for cell in table[0]["cells"]] == ["coached", "not_coached"]


# --- Figures -----------------------------------------------------------------------------------


def test_this_year_compares_coaching_in_the_year_before(history, staf):
    """Coaching 2024; cohort P, Q, R, T, V (S was Baru at the end of 2023, U is dissolved).
    Coached: P, Q, V; R had one coaching visit (and a training), T none in 2024."""
    effect = coaching_effect(user=staf, period=period())
    assert (effect["coaching_year"], effect["before_year"], effect["outcome_year"]) == (
        2024,
        2023,
        2025,
    )
    assert (
        effect["start_day"] == datetime.date(2023, 12, 31)
        and effect["end_day"] == TODAY
        and effect["end_is_today"]
    )
    assert effect["cohort"] == 5
    # Filed 2024: P, V | T (late). Status: V up, Q down | T up. Health 2023 -> 2025: P up,
    # Q down (its July assessment is the latest) | R up; V was not assessed in 2025.
    assert pick(effect["coached"], FIGURES) == (3, 2, 1, 1, 2, 1, 1)
    assert pick(effect["coached"], SHARES) == (66.7, 33.3, 33.3, 66.7, 50.0, 50.0)
    assert pick(effect["not_coached"], FIGURES) == (2, 1, 1, 0, 1, 1, 0)
    assert pick(effect["not_coached"], SHARES) == (50.0, 50.0, 0.0, 50.0, 100.0, 0.0)
    assert effect["min_visits"] == 2


def test_a_past_year(history, staf):
    """Coaching 2023 (T's single monitoring visit does not make it coached), read from the
    end of 2022 to the end of 2024."""
    effect = coaching_effect(user=staf, period=period(2024))
    assert effect["end_day"] == datetime.date(2024, 12, 31) and not effect["end_is_today"]
    assert pick(effect["coached"], FIGURES) == (0,) * 7
    assert pick(effect["coached"], SHARES) == (None,) * 6
    # Cohort P, Q, R, T, V; filed 2023: P, T; statuses the same at both ends.
    assert pick(effect["not_coached"], FIGURES) == (5, 2, 0, 0, 0, 0, 0)


def test_one_kecamatan(history, kabid):
    effect = coaching_effect(user=kabid, period=period(district=history["tempunak"]))
    assert effect["cohort"] == 1
    assert pick(effect["not_coached"], FIGURES)[:4] == (1, 1, 1, 0)
    assert effect["coached"]["n"] == 0 and effect["coached"]["filed_share"] is None


def test_the_coached_count_follows_the_setting(history, staf, settings):
    settings.ASSISTANTS_COACHED_MIN_VISITS = 1
    effect = coaching_effect(user=staf, period=period())
    assert (effect["coached"]["n"], effect["not_coached"]["n"]) == (
        4,
        1,
    )  # R's one pembinaan now counts


def test_a_pendamping_without_assignments_counts_nothing(history, pendamping):
    assert coaching_effect(user=pendamping, period=period())["cohort"] == 0


# --- The page ----------------------------------------------------------------------------------


def test_the_page_shows_the_figures_and_states_the_method(client_as, kabid, history):
    html = client_as(kabid).get(reverse(URL)).content.decode()
    assert 'data-testid="coached-n">3<' in html and 'data-testid="not_coached-n">2<' in html
    assert (
        '<td class="text-end text-nowrap" data-testid="coached-filed"><span data-count>2</span>'
        in html
    )
    assert "66,7%" in html or "66.7%" in html
    assert "Tahun pendampingan <strong>2024</strong>" in html
    assert "bukan bukti sebab-akibat" in html
    assert "dipilih justru karena lemah" in html
    assert "Jumlahnya 5 koperasi" in html
    assert "Ada 3 koperasi yang dibina dan 2 yang tidak" in html
    assert (
        "paling sedikit 2 kunjungan berjenis Pembinaan, Pendampingan RAT, Monitoring dan evaluasi"
        in html
    )
    assert "status akhirnya dibaca hari ini" in html
    assert html.count("table-responsive") >= 1


def test_an_empty_group_shows_a_dash(client_as, kabid, history):
    html = (
        client_as(kabid).get(reverse(URL) + f"?district={history['tempunak'].pk}").content.decode()
    )
    assert 'data-testid="coached-n">0<' in html
    assert "(–)" in html


def test_coverage_links_when_the_list_exists(client_as, staf, history):
    """The group lists (assistants:coverage_list) hold every cooperative coached, or not, in
    2024, the cohort's and others'; the page says so and links them when the list exists."""
    client = client_as(staf)
    html = client.get(reverse(URL)).content.decode()
    try:
        coverage_url = reverse("assistants:coverage_list")
    except NoReverseMatch:
        assert 'data-testid="coverage-links"' not in html
        return
    assert f"{coverage_url}?coverage=coached&amp;year=2024" in html
    response = client.get(f"{coverage_url}?coverage=coached&year=2024")
    assert response.status_code == 200
    assert response.context["table"].paginator.count == 3  # P, Q, V: all in the cohort here


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
    client_as, kabid, sintang, today, django_assert_max_num_queries, query
):
    client = client_as(kabid)
    query = query.replace("DISTRICT", str(District.objects.get(code="61.05.01").pk))
    villages = list(Village.objects.filter(district__code="61.05.01").order_by("code")[:30])

    def add(village, index):
        cooperative = CooperativeFactory(village=village, founded_on=datetime.date(2015, 1, 1))
        filing(cooperative, 2020 + index % 5)
        for month in (3, 6):
            CoachingVisitFactory(
                cooperative=cooperative, visit_date=datetime.date(2021 + index % 4, month, 1)
            )

    for index, village in enumerate(villages[:3]):
        add(village, index)
    with django_assert_max_num_queries(QUERY_BUDGETS[URL]):
        assert client.get(reverse(URL) + query).status_code == 200
    for index, village in enumerate(villages[3:], start=3):
        add(village, index)
    with django_assert_max_num_queries(QUERY_BUDGETS[URL]):
        response = client.get(reverse(URL) + query)
    assert response.status_code == 200 and response.context["effect"]["cohort"] > 3
