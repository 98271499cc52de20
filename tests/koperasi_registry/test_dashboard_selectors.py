"""Dashboard aggregates against a hand-counted office (every figure of the home page;
the office is described in ``hand_counted.build_office``).
"""

import datetime

import pytest

from cooperatives.models import Village
from koperasi_registry.dashboard import selectors
from koperasi_registry.dashboard.period import Period
from tests.assistants.factories import CoachingVisitFactory
from tests.factories import CooperativeFactory

from .hand_counted import TODAY, build_office, filing

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(sintang, admin):
    return build_office(admin)


def period(year=2025, district=None):
    return Period(year=year, today=TODAY, district=district)


def scorecard(user, year=2025):
    card = selectors.district_scorecard(user=user, period=period(year))
    return card, {row["district"].code: row for row in card["rows"]}


def pick(row, *keys):
    return tuple(row[key] for key in keys)


STATUSES = ("registered", "aktif", "kurang_aktif", "tidak_aktif", "baru", "dibubarkan", "aktif_nasional")
RAT = ("rat_due", "rat_on_time", "rat_late", "rat_not_filed")
COACHING = ("visits", "visited", "coached", "assigned_unvisited", "followups_open", "followups_overdue")


def test_status_summary_counts_each_status_and_the_national_reading(office, staf):
    summary = selectors.status_summary(user=staf, period=period())
    assert pick(summary, *STATUSES) == (8, 2, 1, 2, 1, 2, 3)
    assert summary["merah_putih"] == 3


def test_status_summary_on_a_past_year_end(office, staf):
    """E was not founded yet; B's 2024 filing was not the reference then; H was running."""
    summary = selectors.status_summary(user=staf, period=period(2024))
    assert pick(summary, *STATUSES) == (7, 3, 1, 2, 0, 1, 4)


def test_status_summary_for_one_kecamatan(office, kabid):
    summary = selectors.status_summary(user=kabid, period=period(district=office["tempunak"]))
    assert pick(summary, "registered", "baru", "tidak_aktif", "dibubarkan") == (4, 1, 1, 2)


def test_a_pendamping_without_assignments_counts_nothing(office, pendamping):
    assert selectors.status_summary(user=pendamping, period=period())["registered"] == 0


def test_scorecard_rows_this_year(office, staf):
    card, rows = scorecard(staf)
    assert len(card["rows"]) == 14
    sintang, tempunak = rows["61.05.01"], rows["61.05.02"]
    assert pick(sintang, *STATUSES) == (4, 2, 1, 1, 0, 0, 3)
    assert pick(tempunak, *STATUSES) == (4, 0, 0, 1, 1, 2, 0)
    # RAT book year 2024: E is not due (founded 2025), G not (dissolved before the deadline), H is.
    assert pick(sintang, *RAT) == (4, 1, 1, 2)
    assert pick(tempunak, *RAT) == (2, 0, 0, 2)
    assert pick(sintang, *COACHING) == (2, 1, 1, 1, 2, 1)
    assert pick(tempunak, *COACHING) == (1, 1, 0, 0, 0, 0)
    assert (sintang["assessed"], tempunak["assessed"]) == (2, 0)
    assert sintang["without_active"] == sintang["villages"] - 1  # v1
    assert tempunak["without_merah_putih"] == tempunak["villages"] - 1  # E in t1; G is dissolved
    empty = next(row for code, row in rows.items() if code not in ("61.05.01", "61.05.02"))
    assert empty["registered"] == empty["visits"] == 0 and empty["without_active"] == empty["villages"] > 0


def test_scorecard_total_is_the_sum_of_its_rows(office, staf):
    card, _ = scorecard(staf)
    total = card["total"]
    assert pick(total, *STATUSES) == (8, 2, 1, 2, 1, 2, 3)
    assert pick(total, *RAT) == (6, 1, 1, 4)
    assert pick(total, *COACHING) == (3, 2, 1, 1, 2, 1)
    assert (total["villages"], total["without_active"], total["without_merah_putih"]) == (406, 405, 404)
    assert total["assessed"] == 2


def test_scorecard_on_a_past_year(office, staf):
    """2024: book year 2023 is the reference; C's 2024 visit is one visit, not coached."""
    card, rows = scorecard(staf, 2024)
    total = card["total"]
    assert pick(total, *STATUSES) == (7, 3, 1, 2, 0, 1, 4)
    # Book year 2023 (deadline 30 April 2024): G's decree came after it, so G was due.
    assert pick(total, *RAT) == (7, 3, 0, 4)
    assert pick(total, "visits", "visited", "coached", "assigned_unvisited") == (1, 1, 0, 0)
    # Villages with an Aktif cooperative at the end of 2024: v1 (A), v2 (C), t1 (H).
    assert (total["without_active"], total["without_merah_putih"]) == (403, 405)
    assert total["assessed"] == 1
    assert pick(rows["61.05.02"], "registered", "kurang_aktif", "aktif", "dibubarkan") == (3, 1, 1, 1)


def test_office_figures_are_the_chosen_rows(office, staf):
    card, rows = scorecard(staf)
    assert selectors.office_figures(card, None) is card["total"]
    assert selectors.office_figures(card, office["tempunak"]) is rows["61.05.02"]


def test_village_coverage_matches_the_scorecard(office):
    coverage = selectors.village_coverage(period=period())
    assert coverage == {"villages": 406, "without_active": 405, "without_merah_putih": 404}
    in_tempunak = selectors.village_coverage(period=period(district=office["tempunak"]))
    assert in_tempunak["without_active"] == in_tempunak["villages"]
    assert in_tempunak["without_merah_putih"] == in_tempunak["villages"] - 1


def test_health_categories_of_the_year(office, staf):
    assert [(row["category"], row["n"]) for row in selectors.health_categories(user=staf, period=period())] == [
        ("Sehat", 1),
        ("Dalam Pengawasan", 1),
    ]
    assert selectors.health_categories(user=staf, period=period(district=office["tempunak"])) == []
    assert [row["n"] for row in selectors.health_categories(user=staf, period=period(2024))] == [1]


def test_visits_by_assistant(office, staf):
    rows = selectors.visits_by_assistant(user=staf, period=period())
    assert [(row["assistant"], row["visits"], row["visited"]) for row in rows] == [(office["x"].pk, 2, 1)]
    user = office["x"].user
    assert rows[0]["name"] == (user.get_full_name() or user.username)
    assert selectors.visits_by_assistant(user=staf, period=period(district=office["tempunak"])) == []


def test_coaching_target_prefers_the_kecamatans_own(office):
    from assistants.models import CoachingTarget

    assert selectors.coaching_target(period=period()) is None
    CoachingTarget.objects.create(year=2025, target_count=5)
    CoachingTarget.objects.create(year=2025, district=office["sintang"], target_count=2)
    assert selectors.coaching_target(period=period()).target_count == 5
    assert selectors.coaching_target(period=period(district=office["sintang"])).target_count == 2
    assert selectors.coaching_target(period=period(district=office["tempunak"])) is None


def test_scorecard_query_count_does_not_depend_on_rows(office, staf, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        selectors.district_scorecard(user=staf, period=period())
    for village in Village.objects.order_by("code")[10:40]:
        cooperative = CooperativeFactory(village=village)
        filing(cooperative, 2024, datetime.date(2025, 3, 1))
        CoachingVisitFactory(cooperative=cooperative, visit_date=datetime.date(2025, 5, 1))
    with django_assert_max_num_queries(10):
        card = selectors.district_scorecard(user=staf, period=period())
    assert card["total"]["registered"] == 38 and card["total"]["visits"] == 33
