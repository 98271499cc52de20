"""Pure rules of coaching work, at their boundaries (no database)."""

import datetime

import pytest

from assistants import coaching
from assistants.choices import FollowUpStatus

TODAY = datetime.date(2026, 5, 15)


@pytest.mark.parametrize(
    ("coached", "target", "percent", "remaining", "reached"),
    [
        (0, 150, 0, 150, False),
        (1, 150, 0, 149, False),  # rounded down: 0.67 % is not yet 1 %
        (75, 150, 50, 75, False),
        (149, 150, 99, 1, False),
        (150, 150, 100, 0, True),
        (180, 150, 120, 0, True),
        (0, 0, 100, 0, True),
    ],
)
def test_target_progress(coached, target, percent, remaining, reached):
    progress = coaching.target_progress(coached=coached, target=target)
    assert (progress.percent, progress.remaining, progress.reached) == (percent, remaining, reached)
    assert (progress.coached, progress.target) == (coached, target)


def test_target_progress_rejects_negative_numbers():
    with pytest.raises(ValueError):
        coaching.target_progress(coached=-1, target=10)


@pytest.mark.parametrize(
    ("visits", "minimum", "coached"), [(0, 2, False), (1, 2, False), (2, 2, True), (5, 2, True), (1, 1, True), (0, 0, False)]
)
def test_is_coached(visits, minimum, coached):
    assert coaching.is_coached(qualifying_visits=visits, min_visits=minimum) is coached


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        (FollowUpStatus.OPEN, TODAY - datetime.timedelta(days=1), True),
        (FollowUpStatus.OPEN, TODAY, False),  # due today is not late yet
        (FollowUpStatus.OPEN, TODAY + datetime.timedelta(days=1), False),
        (FollowUpStatus.DONE, TODAY - datetime.timedelta(days=30), False),
        (FollowUpStatus.CANCELLED, TODAY - datetime.timedelta(days=30), False),
        (FollowUpStatus.OPEN, None, False),
    ],
)
def test_followup_overdue(status, due, overdue):
    assert coaching.followup_is_overdue(status=status, due_date=due, today=TODAY) is overdue


@pytest.mark.parametrize(
    ("last", "due"),
    [(None, True), (TODAY, False), (TODAY - datetime.timedelta(days=29), False), (TODAY - datetime.timedelta(days=30), True)],
)
def test_visit_is_due(last, due):
    assert coaching.visit_is_due(last_visit=last, today=TODAY, interval_days=30) is due


@pytest.mark.parametrize(
    ("a", "b", "metres", "tolerance"),
    [
        ((0, 0), (0, 0), 0, 0),
        # One degree of latitude is about 111.2 km everywhere.
        ((0.0, 111.5), (1.0, 111.5), 111_195, 5),
        # Sintang town to Pontianak, about 240 km as the crow flies.
        ((0.0686, 111.4955), (-0.0263, 109.3425), 239_700, 2_000),
    ],
)
def test_haversine(a, b, metres, tolerance):
    assert abs(coaching.haversine_m(*a, *b) - metres) <= tolerance
    assert abs(coaching.haversine_m(*b, *a) - metres) <= tolerance  # symmetric


def test_visit_distance_needs_both_points():
    assert coaching.visit_distance_m(visit_point=None, cooperative_point=(0, 111)) is None
    assert coaching.visit_distance_m(visit_point=(0, 111), cooperative_point=(None, None)) is None
    assert coaching.visit_distance_m(visit_point=(0, 111), cooperative_point=(0, 111.001)) == 111


@pytest.mark.parametrize(("current", "overloaded"), [(0, False), (7, False), (15, False), (16, True)])
def test_assignment_overload(current, overloaded):
    assert coaching.assignment_overload(current=current, maximum=15) is overloaded


@pytest.mark.parametrize(
    ("year", "month", "first", "last"),
    [(2026, 2, "2026-02-01", "2026-02-28"), (2024, 2, "2024-02-01", "2024-02-29"), (2026, 12, "2026-12-01", "2026-12-31")],
)
def test_month_bounds(year, month, first, last):
    assert coaching.month_bounds(year, month) == (datetime.date.fromisoformat(first), datetime.date.fromisoformat(last))
