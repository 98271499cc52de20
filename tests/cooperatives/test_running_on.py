"""``CooperativeQuerySet.running_on`` (not dissolved on a day) against its Python twin
``status.lifecycle_on``, at the decree's boundaries; and ``registered_on``."""

import datetime

import pytest

from cooperatives.choices import Lifecycle
from cooperatives.models import Cooperative
from cooperatives.status import lifecycle_on
from tests.factories import CooperativeFactory

DAY = datetime.date(2024, 12, 31)
ONE_DAY = datetime.timedelta(days=1)
DECREES = {"decree the day before": DAY - ONE_DAY, "decree on the day": DAY, "decree the day after": DAY + ONE_DAY}


def cooperative(lifecycle, decree):
    if lifecycle == Lifecycle.BERJALAN:
        return CooperativeFactory(lifecycle=lifecycle)
    return CooperativeFactory(lifecycle=lifecycle, dissolution_decree_number="SK 1", dissolution_decree_date=decree)


@pytest.mark.parametrize("decree_name", DECREES)
@pytest.mark.parametrize("lifecycle", Lifecycle.values)
def test_running_on_agrees_with_lifecycle_on(sintang, lifecycle, decree_name):
    decree = DECREES[decree_name]
    row = cooperative(lifecycle, decree)
    dissolved_on = None if lifecycle == Lifecycle.BERJALAN else decree
    expected = lifecycle_on(lifecycle=lifecycle, dissolved_on=dissolved_on, day=DAY) == Lifecycle.BERJALAN
    assert Cooperative.objects.running_on(DAY).filter(pk=row.pk).exists() is expected


@pytest.mark.parametrize("decree_name", DECREES)
@pytest.mark.parametrize("lifecycle", Lifecycle.values)
def test_running_today_reads_the_lifecycle_alone(sintang, lifecycle, decree_name):
    """Today's reading (as today's status): a decree dated later already counts."""
    row = cooperative(lifecycle, DECREES[decree_name])
    running = Cooperative.objects.running_on(DAY, today=DAY).filter(pk=row.pk).exists()
    assert running is (lifecycle == Lifecycle.BERJALAN)
    past = Cooperative.objects.running_on(DAY, today=DAY + ONE_DAY).filter(pk=row.pk).exists()
    assert past is Cooperative.objects.running_on(DAY).filter(pk=row.pk).exists()


@pytest.mark.parametrize(
    "founded, expected",
    [(None, True), (DAY - ONE_DAY, True), (DAY, True), (DAY + ONE_DAY, False)],
)
def test_registered_on(sintang, founded, expected):
    row = CooperativeFactory(founded_on=founded)
    assert Cooperative.objects.registered_on(DAY).filter(pk=row.pk).exists() is expected
