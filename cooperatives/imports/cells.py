"""Cell parsers: a raw spreadsheet cell -> a Python value, or a ValidationError whose message
the row report shows. Pure functions."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class SheetError(Exception):
    """The whole file is unusable (unreadable, wrong header, too many rows)."""


# --- Cell parsers: raw cell -> Python value, or ValidationError with a message ---------

_BLANK = ("", "-")


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in _BLANK)


def parse_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a NIK typed as a number in Excel
    if isinstance(value, datetime.datetime):
        value = value.date()
    return " ".join(str(value).split())


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d")


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if text.endswith(" 00:00:00"):
        text = text[:-9]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(
        _("Tanggal '%(value)s' tidak dikenali. Tulis HH/BB/TTTT, mis. 17/08/2020.") % {"value": text}
    )


_THOUSANDS_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_decimal(value) -> Decimal:
    """Numbers from XLSX cells as they are; text the Indonesian way (1.250.000,50) or plain."""
    if isinstance(value, bool):
        raise ValidationError(_("Isi dengan angka."))
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = str(value).strip().replace("Rp", "").replace("rp", "").replace(" ", "")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):  # 1.250.000,50
            text = text.replace(".", "").replace(",", ".")
        else:  # 1,250,000.50
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")  # 12,5 (Indonesian decimal comma)
    elif _THOUSANDS_DOT.match(text):
        text = text.replace(".", "")  # 1.250.000
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("'%(value)s' bukan angka.") % {"value": value}) from None
    if not number.is_finite():
        raise ValidationError(_("'%(value)s' bukan angka.") % {"value": value})
    return number


def parse_int(value) -> int:
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise ValidationError(_("Isi dengan bilangan bulat, bukan '%(value)s'.") % {"value": value})
    return int(number)


_TRUE = {"ya", "y", "1", "true", "benar", "x", "v", "✓", "yes"}
_FALSE = {"tidak", "t", "0", "false", "salah", "bukan", "no", "n"}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = parse_text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError(_("Isi 'Ya' atau 'Tidak', bukan '%(value)s'.") % {"value": value})


def choice_parser(choices) -> Callable[[Any], str]:
    """Accept a choice by its label ("Simpan Pinjam") or its stored value ("simpan_pinjam")."""

    def parse(value):
        text = parse_text(value).casefold()
        for stored, label in choices.choices:
            if text in (stored.casefold(), str(label).casefold(), stored.replace("_", " ").casefold()):
                return stored
        raise ValidationError(
            _("'%(value)s' tidak dikenal. Pilih salah satu: %(labels)s.")
            % {"value": parse_text(value), "labels": ", ".join(str(label) for label in choices.labels)}
        )

    return parse


def normalize_village_code(value) -> str:
    """``61.05.01.2003`` as it is; ``6105012003`` (dots left out) gets its dots back."""
    text = parse_text(value).replace(" ", "")
    if re.fullmatch(r"\d{10}", text):
        text = f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
    return text
