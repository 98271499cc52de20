"""Money and date formatting in the active language (Bahasa Indonesia by default)."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, timezone

EMPTY = "–"

def format_rupiah(value, decimals: int = 0) -> str:
    """``1234567`` -> ``Rp1.234.567`` (``Rp1,234,567`` in English); negatives as ``-Rp…``."""
    if value is None or value == "":
        return EMPTY
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{formats.number_format(abs(amount), decimals, force_grouping=True)}"

def format_rupiah_juta(value, decimals: int = 2) -> str:
    """Rupiah in millions, as the ministry's statistics table reports money."""
    if value is None or value == "":
        return EMPTY
    juta = (Decimal(str(value)) / Decimal(1_000_000)).quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP
    )
    return formats.number_format(juta, decimals, force_grouping=True)

def format_date(value, style: str = "DATE_FORMAT") -> str:
    """``date(2026, 11, 22)`` -> ``22 November 2026``; ``SHORT_DATE_FORMAT`` -> ``22/11/2026``."""
    if not value:
        return EMPTY
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(value, "DATETIME_FORMAT" if style == "DATE_FORMAT" else style)
    return formats.date_format(value, style)


def format_coordinates(latitude, longitude, decimals: int = 6) -> str:
    """``(0.402541, 112.881915)`` -> ``0.402541, 112.881915`` in every language: a dot
    decimal (as GPS apps and maps read it) and a comma between the two, never the
    Indonesian ``0,402541, 112,881915``. Either missing: ``–``."""
    if latitude in (None, "") or longitude in (None, ""):
        return EMPTY
    try:
        lat, lng = (Decimal(str(value).strip().replace(",", ".")) for value in (latitude, longitude))
    except ArithmeticError:
        return EMPTY
    if not (lat.is_finite() and lng.is_finite()):
        return EMPTY
    return f"{lat:.{decimals}f}, {lng:.{decimals}f}"


def geo_uri(latitude, longitude) -> str:
    """The RFC 5870 ``geo:`` address of a point (a phone opens it in its map app), or ``""``."""
    text = format_coordinates(latitude, longitude)
    return "" if text == EMPTY else "geo:" + text.replace(" ", "")
