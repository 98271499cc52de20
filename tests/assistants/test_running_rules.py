"""Running on a day and overlapping a period: the pure rule (``cooperatives.periods``)
and its SQL (``AssignmentQuerySet.running_on``/``overlapping``, ``running_q`` through a
relation) agree at every boundary."""

import datetime

import pytest

from assistants.models import Assignment
from cooperatives.models import Cooperative
from cooperatives.periods import is_running, overlapping_q, overlaps, running_q
from tests.assistants.factories import AssignmentFactory
from tests.factories import CooperativeFactory

START = datetime.date(2025, 3, 1)
END = datetime.date(2025, 3, 31)
ONE_DAY = datetime.timedelta(days=1)

DAYS = {
    "day before start": START - ONE_DAY,
    "first day": START,
    "middle": datetime.date(2025, 3, 15),
    "last day": END,
    "day after end": END + ONE_DAY,
}
ENDS = {"ends": END, "open end": None, "one day": START}


@pytest.mark.parametrize("end_name", ENDS)
@pytest.mark.parametrize("day_name", DAYS)
def test_running_on_python_and_sql_agree(sintang, end_name, day_name):
    end, day = ENDS[end_name], DAYS[day_name]
    assignment = AssignmentFactory(start_date=START, end_date=end)
    expected = is_running(start=START, end=end, day=day)
    assert Assignment.objects.running_on(day).filter(pk=assignment.pk).exists() is expected
    assert Assignment.objects.current(day).filter(pk=assignment.pk).exists() is expected
    through = Cooperative.objects.filter(running_q(day, path="assignments"), pk=assignment.cooperative_id)
    assert through.exists() is expected


@pytest.mark.parametrize(
    "end_name, day_name, expected",
    [
        ("ends", "day before start", False),
        ("ends", "first day", True),
        ("ends", "last day", True),
        ("ends", "day after end", False),
        ("open end", "day before start", False),
        ("open end", "first day", True),
        ("open end", "day after end", True),
        ("one day", "first day", True),
        ("one day", "middle", False),
    ],
)
def test_running_on_the_boundaries(end_name, day_name, expected):
    assert is_running(start=START, end=ENDS[end_name], day=DAYS[day_name]) is expected


PERIODS = {
    "ends the day before start": (START - 10 * ONE_DAY, START - ONE_DAY),
    "ends on the first day": (START - 10 * ONE_DAY, START),
    "inside": (START + ONE_DAY, END - ONE_DAY),
    "around": (START - ONE_DAY, END + ONE_DAY),
    "starts on the last day": (END, END + 10 * ONE_DAY),
    "starts the day after end": (END + ONE_DAY, END + 10 * ONE_DAY),
}


@pytest.mark.parametrize("end_name", ENDS)
@pytest.mark.parametrize("period_name", PERIODS)
def test_overlapping_python_and_sql_agree(sintang, end_name, period_name):
    end, (first, last) = ENDS[end_name], PERIODS[period_name]
    assignment = AssignmentFactory(start_date=START, end_date=end)
    expected = overlaps(start=START, end=end, first=first, last=last)
    assert Assignment.objects.overlapping(first, last).filter(pk=assignment.pk).exists() is expected
    through = Cooperative.objects.filter(overlapping_q(first, last, path="assignments"), pk=assignment.cooperative_id)
    assert through.exists() is expected


def test_a_relation_q_holds_for_one_assignment(sintang):
    """Through ``assignments`` the conditions meet on the same row: an ended assignment and
    a later one do not make a cooperative "running" in the gap between them."""
    cooperative = CooperativeFactory()
    AssignmentFactory(cooperative=cooperative, start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2025, 1, 31))
    AssignmentFactory(cooperative=cooperative, start_date=datetime.date(2025, 3, 1))
    running = Cooperative.objects.filter(running_q(datetime.date(2025, 2, 15), path="assignments"))
    assert not running.filter(pk=cooperative.pk).exists()
    assert Cooperative.objects.filter(running_q(datetime.date(2025, 3, 1), path="assignments"), pk=cooperative.pk).exists()
