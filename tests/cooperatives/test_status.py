"""The status rule (domain brief section 5): pure function, and the SQL annotation agrees."""

import datetime

import pytest

from cooperatives.choices import Bentuk, Lifecycle, Status
from cooperatives.models import Cooperative
from cooperatives.status import StatusRules, cooperative_status, status_reason
from tests.factories import CooperativeFactory, RatFilingFactory

D = datetime.date
RULES = StatusRules()  # primer 30 April, sekunder 30 June, window 3


@pytest.mark.parametrize(
    ("today", "bentuk", "reference"),
    [
        (D(2025, 4, 30), Bentuk.PRIMER, 2023),  # deadline day itself: not passed yet
        (D(2025, 5, 1), Bentuk.PRIMER, 2024),
        (D(2025, 1, 1), Bentuk.PRIMER, 2023),
        (D(2025, 12, 31), Bentuk.PRIMER, 2024),
        (D(2025, 5, 1), Bentuk.SEKUNDER, 2023),
        (D(2025, 6, 30), Bentuk.SEKUNDER, 2023),
        (D(2025, 7, 1), Bentuk.SEKUNDER, 2024),
    ],
)
def test_reference_year_is_the_latest_book_year_whose_deadline_passed(today, bentuk, reference):
    assert RULES.reference_year(today=today, bentuk=bentuk) == reference


# (founded, last RAT year, lifecycle) -> status, with reference year 2024 and window 3.
CASES = [
    (None, 2024, Lifecycle.BERJALAN, Status.AKTIF),
    (None, 2025, Lifecycle.BERJALAN, Status.AKTIF),
    (None, 2023, Lifecycle.BERJALAN, Status.KURANG_AKTIF),
    (None, 2022, Lifecycle.BERJALAN, Status.KURANG_AKTIF),  # last year inside the window
    (None, 2021, Lifecycle.BERJALAN, Status.TIDAK_AKTIF),  # first year outside it
    (None, None, Lifecycle.BERJALAN, Status.TIDAK_AKTIF),
    (D(2024, 1, 1), None, Lifecycle.BERJALAN, Status.TIDAK_AKTIF),  # a full book year: due
    (D(2024, 1, 2), None, Lifecycle.BERJALAN, Status.BARU),
    (D(2025, 3, 1), None, Lifecycle.BERJALAN, Status.BARU),
    (D(2024, 6, 1), 2024, Lifecycle.BERJALAN, Status.AKTIF),  # new but already held one
    (D(2010, 6, 1), 2022, Lifecycle.BERJALAN, Status.KURANG_AKTIF),
    (None, 2024, Lifecycle.PEMBUBARAN, Status.PEMBUBARAN),
    (None, None, Lifecycle.DIBUBARKAN, Status.DIBUBARKAN),
]


@pytest.mark.parametrize(("founded", "last_rat", "lifecycle", "expected"), CASES)
def test_cooperative_status_boundaries(founded, last_rat, lifecycle, expected):
    status = cooperative_status(
        founded=founded, last_rat_year=last_rat, reference_year=2024, window=3, lifecycle=lifecycle
    )
    assert status == expected


@pytest.mark.parametrize(("window", "last_rat", "expected"), [(2, 2023, Status.KURANG_AKTIF), (2, 2022, Status.TIDAK_AKTIF), (5, 2020, Status.KURANG_AKTIF), (5, 2019, Status.TIDAK_AKTIF)])
def test_the_window_is_configurable(window, last_rat, expected):
    assert cooperative_status(founded=None, last_rat_year=last_rat, reference_year=2024, window=window) == expected


def test_rules_read_settings(settings):
    settings.RAT_DEADLINE_PRIMER = "03-31"
    settings.RAT_DEADLINE_SEKUNDER = "05-31"
    settings.RAT_STATUS_WINDOW = 2
    rules = StatusRules.from_settings()
    assert rules.window == 2
    assert rules.reference_year(today=D(2025, 4, 1), bentuk=Bentuk.PRIMER) == 2024
    assert rules.deadline(book_year=2024, bentuk=Bentuk.SEKUNDER) == D(2025, 5, 31)


def test_every_status_can_be_explained():
    reason = status_reason(status=Status.TIDAK_AKTIF, founded=None, last_rat_year=2021, reference_year=2024, window=3)
    assert "RAT terakhir: tahun buku 2021" in reason
    assert "2022–2024" in reason
    assert "Belum pernah" in status_reason(
        status=Status.TIDAK_AKTIF, founded=None, last_rat_year=None, reference_year=2024, window=3
    )
    assert "RAT belum wajib" in status_reason(
        status=Status.BARU, founded=D(2024, 6, 1), last_rat_year=None, reference_year=2024, window=3
    )


@pytest.mark.django_db
@pytest.mark.parametrize("bentuk", [Bentuk.PRIMER, Bentuk.SEKUNDER])
@pytest.mark.parametrize("today", [D(2025, 4, 30), D(2025, 5, 1), D(2025, 6, 30), D(2025, 7, 1)])
def test_sql_annotation_agrees_with_the_python_rule(sintang, settings, bentuk, today):
    settings.RAT_STATUS_WINDOW = 3
    for founded, last_rat, lifecycle, _ in CASES:
        for shift in (-1, 0, 1):  # around each boundary
            CooperativeFactory(
                bentuk=bentuk,
                founded_on=founded and founded.replace(year=founded.year + shift),
                lifecycle=lifecycle,
                dissolution_decree_number="" if lifecycle == Lifecycle.BERJALAN else "SK-1",
                dissolution_decree_date=None if lifecycle == Lifecycle.BERJALAN else D(2025, 1, 2),
                last_rat_year=last_rat and last_rat + shift,
            )
    reference = RULES.reference_year(today=today, bentuk=bentuk)
    rows = Cooperative.objects.with_status(today=today).values("founded_on", "last_rat_year", "lifecycle", "status")
    assert len(rows) == 3 * len(CASES)
    for row in rows:
        expected = cooperative_status(
            founded=row["founded_on"],
            last_rat_year=row["last_rat_year"],
            reference_year=reference,
            window=3,
            lifecycle=row["lifecycle"],
        )
        assert row["status"] == expected, row


@pytest.mark.django_db
def test_filings_keep_the_last_rat_year_current(sintang):
    from cooperatives.services import cooperative_refresh_rat_summary, rat_filing_delete

    coop = CooperativeFactory()
    assert coop.last_rat_year is None
    RatFilingFactory(cooperative=coop, book_year=2022)
    latest = RatFilingFactory(cooperative=coop, book_year=2024)
    coop.refresh_from_db()
    assert coop.last_rat_year == 2024
    rat_filing_delete(filing=latest)
    coop.refresh_from_db()
    assert coop.last_rat_year == 2022
    Cooperative.objects.filter(pk=coop.pk).update(last_rat_year=None)
    assert cooperative_refresh_rat_summary() == 1
    coop.refresh_from_db()
    assert coop.last_rat_year == 2022
