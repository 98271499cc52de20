"""The file format (columns with their fixed Indonesian headers) and reading XLSX/CSV;
the downloadable templates are in ``workbook.py``."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from koperasi_registry.models import ImportJob

from ..choices import Jenis
from .cells import (
    SheetError,
    is_blank,
    normalize_kelompok,
    normalize_village_code,
    parse_bentuk,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_jenis,
    parse_money,
    parse_text,
)


# --- Columns: the file format. Headers are fixed Indonesian text (not translated), so a
# sheet works whatever the interface language. -------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    field: str | None  # model field it fills (None: used for look-ups only)
    parse: Callable[[Any], Any] = parse_text
    example: Any = ""
    help: str = ""
    aliases: tuple[str, ...] = ()
    text_format: bool = False  # format the template column as text (leading zeros stay)


NIK = "NIK"
KODE_DINAS = "Kode dinas"
KODE_DESA = "Kode desa (Kemendagri)"
KELOMPOK = "Kelompok"
JENIS = "Jenis"
NAMA = "Nama koperasi"
TAHUN_BUKU = "Tahun buku"
KECAMATAN = "Kecamatan"
DESA = "Desa/kelurahan"
RAT_TERAKHIR = "Tahun buku RAT terakhir"

COOPERATIVE_COLUMNS = (
    Column(NIK, "nik", example="6105010020001", text_format=True,
           help="Nomor Induk Koperasi; kosongkan bila belum ada"),
    Column(KODE_DINAS, "office_code", example="KOP-0001", text_format=True, help="Kode koperasi dalam catatan dinas"),
    Column(NAMA, "name", example="Koperasi Desa Merah Putih Contoh", aliases=("Nama",)),
    Column(JENIS, "jenis", parse_jenis, example="Konsumen",
           help=", ".join(str(label) for label in Jenis.labels) + "; juga KSP, USP, KSPPS (syariah), KSU, KUD"),
    Column("Bentuk", "bentuk", parse_bentuk, example="Primer", help="Primer atau Sekunder (juga P/S)"),
    Column(KELOMPOK, "kelompok", normalize_kelompok, example="", help="Nama kelompok dari daftar dinas (lembar Pilihan)"),
    Column("Syariah", "is_syariah", parse_bool, example="Tidak", help="Ya atau Tidak"),
    Column("Merah Putih", "is_merah_putih", parse_bool, example="Ya", help="Ya atau Tidak"),
    Column(KECAMATAN, None, example="Sintang", aliases=("Nama kecamatan", "Kode kecamatan"),
           help="Nama atau kode kecamatan (lembar Wilayah); perlu bila nama desa ada di lebih dari satu kecamatan"),
    Column(DESA, None, example="Tanjung Puri", aliases=("Desa", "Kelurahan", "Nama desa", "Desa/Kel"),
           help="Nama desa/kelurahan seperti di lembar Wilayah; boleh diganti Kode desa"),
    Column(KODE_DESA, "village", normalize_village_code, example="", text_format=True, aliases=("Kode desa",),
           help="Kode Kemendagri dari lembar Wilayah; boleh dikosongkan bila Desa/kelurahan diisi"),
    Column("Alamat", "address", example="Jl. Lintas Melawi No. 1"),
    Column("Lintang", "latitude", parse_decimal, example="", help="Mis. 0.0734"),
    Column("Bujur", "longitude", parse_decimal, example="", help="Mis. 111.4952"),
    Column("Tanggal berdiri", "founded_on", parse_date, example=datetime.date(2019, 3, 12), help="HH/BB/TTTT"),
    Column("Nomor badan hukum", "legal_entity_number", example="AHU-0001234.AH.01.26.TAHUN 2019"),
    Column("Tanggal badan hukum", "legal_entity_date", parse_date, example=datetime.date(2019, 5, 2),
           help="HH/BB/TTTT"),
    Column("Pengesah badan hukum", "legal_entity_authority", example="Kementerian Hukum"),
    Column("Ketua", "chair_name", example="Budi Santoso"),
    Column("Sekretaris", "secretary_name", example=""),
    Column("Bendahara", "treasurer_name", example=""),
    Column("Pengawas", "supervisor_names", example=""),
    Column("Manajer", "manager_name", example=""),
    Column("Telepon", "phone", example="0812 5555 0101", text_format=True),
    Column(RAT_TERAKHIR, "recorded_rat_year", parse_int, example=2023, aliases=("RAT terakhir", "Tahun RAT terakhir"),
           help="Catatan dinas bila laporan RAT-nya tidak ada: tahun buku RAT terakhir yang diketahui. "
                "Laporan RAT yang dicatat kemudian menggantikannya."),
)

RAT_COLUMNS = (
    Column(NIK, None, example="6105010020001", text_format=True, help="NIK atau Kode dinas koperasi"),
    Column(KODE_DINAS, None, example="KOP-0001", text_format=True, help="NIK atau Kode dinas koperasi"),
    Column(TAHUN_BUKU, "book_year", parse_int, example=2024),
    Column("Tanggal RAT", "rat_date", parse_date, example=datetime.date(2025, 3, 15), help="HH/BB/TTTT"),
    Column("Tanggal lapor", "reported_on", parse_date, example=datetime.date(2025, 3, 20), help="HH/BB/TTTT"),
    Column("Anggota laki-laki", "members_male", parse_int, example=40),
    Column("Anggota perempuan", "members_female", parse_int, example=35),
    Column("Jumlah pengurus", "pengurus_count", parse_int, example=3),
    Column("Jumlah pengawas", "pengawas_count", parse_int, example=3),
    Column("Manajer laki-laki", "managers_male", parse_int, example=1),
    Column("Manajer perempuan", "managers_female", parse_int, example=0),
    Column("Karyawan laki-laki", "employees_male", parse_int, example=2),
    Column("Karyawan perempuan", "employees_female", parse_int, example=3),
    Column("Modal sendiri", "modal_sendiri", parse_money, example=150_000_000, help="Rupiah"),
    Column("Modal luar", "modal_luar", parse_money, example=50_000_000, help="Rupiah"),
    Column("Total aset", "total_aset", parse_money, example=210_000_000, help="Rupiah"),
    Column("Volume usaha", "volume_usaha", parse_money, example=480_000_000, help="Rupiah"),
    Column("SHU", "shu", parse_money, example=12_500_000, help="Rupiah; negatif bila rugi"),
    Column("Catatan", "notes", example=""),
)

COLUMNS = {ImportJob.Kind.COOPERATIVE: COOPERATIVE_COLUMNS, ImportJob.Kind.RAT: RAT_COLUMNS}


def _norm(header) -> str:
    return " ".join(str(header or "").split()).casefold()


# --- Reading a sheet ---------------------------------------------------------------------


@dataclass
class Sheet:
    columns: list[Column | None]  # per position in the file (None: an empty header cell)
    rows: list[tuple[int, tuple]]  # (row number as the spreadsheet shows it, cell values)

    @property
    def present(self) -> list[Column]:
        return [column for column in self.columns if column is not None]


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 50_000)


@dataclass(frozen=True)
class FormulaWithoutValue:
    """A formula cell the file holds no computed value for (a file written by a script,
    never opened in Excel): reading it as blank would lose data silently."""

    ref: str  # "F12"
    formula: str

    def __str__(self):
        return self.formula


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(worksheet) -> bool:
    """Does the sheet's XML hold any formula? A streamed scan: no cell is parsed."""
    tail = b""
    with worksheet._get_source() as source:  # openpyxl's read-only worksheet stream
        while chunk := source.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _data_sheet(workbook):
    """The sheet named "Data" (the template's), else the first one."""
    for worksheet in workbook.worksheets:
        if worksheet.title.strip().casefold() == "data":
            return worksheet
    return workbook.worksheets[0]


def _xlsx_rows(upload, *, header_only: bool = False) -> Iterable[tuple]:
    """Every row of the data sheet, whatever its ``<dimension>`` entry says (files written by
    other tools often carry a stale one, and openpyxl's read-only mode trusts it). A formula
    without a stored value comes as :class:`FormulaWithoutValue`."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
        sheet = _data_sheet(workbook)
        sheet.reset_dimensions()
        if header_only or not _has_formulas(sheet):
            yield from sheet.iter_rows(values_only=True)
            return
        upload.seek(0)
        formulas = _data_sheet(load_workbook(upload, read_only=True, data_only=False))
        formulas.reset_dimensions()
        for number, (values, texts) in enumerate(
            zip_longest(sheet.iter_rows(values_only=True), formulas.iter_rows(values_only=True), fillvalue=()),
            start=1,
        ):
            row = list(values)
            for index, text in enumerate(texts):
                if isinstance(text, str) and text.startswith("=") and (index >= len(row) or row[index] is None):
                    row.extend([None] * (index + 1 - len(row)))
                    row[index] = FormulaWithoutValue(ref=f"{get_column_letter(index + 1)}{number}", formula=text)
            yield tuple(row)
    except SheetError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SheetError(_("Berkas XLSX tidak dapat dibaca. Simpan ulang dari Excel/LibreOffice sebagai .xlsx.")) from exc


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise SheetError(_("Isi berkas bukan teks CSV."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # CSV saved by Excel on Windows


HEADER_BYTES = 64 * 1024  # enough for any header row


def _csv_rows(upload, *, header_only: bool = False) -> Iterable[tuple]:
    # The header alone needs only the file's start: the web request never reads a whole sheet.
    data = upload.read(HEADER_BYTES) if header_only else upload.read()
    if header_only and b"\n" in data:
        data = data[: data.index(b"\n")]
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    # Excel with Indonesian regional settings separates with ";" (the comma is the decimal mark).
    delimiter = max((";", ",", "\t"), key=first_line.count)
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield tuple(row)


def read_sheet(upload, name: str, kind: str, *, header_only: bool = False) -> Sheet:
    """Read the first worksheet (XLSX) or the CSV; the first row is the header."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ("xlsx", "csv"):
        raise SheetError(_("Gunakan berkas .xlsx atau .csv."))
    reader = _xlsx_rows if extension == "xlsx" else _csv_rows
    raw_rows = iter(reader(upload, header_only=header_only))
    header = next(raw_rows, None)
    if header is None:
        raise SheetError(_("Berkas kosong: baris pertama harus berisi judul kolom."))
    columns = match_header(header, COLUMNS[kind])
    rows: list[tuple[int, tuple]] = []
    if not header_only:
        limit = max_rows()
        for number, values in enumerate(raw_rows, start=2):
            if all(is_blank(value) for value in values):
                continue
            if len(rows) >= limit:
                raise SheetError(_("Terlalu banyak baris: paling banyak %(limit)s per berkas.") % {"limit": limit})
            rows.append((number, tuple(values)))
        if not rows:
            raise SheetError(_("Berkas tidak berisi baris data di bawah judul kolom."))
    return Sheet(columns=columns, rows=rows)


def match_header(header: tuple, known: tuple[Column, ...]) -> list[Column | None]:
    by_name = {}
    for column in known:
        for name in (column.header, *column.aliases):
            by_name[_norm(name)] = column
    columns, unknown, seen = [], [], set()
    for cell in header:
        if is_blank(cell):
            columns.append(None)
            continue
        column = by_name.get(_norm(cell))
        if column is None:
            unknown.append(str(cell).strip())
        elif column.header in seen:
            raise SheetError(_("Kolom '%(name)s' muncul dua kali.") % {"name": column.header})
        else:
            seen.add(column.header)
        columns.append(column)
    if unknown:
        raise SheetError(
            _("Kolom tidak dikenal: %(unknown)s. Gunakan judul kolom dari templat.")
            % {"unknown": ", ".join(unknown)}
        )
    if known is RAT_COLUMNS and NIK not in seen and KODE_DINAS not in seen:
        raise SheetError(_("Berkas perlu kolom NIK atau Kode dinas untuk mencocokkan koperasi."))
    if known is not RAT_COLUMNS and not seen & {NIK, KODE_DINAS, NAMA}:
        raise SheetError(_("Berkas perlu kolom NIK, Kode dinas atau Nama koperasi untuk mencocokkan koperasi."))
    if known is RAT_COLUMNS and TAHUN_BUKU not in seen:
        raise SheetError(_("Berkas perlu kolom Tahun buku."))
    return columns
