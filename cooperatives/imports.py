"""Spreadsheet import of cooperatives and RAT filings (NetBox's bulk import, in bulk).

Flow: read the sheet (XLSX or CSV) -> check its header -> pre-fetch every lookup in a few
queries (villages by code, cooperatives by NIK and Kode dinas, kelompok by name, existing
filings) -> bind each row to a model instance and run the model's own ``full_clean`` ->
collect every error as "Baris 12, kolom NIK: ..." -> only if no row failed, save
everything with simple-history's bulk helpers in ONE ``transaction.atomic``.

Why openpyxl + csv directly rather than django-import-export (installed): its resources
save row by row (a save and savepoint per row), look instances up one query per row
unless ``get_instance`` is rewritten, report errors by field name instead of our column
headers, and its bulk mode skips simple-history. Making it do "NIK, else Kode dinas",
pre-fetched lookups, Indonesian row/column messages and ``bulk_*_with_history`` meant
overriding most of it; the loop below is shorter and does exactly that.

``full_clean`` runs with ``validate_unique=False, validate_constraints=False`` and with
the foreign keys excluded, because those checks run one query per row (and per
constraint). Uniqueness (NIK, Kode dinas, one filing per book year) is checked here
against the pre-fetched rows and within the sheet; the model's check constraints are
mirrored by its ``clean()``; and the database constraints still guard the final save.

Update rule: a blank cell keeps the stored value; a column missing from the sheet is
left alone. So a sheet with only "NIK" and "Telepon" updates phone numbers.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from koperasi_registry.models import ImportJob

from .choices import Bentuk, Jenis
from .models import Cooperative, Kelompok, RatFiling, Village
from .services import cooperative_refresh_rat_summary

logger = logging.getLogger(__name__)

BATCH_SIZE = 500  # rows per bulk INSERT/UPDATE
LOOKUP_CHUNK = 2000  # keys per "IN (...)" lookup query
PROGRESS_EVERY = 200  # rows between progress reports
MAX_STORED_ERRORS = 1000


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
TAHUN_BUKU = "Tahun buku"

COOPERATIVE_COLUMNS = (
    Column(NIK, "nik", example="6105010020001", text_format=True,
           help="Nomor Induk Koperasi; kosongkan bila belum ada"),
    Column(KODE_DINAS, "office_code", example="KOP-0001", text_format=True, help="Kode koperasi dalam catatan dinas"),
    Column("Nama koperasi", "name", example="Koperasi Desa Merah Putih Contoh", aliases=("Nama",)),
    Column("Jenis", "jenis", choice_parser(Jenis), example="Konsumen",
           help=", ".join(str(label) for label in Jenis.labels)),
    Column("Bentuk", "bentuk", choice_parser(Bentuk), example="Primer", help="Primer atau Sekunder"),
    Column(KELOMPOK, "kelompok", example="", help="Nama kelompok dari daftar dinas"),
    Column("Syariah", "is_syariah", parse_bool, example="Tidak", help="Ya atau Tidak"),
    Column("Merah Putih", "is_merah_putih", parse_bool, example="Ya", help="Ya atau Tidak"),
    Column(KODE_DESA, "village", normalize_village_code, example="", text_format=True, aliases=("Kode desa",),
           help="Kode Kemendagri, mis. 61.05.01.2001"),
    Column("Alamat", "address", example="Jl. Lintas Melawi No. 1"),
    Column("Lintang", "latitude", parse_decimal, example="", help="Mis. 0.0734"),
    Column("Bujur", "longitude", parse_decimal, example="", help="Mis. 111.4952"),
    Column("Tanggal berdiri", "founded_on", parse_date, example=datetime.date(2025, 7, 21), help="HH/BB/TTTT"),
    Column("Nomor badan hukum", "legal_entity_number", example="AHU-0005202.AH.01.26.TAHUN 2025"),
    Column("Tanggal badan hukum", "legal_entity_date", parse_date, example=datetime.date(2025, 8, 1),
           help="HH/BB/TTTT"),
    Column("Pengesah badan hukum", "legal_entity_authority", example="Kementerian Hukum"),
    Column("Ketua", "chair_name", example="Budi Santoso"),
    Column("Sekretaris", "secretary_name", example=""),
    Column("Bendahara", "treasurer_name", example=""),
    Column("Pengawas", "supervisor_names", example=""),
    Column("Manajer", "manager_name", example=""),
    Column("Telepon", "phone", example="0812 5555 0101", text_format=True),
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
    Column("Modal sendiri", "modal_sendiri", parse_decimal, example=150_000_000, help="Rupiah"),
    Column("Modal luar", "modal_luar", parse_decimal, example=50_000_000, help="Rupiah"),
    Column("Total aset", "total_aset", parse_decimal, example=210_000_000, help="Rupiah"),
    Column("Volume usaha", "volume_usaha", parse_decimal, example=480_000_000, help="Rupiah"),
    Column("SHU", "shu", parse_decimal, example=12_500_000, help="Rupiah; negatif bila rugi"),
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


def _xlsx_rows(upload) -> Iterable[tuple]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
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


def _csv_rows(upload) -> Iterable[tuple]:
    text = _decode(upload.read())
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
    raw_rows = iter(_xlsx_rows(upload) if extension == "xlsx" else _csv_rows(upload))
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
    if NIK not in seen and KODE_DINAS not in seen:
        raise SheetError(_("Berkas perlu kolom NIK atau Kode dinas untuk mencocokkan koperasi."))
    if known is RAT_COLUMNS and TAHUN_BUKU not in seen:
        raise SheetError(_("Berkas perlu kolom Tahun buku."))
    return columns


# --- Checking and saving -------------------------------------------------------------------


@dataclass
class Plan:
    errors: list[dict] = field(default_factory=list)
    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    unchanged: int = 0
    update_fields: list[str] = field(default_factory=list)  # fields that changed in some row


@dataclass
class Result:
    created: int
    updated: int
    unchanged: int


def _chunks(items, size=LOOKUP_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _messages(error: ValidationError) -> dict[str, list[str]]:
    """``{field: [message]}``, with Django's "cannot be null/blank" said plainly."""
    result = {}
    for name, errors in error.error_dict.items() if hasattr(error, "error_dict") else [("__all__", [error])]:
        result[name] = [
            _("Wajib diisi.") if item.code in ("null", "blank") else " ".join(item.messages)
            for item in errors
        ]
    return result


class Importer:
    """Checks every row (``check``) and, when none failed, saves them all (``save``)."""

    model = None
    columns: tuple[Column, ...] = ()
    lookup_fields: tuple[str, ...] = ()  # foreign keys resolved here, never by full_clean
    change_reason = ""

    def __init__(self, *, sheet: Sheet, user=None):
        self.sheet = sheet
        self.user = user
        self.header_of = {column.field: column.header for column in self.columns if column.field}
        self.originals: dict[int, dict] = {}

    def cells(self, values: tuple) -> dict[str, Any]:
        """``{header: raw value}`` for the sheet's columns that are not blank in this row."""
        return {
            column.header: values[index]
            for index, column in enumerate(self.sheet.columns)
            if column is not None and index < len(values) and not is_blank(values[index])
        }

    def prefetch(self) -> None:  # pragma: no cover - abstract
        """Load every row's look-ups in a few queries; ``remember`` the stored rows."""
        raise NotImplementedError

    def remember(self, instances) -> None:
        """Keep stored values, to tell updated rows from unchanged ones after binding."""
        attnames = [f.attname for f in self.model._meta.concrete_fields]
        for instance in instances:
            self.originals.setdefault(instance.pk, {a: getattr(instance, a) for a in attnames})

    def bind(self, number: int, parsed: dict, error: Callable[[str, str], None], failed: Callable[[str], bool]):
        """Return the instance for this row (or None); report problems through ``error``;
        ``failed(header)`` tells whether that cell already has an error."""
        raise NotImplementedError  # pragma: no cover

    def check(self, progress: Callable[[int], None] | None = None) -> Plan:
        plan = Plan()
        present = {column.header for column in self.sheet.present}
        sheet_fields = [c.field for c in self.columns if c.field and c.header in present]
        attnames = {self.model._meta.get_field(name).attname: name for name in sheet_fields}
        changed_fields = set()
        self.prefetch()
        parsers = {column.header: column for column in self.columns}
        for done, (number, values) in enumerate(self.sheet.rows, start=1):
            row_errors: list[tuple[str, str]] = []

            def error(column: str, message: str, row_errors=row_errors):
                row_errors.append((column, str(message)))

            parsed = {}
            for header, raw in self.cells(values).items():
                try:
                    parsed[header] = parsers[header].parse(raw)
                except ValidationError as exc:
                    error(header, " ".join(exc.messages))
            instance = self.bind(number, parsed, error, lambda header: any(c == header for c, _m in row_errors))
            if instance is not None:
                before = self.originals[instance.pk] if instance.pk else None
                failed = {header for header, _message in row_errors}
                for column in self.columns:
                    if column.field and column.field not in self.lookup_fields and column.header in parsed:
                        setattr(instance, column.field, parsed[column.header])
                exclude = list(self.lookup_fields) + [
                    c.field for c in self.columns if c.field and c.header in failed
                ]
                try:
                    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
                except ValidationError as exc:
                    for name, messages in _messages(exc).items():
                        for message in messages:
                            error(self.header_of.get(name, "—"), message)
                if not row_errors:
                    if before is None:
                        plan.create.append(instance)
                    elif changed := {name for a, name in attnames.items() if getattr(instance, a) != before[a]}:
                        changed_fields |= changed
                        plan.update.append(instance)
                    else:
                        plan.unchanged += 1
            for column, message in row_errors:
                plan.errors.append({"row": number, "column": column, "message": message})
            if progress and (done % PROGRESS_EVERY == 0):
                progress(done)
        if progress:
            progress(len(self.sheet.rows))
        # Only what changed: Django's bulk_update builds a CASE per field and row, its cost.
        plan.update_fields = [name for name in sheet_fields if name in changed_fields]
        return plan

    def save(self, plan: Plan) -> Result:
        """Write the whole plan in one transaction: everything or nothing."""
        if plan.errors:
            raise ValueError("A plan with errors is never saved.")
        reason = self.change_reason
        with transaction.atomic():
            if plan.create:
                bulk_create_with_history(
                    plan.create, self.model, batch_size=BATCH_SIZE, default_user=self.user,
                    default_change_reason=reason,
                )
            if plan.update:
                fields = self.fields_to_update(plan)
                bulk_update_with_history(
                    plan.update, self.model, fields=fields, batch_size=BATCH_SIZE,
                    default_user=self.user, default_change_reason=reason,
                )
            self.after_save(plan)
        return Result(created=len(plan.create), updated=len(plan.update), unchanged=plan.unchanged)

    def fields_to_update(self, plan: Plan) -> list[str]:
        return list(plan.update_fields)

    def after_save(self, plan: Plan) -> None:
        pass


class CooperativeImporter(Importer):
    model = Cooperative
    columns = COOPERATIVE_COLUMNS
    lookup_fields = ("village", "kelompok")
    change_reason = "Impor spreadsheet koperasi"

    def prefetch(self):
        niks, codes, villages = set(), set(), set()
        for _number, values in self.sheet.rows:
            cells = self.cells(values)
            if NIK in cells:
                niks.add(parse_text(cells[NIK]))
            if KODE_DINAS in cells:
                codes.add(parse_text(cells[KODE_DINAS]))
            if KODE_DESA in cells:
                villages.add(normalize_village_code(cells[KODE_DESA]))
        self.by_nik, self.by_code = {}, {}
        for chunk in _chunks(niks):
            self.by_nik.update({c.nik: c for c in Cooperative.objects.filter(nik__in=chunk)})
        for chunk in _chunks(codes):
            self.by_code.update({c.office_code: c for c in Cooperative.objects.filter(office_code__in=chunk)})
        self.remember((*self.by_nik.values(), *self.by_code.values()))
        found_ids = {c.pk for c in (*self.by_nik.values(), *self.by_code.values())}
        self.visible_ids = set()
        for chunk in _chunks(found_ids):
            self.visible_ids |= set(
                Cooperative.objects.visible_to(self.user).filter(pk__in=chunk).values_list("pk", flat=True)
            )
        office = Village.objects.in_regency(settings.OFFICE_REGENCY_CODE)
        self.villages = {}
        for chunk in _chunks(villages):
            self.villages.update({v.code: v for v in office.filter(code__in=chunk)})
        self.kelompok = {_norm(k.name): k for k in Kelompok.objects.all()}
        self.seen_nik, self.seen_code, self.seen_target = {}, {}, {}

    def bind(self, number, parsed, error, failed):
        nik, code = parsed.get(NIK, ""), parsed.get(KODE_DINAS, "")
        if not nik and not code:
            error(NIK, _("Isi NIK atau Kode dinas agar koperasi ini dapat dicocokkan saat impor berikutnya."))
        for key, header, seen in ((nik, NIK, self.seen_nik), (code, KODE_DINAS, self.seen_code)):
            if key and key in seen:
                error(header, _("%(header)s %(key)s sudah ada di baris %(row)s.")
                      % {"header": header, "key": key, "row": seen[key]})
            elif key:
                seen[key] = number
        by_nik = self.by_nik.get(nik) if nik else None
        by_code = self.by_code.get(code) if code else None
        if by_nik and by_code and by_nik.pk != by_code.pk:
            error(KODE_DINAS, _("Kode dinas %(code)s milik koperasi lain (%(other)s), bukan %(name)s yang ber-NIK ini.")
                  % {"code": code, "other": by_code.name, "name": by_nik.name})
        target = by_nik or by_code
        if target is not None and by_nik is None and nik and target.nik and target.nik != nik:
            error(NIK, _("Koperasi dengan Kode dinas %(code)s sudah ber-NIK %(nik)s; NIK di baris ini berbeda.")
                  % {"code": code, "nik": target.nik})
        if target is not None and target.pk not in self.visible_ids:
            error(NIK if by_nik else KODE_DINAS, _("Koperasi ini berada di luar wilayah dinas; tidak dapat diubah."))
            return None
        if target is not None:
            if target.pk in self.seen_target:
                error(NIK if by_nik else KODE_DINAS,
                      _("Baris ini dan baris %(row)s menunjuk koperasi yang sama (%(name)s).")
                      % {"row": self.seen_target[target.pk], "name": target.name})
                return None
            self.seen_target[target.pk] = number
        instance = target or Cooperative()
        if KODE_DESA in parsed:
            village = self.villages.get(parsed[KODE_DESA])
            if village is None:
                error(KODE_DESA, _("Kode desa %(code)s tidak dikenal di wilayah dinas.") % {"code": parsed[KODE_DESA]})
            else:
                instance.village = village
        elif instance.village_id is None:
            error(KODE_DESA, _("Wajib diisi."))
        if KELOMPOK in parsed:
            kelompok = self.kelompok.get(_norm(parsed[KELOMPOK]))
            if kelompok is None:
                error(KELOMPOK, _("Kelompok '%(name)s' belum ada di daftar. Pilih: %(names)s.")
                      % {"name": parsed[KELOMPOK], "names": ", ".join(k.name for k in self.kelompok.values())})
            else:
                instance.kelompok = kelompok
        return instance

    def fields_to_update(self, plan):
        now = timezone.now()
        for cooperative in plan.update:
            cooperative.updated_at = now  # bulk_update skips auto_now
        return [*plan.update_fields, "updated_at"]


class RatImporter(Importer):
    model = RatFiling
    columns = RAT_COLUMNS
    lookup_fields = ("cooperative",)
    change_reason = "Impor spreadsheet laporan RAT"

    def prefetch(self):
        niks, codes = set(), set()
        for _number, values in self.sheet.rows:
            cells = self.cells(values)
            if NIK in cells:
                niks.add(parse_text(cells[NIK]))
            if KODE_DINAS in cells:
                codes.add(parse_text(cells[KODE_DINAS]))
        visible = Cooperative.objects.visible_to(self.user).only("pk", "nik", "office_code", "name", "bentuk")
        self.by_nik, self.by_code = {}, {}
        for chunk in _chunks(niks):
            self.by_nik.update({c.nik: c for c in visible.filter(nik__in=chunk)})
        for chunk in _chunks(codes):
            self.by_code.update({c.office_code: c for c in visible.filter(office_code__in=chunk)})
        ids = {c.pk for c in (*self.by_nik.values(), *self.by_code.values())}
        self.filings = {}
        for chunk in _chunks(ids):
            for filing in RatFiling.objects.filter(cooperative_id__in=chunk):
                self.filings[(filing.cooperative_id, filing.book_year)] = filing
        self.remember(self.filings.values())
        self.seen = {}

    def bind(self, number, parsed, error, failed):
        nik, code = parsed.get(NIK, ""), parsed.get(KODE_DINAS, "")
        cooperative = None
        if not nik and not code:
            error(NIK, _("Isi NIK atau Kode dinas koperasi."))
        by_nik = self.by_nik.get(nik) if nik else None
        by_code = self.by_code.get(code) if code else None
        if nik and by_nik is None:
            error(NIK, _("Koperasi dengan NIK %(nik)s tidak ditemukan di wilayah dinas.") % {"nik": nik})
        elif code and by_code is None:
            error(KODE_DINAS, _("Koperasi dengan Kode dinas %(code)s tidak ditemukan di wilayah dinas.") % {"code": code})
        elif by_nik and by_code and by_nik.pk != by_code.pk:
            error(KODE_DINAS, _("NIK dan Kode dinas menunjuk dua koperasi berbeda (%(a)s, %(b)s).")
                  % {"a": by_nik.name, "b": by_code.name})
        else:
            cooperative = by_nik or by_code
        year = parsed.get(TAHUN_BUKU)
        if year is None and not failed(TAHUN_BUKU):
            error(TAHUN_BUKU, _("Wajib diisi."))
        if cooperative is not None and year is not None:
            key = (cooperative.pk, year)
            if key in self.seen:
                error(TAHUN_BUKU, _("Tahun buku %(year)s untuk koperasi ini sudah ada di baris %(row)s.")
                      % {"year": year, "row": self.seen[key]})
                return None
            self.seen[key] = number
            filing = self.filings.get(key)
            if filing is not None:
                return filing
        filing = RatFiling(book_year=year)
        if cooperative is not None:
            filing.cooperative = cooperative
        return filing

    def after_save(self, plan):
        ids = {filing.cooperative_id for filing in (*plan.create, *plan.update)}
        if ids:
            cooperative_refresh_rat_summary(cooperative_ids=ids)


IMPORTERS = {ImportJob.Kind.COOPERATIVE: CooperativeImporter, ImportJob.Kind.RAT: RatImporter}


def import_sheet(*, kind: str, sheet: Sheet, user=None, save: bool, progress=None) -> tuple[Plan, Result | None]:
    """Check every row; when none failed and ``save`` is set, save them all in one transaction."""
    importer = IMPORTERS[kind](sheet=sheet, user=user)
    plan = importer.check(progress)
    if plan.errors or not save:
        return plan, None
    return plan, importer.save(plan)


# --- Jobs: the same code path, run in a background thread with progress -------------------


def import_job_create(*, user, kind: str, upload) -> ImportJob:
    """Store the uploaded sheet and start checking it (the dry run)."""
    job = ImportJob(kind=kind, user=user, original_name=upload.name[:255], file=upload)
    job.save()
    _start(job.pk, save=False)
    return job


def import_job_confirm(*, job: ImportJob) -> bool:
    """Start saving a job whose dry run found no errors. False if it was not ready."""
    started = ImportJob.objects.filter(pk=job.pk, status=ImportJob.State.READY).update(
        status=ImportJob.State.SAVING, processed=0, updated_at=timezone.now()
    )
    if started:
        _start(job.pk, save=True)
    return bool(started)


def _start(job_id: int, *, save: bool) -> None:
    """Run inline when ``settings.IMPORT_RUN_INLINE`` (tests, commands), else in a thread."""
    if getattr(settings, "IMPORT_RUN_INLINE", False):
        import_job_run(job_id, save=save)
        return

    def work():
        try:
            import_job_run(job_id, save=save)
        finally:
            connections.close_all()  # this thread's own connections

    transaction.on_commit(lambda: threading.Thread(target=work, name=f"import-{job_id}", daemon=True).start())


def import_job_run(job_id: int, *, save: bool) -> ImportJob:
    """Check the job's sheet (and save it, if asked), recording progress and the outcome.

    The rows are checked again before saving, against the data as it is now; progress is
    written outside the saving transaction so that the polling page can see it.
    """
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    State = ImportJob.State

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed=done, updated_at=timezone.now())

    try:
        with job.file.open("rb") as handle:
            sheet = read_sheet(handle, job.original_name, job.kind)
        ImportJob.objects.filter(pk=job_id).update(total=len(sheet.rows), processed=0, updated_at=timezone.now())
        job.total = len(sheet.rows)
        plan, result = import_sheet(kind=job.kind, sheet=sheet, user=job.user, save=save, progress=progress)
        job.processed = job.total
        job.error_count = len(plan.errors)
        job.errors = plan.errors[:MAX_STORED_ERRORS]
        if plan.errors:
            job.status = State.INVALID
        elif result is None:
            job.status = State.READY
            job.created_count, job.updated_count, job.unchanged_count = (
                len(plan.create), len(plan.update), plan.unchanged,
            )
        else:
            job.status = State.DONE
            job.created_count, job.updated_count, job.unchanged_count = (
                result.created, result.updated, result.unchanged,
            )
    except SheetError as exc:
        job.status, job.message = State.FAILED, str(exc)
    except IntegrityError:
        logger.warning("Import job %s hit a database constraint", job_id, exc_info=True)
        job.status = State.FAILED
        job.message = _("Data berubah selama impor (NIK, Kode dinas atau tahun buku bentrok). "
                        "Tidak ada yang disimpan; unggah ulang berkasnya.")
    except Exception:
        logger.exception("Import job %s failed", job_id)
        job.status = State.FAILED
        job.message = _("Terjadi kesalahan tak terduga. Tidak ada yang disimpan.")
    if job.status != State.READY:
        job.finished_at = timezone.now()
    job.processed = min(job.processed, job.total)
    job.save()
    return job


# --- Templates: the exact headers and one example row --------------------------------------


def template_rows(kind: str) -> tuple[list[str], list]:
    """Header and an example row; the example village and kelompok come from the data."""
    columns = COLUMNS[kind]
    village = (
        Village.objects.in_regency(settings.OFFICE_REGENCY_CODE).order_by("code").values_list("code", flat=True).first()
    )
    kelompok = Kelompok.objects.values_list("name", flat=True).first()
    example = []
    for column in columns:
        value = column.example
        if column.header == KODE_DESA:
            value = village or ""
        elif column.header == KELOMPOK:
            value = kelompok or ""
        example.append(value)
    return [column.header for column in columns], example


def template_csv(kind: str) -> str:
    header, example = template_rows(kind)
    out = io.StringIO()
    out.write("\ufeff")  # so that Excel opens UTF-8 correctly
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerow([value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else value for value in example])
    return out.getvalue()


def template_xlsx(kind: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    header, example = template_rows(kind)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append(header)
    sheet.append(example)
    for index, column in enumerate(COLUMNS[kind], start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 4)
        cell = sheet[f"{letter}2"]
        if isinstance(column.example, datetime.date):
            cell.number_format = "DD/MM/YYYY"
        if column.text_format:
            for row in range(2, 1002):
                sheet[f"{letter}{row}"].number_format = "@"
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("Petunjuk")
    notes.append(["Kolom", "Keterangan"])
    notes["A1"].font = notes["B1"].font = Font(bold=True)
    for column in COLUMNS[kind]:
        notes.append([column.header, column.help])
    notes.append([])
    notes.append(["", "Koperasi dicocokkan dengan NIK, lalu Kode dinas; yang tidak cocok dibuat baru."])
    notes.append(["", "Sel kosong tidak mengubah data yang sudah ada."])
    notes.column_dimensions["A"].width = 26
    notes.column_dimensions["B"].width = 80
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
