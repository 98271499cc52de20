import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from koperasi_registry.formatting import format_date, format_rupiah, format_rupiah_juta


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "Rp0"),
        (1500, "Rp1.500"),
        (1234567, "Rp1.234.567"),
        (Decimal("400000000"), "Rp400.000.000"),
        (Decimal("1234.5"), "Rp1.235"),
        (-25000, "-Rp25.000"),
        (None, "–"),
    ],
)
def test_rupiah_in_bahasa_indonesia(value, expected):
    with translation.override("id"):
        assert format_rupiah(value) == expected


def test_rupiah_in_english_groups_with_commas():
    with translation.override("en"):
        assert format_rupiah(1234567) == "Rp1,234,567"


def test_rupiah_juta_for_the_ministry_table():
    with translation.override("id"):
        assert format_rupiah_juta(400_000_000) == "400,00"
        assert format_rupiah_juta(1_234_567_890) == "1.234,57"


def test_dates_the_indonesian_way():
    with translation.override("id"):
        assert format_date(datetime.date(2026, 11, 22)) == "22 November 2026"
        assert format_date(datetime.date(2026, 8, 17)) == "17 Agustus 2026"
        assert format_date(datetime.date(2026, 8, 17), "SHORT_DATE_FORMAT") == "17/08/2026"
    with translation.override("en"):
        assert format_date(datetime.date(2026, 8, 17)) == "17 August 2026"


def test_template_filters():
    template = Template("{% load formatting %}{{ amount|rupiah }} {{ day|tanggal }}")
    with translation.override("id"):
        html = template.render(Context({"amount": 2500000, "day": datetime.date(2025, 4, 30)}))
    assert html == "Rp2.500.000 30 April 2025"


def test_datetimes_are_shown_in_the_office_time_zone(settings):
    from django.utils import timezone

    settings.TIME_ZONE = "Asia/Makassar"  # WITA, UTC+8
    moment = datetime.datetime(2026, 11, 22, 1, 30, tzinfo=datetime.timezone.utc)
    with timezone.override("Asia/Makassar"), translation.override("id"):
        assert format_date(moment) == "22 November 2026, 09.30"
