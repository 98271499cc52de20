"""Cell parsers: a raw spreadsheet cell -> a Python value, or a ValidationError whose message
the row report shows. Pure functions.

They accept what offices really type: "KSP" for Simpan Pinjam, "Rp 1.250.000,-",
"17 Agustus 2020", an Excel date serial number, "Ya"/"Y"/"1"/"✓", "Kop. Wanita".
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..choices import Bentuk, Jenis


class SheetError(Exception):
    """The whole file is unusable (unreadable, wrong header, too many rows)."""


# --- Helpers ------------------------------------------------------------------------------

_BLANK = ("", "-")


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in _BLANK)


def parse_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a NIK typed as a number in Excel
    if isinstance(value, datetime.datetime):
        value = value.date()
    return " ".join(str(value).split())


def _words(value) -> list[str]:
    """Lower-case words without punctuation: "Kop. Simpan-Pinjam" -> ["kop", "simpan", "pinjam"]."""
    return re.sub(r"[^\w]+|_", " ", parse_text(value).casefold()).split()


def _without_koperasi(words: list[str]) -> list[str]:
    """Drop a leading "koperasi"/"kop" word (the "Kop." of "Kop. Wanita")."""
    if len(words) > 1 and words[0] in ("koperasi", "kop"):
        return words[1:]
    return words


# --- Dates -----------------------------------------------------------------------------------

_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d")
_DATE_HINT = gettext_lazy("HH/BB/TTTT, mis. 17/08/2020 atau 17 Agustus 2020")

_MONTHS = {
    1: ("januari", "jan", "january"),
    2: ("februari", "pebruari", "feb", "peb", "february"),
    3: ("maret", "mar", "march"),
    4: ("april", "apr"),
    5: ("mei", "may"),
    6: ("juni", "jun", "june"),
    7: ("juli", "jul", "july"),
    8: ("agustus", "agu", "agt", "ags", "agust", "aug", "august"),
    9: ("september", "sep", "sept"),
    10: ("oktober", "okt", "oct", "october"),
    11: ("november", "nopember", "nov", "nop"),
    12: ("desember", "des", "dec", "december"),
}
_MONTH_NUMBER = {name: number for number, names in _MONTHS.items() for name in names}
_NAMED_MONTH = re.compile(r"^(\d{1,2})[\s./-]*([a-z]+)\.?[\s./,-]*(\d+)$")
_WEEKDAY = re.compile(r"^(senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad),?\s+", re.IGNORECASE)
_TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$")

# Excel's 1900 date system: serial 1 is 1 Jan 1900, and Excel counts a 29 Feb 1900 that
# never was, so from March 1900 on a serial is days since 30 Dec 1899.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_EARLIEST = datetime.date(1945, 1, 1)
_LATEST = datetime.date(2100, 12, 31)
_SERIAL_RANGE = ((_EARLIEST - _EXCEL_EPOCH).days, (_LATEST - _EXCEL_EPOCH).days)


def _date_error(text: str) -> ValidationError:
    return ValidationError(
        _("Tanggal '%(value)s' tidak dikenali. Tulis %(hint)s.") % {"value": text, "hint": _DATE_HINT}
    )


def _checked(date: datetime.date, text: str) -> datetime.date:
    """A written date's year must be plausible (1900-2100): "17/08/0202" is a typo."""
    if not (1900 <= date.year <= _LATEST.year):
        raise ValidationError(
            _("Tanggal '%(value)s': tahun %(year)s tidak masuk akal (%(first)s-%(last)s).")
            % {"value": text, "year": date.year, "first": 1900, "last": _LATEST.year}
        )
    return date


def parse_date(value) -> datetime.date:
    """A date cell, dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy), yyyy-mm-dd,
    "17 Agustus 2020" / "17 Agt 2020", or an Excel serial number (44000 = 18 Jun 2020)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValidationError(
            _("'%(value)s' bukan tanggal. Tulis %(hint)s, atau format sel sebagai tanggal.")
            % {"value": parse_text(value), "hint": _DATE_HINT}
        )
    text = parse_text(value)
    if text.endswith(" 00:00:00"):
        text = text[:-9]
    text = _WEEKDAY.sub("", text)  # "Senin, 17 Agustus 2020"
    if _TWO_DIGIT_YEAR.match(text):
        raise ValidationError(
            _("Tanggal '%(value)s': tulis tahun dengan empat angka, mis. 17/08/2020.") % {"value": text}
        )
    for fmt in _DATE_FORMATS:
        try:
            return _checked(datetime.datetime.strptime(text, fmt).date(), text)
        except ValueError:
            continue
    match = _NAMED_MONTH.match(text.casefold())
    if match and match.group(2) in _MONTH_NUMBER:
        day, month, year = int(match.group(1)), _MONTH_NUMBER[match.group(2)], match.group(3)
        if len(year) != 4:
            raise ValidationError(
                _("Tanggal '%(value)s': tulis tahun dengan empat angka, mis. 17 Agustus 2020.") % {"value": text}
            )
        try:
            return _checked(datetime.date(int(year), month, day), text)
        except ValueError:
            pass
    raise _date_error(text)


# --- Numbers ---------------------------------------------------------------------------------

_THOUSANDS_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^-?\d{1,3}(,\d{3}){2,}$")  # 1,250,000 (two groups or more)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_EXCEL_DIGITS = 15  # Excel keeps 15 significant digits; anything past them is float noise


def _from_float(value: float) -> Decimal:
    """150000000.00000003 (a float from a formula) -> 150000000, as Excel shows it."""
    number = Decimal(format(value, f".{_EXCEL_DIGITS}g"))
    return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number  # 1.5E+10 -> 15000000000


def parse_decimal(value) -> Decimal:
    """Numbers from XLSX cells as they are; text the Indonesian way ("Rp 1.250.000,50",
    "1.250.000,-", "(1.500.000)" for a negative, "12,5") or the English way ("1,250,000.50").

    A single comma is a decimal comma: "1,500" is 1.5, "1.500" is 1500."""
    if isinstance(value, bool):
        raise ValidationError(_("Isi dengan angka."))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValidationError(_("'%(value)s' bukan angka.") % {"value": value})
        return _from_float(value)
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    else:
        number = _decimal_from_text(str(value))
    if not number.is_finite():
        raise ValidationError(_("'%(value)s' bukan angka.") % {"value": value})
    return number


def _decimal_from_text(raw: str) -> Decimal:
    text = _SPACES.sub("", raw)
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    text = re.sub(r"^(-?)rp\.?", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r",-+$|\.-+$", "", text)  # "1.250.000,-"
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):  # 1.250.000,50
            text = text.replace(".", "").replace(",", ".")
        else:  # 1,250,000.50
            text = text.replace(",", "")
    elif _THOUSANDS_COMMA.match(text):
        text = text.replace(",", "")  # 1,250,000
    elif "," in text:
        text = text.replace(",", ".")  # 12,5 (Indonesian decimal comma)
    elif _THOUSANDS_DOT.match(text):
        text = text.replace(".", "")  # 1.250.000
    if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", text):
        raise ValidationError(
            _("'%(value)s' bukan angka. Tulis mis. 1250000, 1.250.000 atau 1.250.000,50.") % {"value": raw.strip()}
        )
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above already refuses
        raise ValidationError(_("'%(value)s' bukan angka.") % {"value": raw.strip()}) from None
    return -number if negative else number


_CENT = Decimal("0.01")


def parse_money(value) -> Decimal:
    """Rupiah: ``parse_decimal``, then whole cents (a formula's 1250000.005 -> 1250000.01)."""
    return parse_decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP)


def parse_int(value) -> int:
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise ValidationError(_("Isi dengan bilangan bulat, bukan '%(value)s'.") % {"value": parse_text(value)})
    return int(number)


def parse_year(value) -> int:
    """A year: 2023, "2023" or 2023.0 (not 2023.5, not 23)."""
    year = parse_int(value)
    if not (1900 <= year <= 2100):
        raise ValidationError(_("Tulis tahun dengan empat angka, mis. 2023, bukan '%(value)s'.") % {"value": year})
    return year


# --- Yes/no ------------------------------------------------------------------------------------

_TRUE = {"ya", "y", "1", "true", "benar", "x", "v", "✓", "✔", "√", "yes", "iya", "ada"}
_FALSE = {"tidak", "t", "0", "false", "salah", "bukan", "no", "n", "tdk", "tak", "✗", "✘"}


def parse_bool(value) -> bool:
    """Ya/Tidak, Y/T, 1/0, TRUE/FALSE (also Excel booleans and the numbers 1 and 0), v, ✓."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)) and value in (0, 1):
        return value == 1
    text = parse_text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError(
        _("Isi 'Ya' atau 'Tidak' (juga Y/T, 1/0), bukan '%(value)s'.") % {"value": parse_text(value)}
    )


# --- Choices ------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class JenisCell:
    """What a Jenis cell says: the jenis, and the kelompok or syariah flag its spelling implies
    (None: the cell says nothing about it)."""

    jenis: str
    kelompok: str | None = None
    syariah: bool | None = None


_SYARIAH_SIMPAN_PINJAM = {
    "kspps", "uspps", "ksps", "usps", "kjks", "ujks", "bmt", "simpan pinjam syariah",
    "simpan pinjam dan pembiayaan syariah", "simpan pinjam pembiayaan syariah", "pembiayaan syariah",
    "jasa keuangan syariah", "unit simpan pinjam syariah",
}
_SIMPAN_PINJAM = {"ksp", "usp", "simpan pinjam", "simpanpinjam", "unit simpan pinjam"}
_SERBA_USAHA = {"ksu": "KSU", "serba usaha": "KSU", "kud": "KUD", "unit desa": "KUD"}


def _serba_usaha_jenis() -> str:
    return getattr(settings, "IMPORT_JENIS_FOR_SERBA_USAHA", "konsumen")


@lru_cache(maxsize=8)
def _jenis_keys(language: str | None) -> dict[str, str]:
    """``{"simpan pinjam": "simpan_pinjam", ...}``: stored values and labels (in the active
    language; once per language, not once per cell)."""
    keys = {}
    for stored, label in Jenis.choices:
        keys[stored.replace("_", " ")] = stored
        keys[" ".join(_words(label))] = stored
    return keys


def parse_jenis(value) -> JenisCell:
    """"Simpan Pinjam", "KSP", "USP", "Kop. Simpan Pinjam", "KSPPS" (syariah), "Konsumen",
    "Kop Produsen"...; the multi-purpose "KSU"/"Serba Usaha"/"KUD" take the jenis in the
    setting ``IMPORT_JENIS_FOR_SERBA_USAHA`` (default "konsumen") and name their kelompok."""
    key = " ".join(_without_koperasi(_words(value)))
    if key in _SYARIAH_SIMPAN_PINJAM:
        return JenisCell(Jenis.SIMPAN_PINJAM.value, syariah=True)
    if key in _SIMPAN_PINJAM:
        return JenisCell(Jenis.SIMPAN_PINJAM.value)
    if key in _SERBA_USAHA:
        return JenisCell(_serba_usaha_jenis(), kelompok=_SERBA_USAHA[key])
    if key in (stored := _jenis_keys(get_language())):
        return JenisCell(stored[key])
    raise ValidationError(
        _("Jenis '%(value)s' tidak dikenal. Isi salah satu: %(labels)s (juga KSP, USP, KSPPS, KSU, KUD).")
        % {"value": parse_text(value), "labels": ", ".join(str(label) for label in Jenis.labels)}
    )


_PRIMER = {"primer", "p", "primkop"}
_SEKUNDER = {"sekunder", "s", "puskop", "inkop", "gabungan", "pusat", "induk"}
_LEVELS = {"kabupaten", "kab", "kota", "kabupaten kota", "kab kota", "provinsi", "prov", "nasional"}


def parse_bentuk(value) -> str:
    """"Primer"/"P", "Sekunder"/"S", "Koperasi Primer", "Primer Kabupaten", "Puskop"..."""
    words = _without_koperasi(_words(value))
    first, level = (words[0], " ".join(words[1:])) if words else ("", "")
    if level in _LEVELS or not level:
        if first in _PRIMER:
            return Bentuk.PRIMER.value
        if first in _SEKUNDER:
            return Bentuk.SEKUNDER.value
    raise ValidationError(
        _("Bentuk '%(value)s' tidak dikenal. Isi 'Primer' atau 'Sekunder' (juga P/S).") % {"value": parse_text(value)}
    )


_KELOMPOK_ALIASES = {
    "kopwan": "Kopwan", "wanita": "Kopwan", "perempuan": "Kopwan",
    "kopkar": "Kopkar", "karyawan": "Kopkar",
    "koppontren": "Koppontren", "kopontren": "Koppontren", "pondok pesantren": "Koppontren", "pontren": "Koppontren",
    "pesantren": "Koppontren",
    "koptan": "Koptan", "tani": "Koptan", "petani": "Koptan",
    "kud": "KUD", "unit desa": "KUD",
    "ksu": "KSU", "serba usaha": "KSU",
    "kpri": "KPRI", "pegawai republik indonesia": "KPRI",
    "ksp": "KSP", "simpan pinjam": "KSP",
    "kspps": "KSPPS", "simpan pinjam dan pembiayaan syariah": "KSPPS", "simpan pinjam syariah": "KSPPS",
    "kdmp": "Merah Putih", "kkmp": "Merah Putih", "kdkmp": "Merah Putih",
    "lain lain": "Lain-lain", "lainnya": "Lain-lain", "lain": "Lain-lain",
}


def normalize_kelompok(text) -> str:
    """The office list's name for a usual variant ("Kop. Wanita" -> "Kopwan", "KDMP" ->
    "Merah Putih"); anything else comes back tidied, to be matched case-insensitively."""
    words = _without_koperasi(_words(text))
    key = " ".join(words)
    if "merah putih" in key:
        return "Merah Putih"
    return _KELOMPOK_ALIASES.get(key, parse_text(text))


# --- Region codes ----------------------------------------------------------------------------------


def normalize_village_code(value) -> str:
    """``61.05.01.2003`` as it is; ``6105012003`` (dots left out) gets its dots back."""
    text = parse_text(value).replace(" ", "")
    if re.fullmatch(r"\d{10}", text):
        text = f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
    return text


def normalize_district_code(value) -> str:
    """``61.05.01`` as it is; ``610501`` gets its dots back."""
    text = parse_text(value).replace(" ", "")
    if re.fullmatch(r"\d{6}", text):
        text = f"{text[:2]}.{text[2:4]}.{text[4:]}"
    return text
