"""Cell parsers: the spellings offices really use, and refusals that say what is accepted."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cooperatives.imports.cells import (
    JenisCell,
    normalize_district_code,
    normalize_kelompok,
    normalize_village_code,
    parse_bentuk,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_jenis,
    parse_money,
    parse_year,
)

D = datetime.date


# --- Jenis, Bentuk, Kelompok ------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Simpan Pinjam", JenisCell("simpan_pinjam")),
        ("simpan_pinjam", JenisCell("simpan_pinjam")),
        ("simpan-pinjam", JenisCell("simpan_pinjam")),
        ("KSP", JenisCell("simpan_pinjam")),
        ("USP", JenisCell("simpan_pinjam")),
        ("Koperasi Simpan Pinjam", JenisCell("simpan_pinjam")),
        ("Kop. Simpan Pinjam", JenisCell("simpan_pinjam")),
        ("  KOP  simpan pinjam ", JenisCell("simpan_pinjam")),
        ("KSPPS", JenisCell("simpan_pinjam", syariah=True)),
        ("USPPS", JenisCell("simpan_pinjam", syariah=True)),
        ("Simpan Pinjam Syariah", JenisCell("simpan_pinjam", syariah=True)),
        ("Pembiayaan Syariah", JenisCell("simpan_pinjam", syariah=True)),
        ("Koperasi Simpan Pinjam dan Pembiayaan Syariah", JenisCell("simpan_pinjam", syariah=True)),
        ("Konsumen", JenisCell("konsumen")),
        ("Koperasi Konsumen", JenisCell("konsumen")),
        ("Kop Produsen", JenisCell("produsen")),
        ("PEMASARAN", JenisCell("pemasaran")),
        ("Kop. Jasa", JenisCell("jasa")),
        ("KSU", JenisCell("konsumen", kelompok="KSU")),
        ("Serba Usaha", JenisCell("konsumen", kelompok="KSU")),
        ("Koperasi Serba Usaha", JenisCell("konsumen", kelompok="KSU")),
        ("KUD", JenisCell("konsumen", kelompok="KUD")),
        ("Koperasi Unit Desa", JenisCell("konsumen", kelompok="KUD")),
    ],
)
def test_parse_jenis(raw, expected):
    assert parse_jenis(raw) == expected


def test_jenis_is_a_plain_string():
    assert type(parse_jenis("KSP").jenis) is str


def test_serba_usaha_takes_the_jenis_from_the_setting(settings):
    settings.IMPORT_JENIS_FOR_SERBA_USAHA = "produsen"
    assert parse_jenis("KSU") == JenisCell("produsen", kelompok="KSU")
    assert parse_jenis("Koperasi Unit Desa") == JenisCell("produsen", kelompok="KUD")


@pytest.mark.parametrize("raw", ["Koperasi", "Perdagangan", "KSPX", "Simpan", ""])
def test_unknown_jenis_lists_the_accepted_values(raw):
    with pytest.raises(ValidationError) as error:
        parse_jenis(raw)
    message = " ".join(error.value.messages)
    assert "Simpan Pinjam, Konsumen, Produsen, Pemasaran, Jasa" in message
    assert "KSU" in message


@pytest.mark.parametrize(
    "raw, expected",
    [("Primer", "primer"), ("P", "primer"), ("p", "primer"), ("Koperasi Primer", "primer"),
     ("primer kabupaten", "primer"), ("Primer Kab.", "primer"), ("Primer Provinsi", "primer"),
     ("Sekunder", "sekunder"), ("S", "sekunder"), ("Kop. Sekunder", "sekunder"), ("Puskop", "sekunder")],
)
def test_parse_bentuk(raw, expected):
    assert parse_bentuk(raw) == expected


@pytest.mark.parametrize("raw", ["Tersier", "Primer Sekali", "X"])
def test_unknown_bentuk_says_what_is_accepted(raw):
    with pytest.raises(ValidationError, match="Primer.*Sekunder"):
        parse_bentuk(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [("Kop. Wanita", "Kopwan"), ("Koperasi Wanita", "Kopwan"), ("kopwan", "Kopwan"),
     ("Koperasi Karyawan", "Kopkar"), ("Koperasi Pondok Pesantren", "Koppontren"), ("Kopontren", "Koppontren"),
     ("Koperasi Tani", "Koptan"), ("KDMP", "Merah Putih"), ("Kopdes Merah Putih", "Merah Putih"),
     ("Koperasi Desa Merah Putih", "Merah Putih"), ("Koperasi Kelurahan Merah Putih", "Merah Putih"),
     ("merah putih", "Merah Putih"), ("Koperasi Unit Desa", "KUD"), ("Koperasi Serba Usaha", "KSU"),
     ("Koperasi Pegawai Republik Indonesia", "KPRI"), ("Lain-lain", "Lain-lain"), ("lainnya", "Lain-lain"),
     ("  Koperasi   Nelayan ", "Koperasi Nelayan"), ("kpri", "KPRI")],
)
def test_normalize_kelompok(raw, expected):
    assert normalize_kelompok(raw) == expected


# --- Yes/no --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [("Ya", True), ("YA", True), ("Y", True), ("1", True), (1, True), (1.0, True), (True, True), ("TRUE", True),
     ("v", True), ("✓", True), ("x", True), ("Tidak", False), ("T", False), ("0", False), (0, False), (0.0, False),
     (False, False), ("FALSE", False), ("tdk", False)],
)
def test_parse_bool(raw, expected):
    assert parse_bool(raw) is expected


@pytest.mark.parametrize("raw", ["mungkin", 2, "Yaa"])
def test_parse_bool_refuses_with_the_accepted_values(raw):
    with pytest.raises(ValidationError, match="'Ya' atau 'Tidak'"):
        parse_bool(raw)


# --- Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [("17/08/2020", D(2020, 8, 17)), ("7/8/2020", D(2020, 8, 7)), ("17-08-2020", D(2020, 8, 17)),
     ("2020-08-17", D(2020, 8, 17)), ("17.08.2020", D(2020, 8, 17)), ("2020-08-17 00:00:00", D(2020, 8, 17)),
     ("17 Agustus 2020", D(2020, 8, 17)), ("17 agustus 2020", D(2020, 8, 17)), ("17 Agt 2020", D(2020, 8, 17)),
     ("17 Agu 2020", D(2020, 8, 17)), ("1 Januari 2021", D(2021, 1, 1)), ("5 Mei 2019", D(2019, 5, 5)),
     ("30 Nopember 2018", D(2018, 11, 30)), ("2 Des. 2022", D(2022, 12, 2)), ("17-Agu-2020", D(2020, 8, 17)),
     ("10 Okt 2023", D(2023, 10, 10)), ("Senin, 17 Agustus 2020", D(2020, 8, 17)), (datetime.datetime(2020, 8, 17, 9, 30), D(2020, 8, 17)),
     (D(2020, 8, 17), D(2020, 8, 17)), ("01/07/1938", D(1938, 7, 1)),
     # Excel serial numbers (1900 date system), from a cell not formatted as a date.
     (44000, D(2020, 6, 18)), (44000.0, D(2020, 6, 18)), (44000.75, D(2020, 6, 18)), (43831, D(2020, 1, 1)),
     (16438, D(1945, 1, 1))],
)
def test_parse_date_accepts(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2020", "08/17/2020", "kemarin", "2020", "32 Agustus 2020", "17 Agustusan 2020"])
def test_parse_date_refuses_with_the_accepted_formats(raw):
    with pytest.raises(ValidationError, match="HH/BB/TTTT"):
        parse_date(raw)


@pytest.mark.parametrize("raw", [2020, 16437, 2_000_000, 12.5])
def test_a_number_outside_the_plausible_serial_range_is_not_a_date(raw):
    with pytest.raises(ValidationError, match="bukan tanggal"):
        parse_date(raw)


@pytest.mark.parametrize("raw", ["17/08/20", "1-1-21", "17 Agustus 20"])
def test_two_digit_years_are_refused_plainly(raw):
    with pytest.raises(ValidationError, match="empat angka"):
        parse_date(raw)


def test_an_implausible_year_is_refused():
    with pytest.raises(ValidationError, match="tidak masuk akal"):
        parse_date("17/08/0202")


# --- Numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [(1250000, Decimal("1250000")), ("1250000", Decimal("1250000")), ("1.250.000", Decimal("1250000")),
     ("1.250.000,50", Decimal("1250000.50")), ("Rp 1.250.000,-", Decimal("1250000")),
     ("Rp1.250.000", Decimal("1250000")), ("Rp. 2.000", Decimal("2000")), ("rp 2.000,00", Decimal("2000")),
     ("(1.500.000)", Decimal("-1500000")), ("-3.000", Decimal("-3000")), ("12,5", Decimal("12.5")),
     ("12.5", Decimal("12.5")), ("1,250,000.50", Decimal("1250000.50")), ("1,250,000", Decimal("1250000")),
     ("1 250 000", Decimal("1250000")), ("1\u00a0250\u00a0000", Decimal("1250000")), (0.25, Decimal("0.25")),
     (0.0734, Decimal("0.0734")), (111.4952, Decimal("111.4952")), (150000000.00000003, Decimal("150000000")),
     (0.1 + 0.2, Decimal("0.3")), (Decimal("7.5"), Decimal("7.5")), (1.5e10, Decimal("15000000000"))],
)
def test_parse_decimal(raw, expected):
    assert parse_decimal(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "1..2", "NaN", "inf", True, "Rp", "1.2.3,4,5", float("nan")])
def test_parse_decimal_refuses_non_numbers(raw):
    with pytest.raises(ValidationError):
        parse_decimal(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [(150000000.00000003, Decimal("150000000.00")), (1250000.005, Decimal("1250000.01")),
     ("Rp 1.250.000,50", Decimal("1250000.50")), ("(12.500.000)", Decimal("-12500000.00"))],
)
def test_parse_money_keeps_whole_cents(raw, expected):
    assert parse_money(raw) == expected
    assert parse_money(raw).as_tuple().exponent == -2


@pytest.mark.parametrize("raw, expected", [("2023", 2023), (2023, 2023), (2023.0, 2023), ("1.500", 1500)])
def test_parse_int(raw, expected):
    assert parse_int(raw) == expected


@pytest.mark.parametrize("raw", ["2023.5", 2023.5, "1,5"])
def test_parse_int_refuses_fractions(raw):
    with pytest.raises(ValidationError, match="bilangan bulat"):
        parse_int(raw)


@pytest.mark.parametrize("raw, expected", [("2023", 2023), (2023.0, 2023), (" 2024 ", 2024)])
def test_parse_year(raw, expected):
    assert parse_year(raw) == expected


@pytest.mark.parametrize("raw, match", [("2023.5", "bilangan bulat"), ("23", "empat angka"), (20230, "empat angka")])
def test_parse_year_refuses(raw, match):
    with pytest.raises(ValidationError, match=match):
        parse_year(raw)


# --- Codes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [("6105012003", "61.05.01.2003"), (" 61.05.01.2003 ", "61.05.01.2003"), (6105012003, "61.05.01.2003")],
)
def test_normalize_village_code(raw, expected):
    assert normalize_village_code(raw) == expected


@pytest.mark.parametrize("raw, expected", [("610501", "61.05.01"), ("61.05.01", "61.05.01"), (610501, "61.05.01")])
def test_normalize_district_code(raw, expected):
    assert normalize_district_code(raw) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", "Tanggal 'kemarin' tidak dikenali. Tulis HH/BB/TTTT, mis. 17/08/2020 atau 17 Agustus 2020."),
        ("en", "DD/MM/YYYY, e.g. 17/08/2020 or 17 Agustus 2020."),
    ],
)
def test_an_unreadable_date_says_how_to_write_it_in_the_users_language(language, expected):
    from django.utils import translation

    with translation.override(language), pytest.raises(ValidationError) as error:
        parse_date("kemarin")
    assert expected in error.value.messages[0]
