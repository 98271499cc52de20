"""The downloadable templates: an XLSX an office can fill from what it has, and a CSV.

XLSX sheets: "Data" (the header row only: the first sheet is the one imported, so it
holds no example), "Contoh" (example rows from the office's own villages and kelompok,
and a column guide), "Wilayah" (the office's kecamatan and villages) and "Pilihan" (the
allowed values). Drop-down lists on the Data sheet point at Wilayah and Pilihan.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from koperasi_registry.exports import SafeCsvWriter, safe_sheet
from koperasi_registry.models import ImportJob
from koperasi_registry.scopes import Scope

from ..choices import Bentuk, Jenis, VillageKind
from ..models import Cooperative, Kelompok, RatFiling, Village
from .cells import parse_date
from .sheets import COLUMNS, DESA, KECAMATAN, KELOMPOK, KODE_DESA, KODE_DINAS, NIK, Column

DATA, CONTOH, WILAYAH, PILIHAN = "Data", "Contoh", "Wilayah", "Pilihan"
LAST_ROW = 2000  # drop-down lists and formats reach this row of the Data sheet
VILLAGE_CAP = 5000  # villages listed at most (a province or national scope has more)
DATE_FORMAT = "DD/MM/YYYY"
JENIS, BENTUK, SYARIAH, MERAH_PUTIH = "Jenis", "Bentuk", "Syariah", "Merah Putih"
YES_NO = ("Ya", "Tidak")
BOLD = Font(bold=True)

MODELS = {ImportJob.Kind.COOPERATIVE: Cooperative, ImportJob.Kind.RAT: RatFiling}


@dataclass
class Office:
    """What the template shows of the office: its villages and its kelompok names."""

    villages: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # kec code, kec, code, name, kind
    truncated: bool = False
    kelompok: list[str] = field(default_factory=list)

    @property
    def districts(self) -> list[tuple[str, str]]:
        """(name, code) of each kecamatan, by name."""
        return sorted({(row[1], row[0]) for row in self.villages})


def office_for(kind: str, *, scope: Scope) -> Office:
    """Two queries for the cooperative template (the villages of the office ``scope``,
    kelompok); none for RAT."""
    if kind != ImportJob.Kind.COOPERATIVE:
        return Office()
    rows = list(
        Village.objects.filter(scope.code_q())
        .order_by("district__name", "name", "code")
        .values_list("district__code", "district__name", "code", "name", "kind")[: VILLAGE_CAP + 1]
    )
    return Office(villages=rows[:VILLAGE_CAP], truncated=len(rows) > VILLAGE_CAP,
                  kelompok=list(Kelompok.objects.order_by("name").values_list("name", flat=True)))


# --- CSV ---------------------------------------------------------------------------------------


def template_csv(kind: str) -> str:
    """The header row only (with a BOM, so that Excel reads UTF-8)."""
    out = io.StringIO()
    out.write("\ufeff")
    SafeCsvWriter(out).writerow([column.header for column in COLUMNS[kind]])
    return out.getvalue()


# --- XLSX --------------------------------------------------------------------------------------


def template_xlsx(kind: str, *, scope: Scope) -> bytes:
    """The workbook for ``kind`` (an ``ImportJob.Kind``), with the villages of the
    downloader's office ``scope`` (``access.office_scope(user)``)."""
    columns = COLUMNS[kind]
    office = office_for(kind, scope=scope)
    workbook = Workbook()
    data = safe_sheet(workbook.active)  # every sheet: office data never becomes a formula
    data.title = DATA
    write_data(data, columns)
    write_contoh(safe_sheet(workbook.create_sheet(CONTOH)), kind, columns, office)
    if kind == ImportJob.Kind.COOPERATIVE:
        lists = write_wilayah(safe_sheet(workbook.create_sheet(WILAYAH)), office)
        lists |= write_pilihan(safe_sheet(workbook.create_sheet(PILIHAN)), office)
        add_validations(data, columns, lists)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def labels_id(choices) -> dict[str, str]:
    """{stored value: Indonesian label}: cell values stay Indonesian whatever the interface
    language, so that the import reads them back."""
    with translation.override("id"):
        return {value: str(label) for value, label in choices.choices}


def is_date(column: Column) -> bool:
    return column.parse is parse_date or isinstance(column.example, datetime.date)


def write_data(sheet: Worksheet, columns: tuple[Column, ...]) -> None:
    """Bold frozen header, help as a comment on each header cell; column formats (text,
    date) as column styles, so the sheet has no rows but the header."""
    sheet.append([column.header for column in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font = BOLD
        if column.help:
            cell.comment = Comment(column.help, "Dinas Koperasi", width=300, height=120)
        dimension = sheet.column_dimensions[letter]
        dimension.width = min(40, max(12, len(column.header) + 4, len(_display(column.example)) + 2))
        if column.text_format:
            dimension.number_format = "@"
        elif is_date(column):
            dimension.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"


def _display(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else str(value)


# --- Contoh: example rows and the column guide ----------------------------------------------------


def example_rows(kind: str, columns: tuple[Column, ...], office: Office) -> list[list]:
    """Two or three realistic rows, using the office's real villages and kelompok."""
    base = {column.header: column.example for column in columns}
    if kind == ImportJob.Kind.COOPERATIVE:
        overrides = _cooperative_examples(office)
    else:
        overrides = [
            {},
            {NIK: "", KODE_DINAS: "KOP-0002", "Tanggal RAT": datetime.date(2025, 4, 26),
             "Tanggal lapor": datetime.date(2025, 5, 5), "Anggota laki-laki": 112, "Anggota perempuan": 87,
             "Modal sendiri": 420_000_000, "Modal luar": 0, "Total aset": 455_000_000,
             "Volume usaha": 1_250_000_000, "SHU": -2_500_000, "Catatan": "RAT terlambat; rugi karena gagal panen"},
        ]
    return [[row.get(column.header, base[column.header]) for column in columns] for row in overrides]


def _cooperative_examples(office: Office) -> list[dict]:
    """A Merah Putih cooperative named by desa and kecamatan, a savings cooperative named by
    village code, a syariah one: each in another kecamatan of the office."""
    picks, seen = [], set()
    for row in sorted(office.villages, key=lambda row: row[2]):  # by code: one village a kecamatan
        if row[0] not in seen:
            seen.add(row[0])
            picks.append(row)
    jenis, bentuk = labels_id(Jenis), labels_id(Bentuk)

    def kelompok(name: str) -> str:
        return name if name in office.kelompok else ""

    rows = []
    if picks:
        _kec_code, district, _code, name, village_kind = picks[0]
        prefix = "Koperasi Kelurahan" if village_kind == VillageKind.KELURAHAN else "Koperasi Desa"
        rows.append({
            "Nama koperasi": f"{prefix} Merah Putih {name}", JENIS: jenis[Jenis.KONSUMEN],
            BENTUK: bentuk[Bentuk.PRIMER], KELOMPOK: kelompok("Merah Putih"), SYARIAH: "Tidak", MERAH_PUTIH: "Ya",
            KECAMATAN: district, DESA: name, KODE_DESA: "", "Tahun buku RAT terakhir": "",
        })
    if len(picks) > 1:
        rows.append({
            NIK: "", KODE_DINAS: "KOP-0002", "Nama koperasi": "Koperasi Simpan Pinjam Sejahtera Bersama",
            JENIS: jenis[Jenis.SIMPAN_PINJAM], BENTUK: bentuk[Bentuk.PRIMER], KELOMPOK: kelompok("KSP"),
            SYARIAH: "Tidak", MERAH_PUTIH: "Tidak", KECAMATAN: "", DESA: "", KODE_DESA: picks[1][2], "Alamat": "",
            "Tanggal berdiri": datetime.date(2012, 3, 12), "Nomor badan hukum": "518/45/BH/XIV.10/III/2012",
            "Tanggal badan hukum": datetime.date(2012, 3, 20), "Pengesah badan hukum": "Bupati",
            "Ketua": "Siti Aminah", "Telepon": "", "Tahun buku RAT terakhir": 2023,
        })
    if len(picks) > 2:
        rows.append({
            NIK: "", KODE_DINAS: "KOP-0003", "Nama koperasi": "Koperasi Syariah Al-Ikhlas",
            JENIS: jenis[Jenis.SIMPAN_PINJAM], BENTUK: bentuk[Bentuk.PRIMER], KELOMPOK: kelompok("KSPPS"),
            SYARIAH: "Ya", MERAH_PUTIH: "Tidak", KECAMATAN: picks[2][1], DESA: picks[2][3], KODE_DESA: "",
            "Alamat": "", "Tanggal berdiri": datetime.date(2019, 10, 1),
            "Nomor badan hukum": "AHU-0001234.AH.01.26.TAHUN 2019", "Tanggal badan hukum": datetime.date(2019, 10, 15),
            "Ketua": "Ahmad Fauzi", "Telepon": "", "Tahun buku RAT terakhir": 2024,
        })
    return rows or [{}]


def required(kind: str, column: Column) -> str:
    """The guide's "Wajib?" cell, from the model field (or the look-up rule)."""
    special = {
        ImportJob.Kind.COOPERATIVE: {
            KECAMATAN: _("Bila nama desa ada di lebih dari satu kecamatan"),
            DESA: _("Ya, atau Kode desa"),
            KODE_DESA: _("Ya, atau Desa/kelurahan"),
        },
        ImportJob.Kind.RAT: {NIK: _("Ya, atau Kode dinas"), KODE_DINAS: _("Ya, atau NIK")},
    }[kind]
    if column.header in special:
        return special[column.header]
    if column.field:
        model_field = MODELS[kind]._meta.get_field(column.field)
        if not model_field.blank and not model_field.has_default():
            return _("Ya")
    return _("Tidak")


def guide_notes(kind: str) -> list[str]:
    blank = _("Sel kosong tidak mengubah data yang sudah ada. Kolom wajib hanya perlu diisi untuk data baru; "
              "untuk memperbarui, cukup kolom pencocok dan kolom yang berubah.")
    if kind == ImportJob.Kind.RAT:
        return [
            _("Laporan dicocokkan dengan koperasinya menurut NIK, bila kosong menurut Kode dinas, dan dengan "
              "Tahun buku: laporan tahun buku yang sudah tercatat diperbarui, yang belum ada ditambahkan."),
            blank,
            _("Tanggal ditulis HH/BB/TTTT (17/08/2020) atau 17 Agustus 2020. Rupiah boleh ditulis 1.250.000; "
              "rugi ditulis negatif (-2.500.000)."),
        ]
    serba_usaha = getattr(settings, "IMPORT_JENIS_FOR_SERBA_USAHA", "konsumen")
    return [
        _("Baris dicocokkan dengan koperasi yang sudah tercatat menurut NIK; bila NIK kosong, menurut Kode dinas; "
          "bila keduanya kosong, menurut nama koperasi dan desanya. Baris yang tidak cocok dicatat sebagai "
          "koperasi baru."),
        blank,
        _("Desa: isi nama desa/kelurahan seperti di lembar Wilayah (tambahkan Kecamatan bila nama itu ada di "
          "lebih dari satu kecamatan), atau Kode desa dari lembar Wilayah."),
        _("Jenis: %(labels)s. KSP/USP dibaca Simpan Pinjam; KSPPS/USPPS dibaca Simpan Pinjam syariah; "
          "KSU dan KUD dibaca %(serba)s dengan kelompok KSU/KUD.")
        % {"labels": ", ".join(labels_id(Jenis).values()), "serba": labels_id(Jenis).get(serba_usaha, serba_usaha)},
        _("Tanggal ditulis HH/BB/TTTT (17/08/2020) atau 17 Agustus 2020. Ya/Tidak boleh ditulis Y/T atau 1/0."),
    ]


def write_contoh(sheet: Worksheet, kind: str, columns: tuple[Column, ...], office: Office) -> None:
    sheet.append([_("Contoh pengisian — jangan disalin ke lembar Data")])
    sheet["A1"].font = Font(bold=True, size=14, color="C00000")
    sheet.append([_("Isi data di lembar Data mulai baris 2. Baris di bawah ini hanya contoh dan tidak diimpor.")])
    sheet.append([])
    sheet.append([column.header for column in columns])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = BOLD
    examples = example_rows(kind, columns, office)
    for values in examples:
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = DATE_FORMAT
            elif isinstance(cell.value, int) and abs(cell.value) >= 10_000:
                cell.number_format = "#,##0"
    sheet.append([])
    sheet.append([_("Petunjuk kolom")])
    sheet.cell(row=sheet.max_row, column=1).font = BOLD
    sheet.append([_("Kolom"), _("Wajib?"), _("Keterangan"), _("Contoh")])
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for index, column in enumerate(columns):
        example = examples[0][index] if examples[0][index] not in ("", None) else column.example
        sheet.append([column.header, required(kind, column), column.help, _display(example)])
    sheet.append([])
    sheet.append([_("Cara impor")])
    sheet.cell(row=sheet.max_row, column=1).font = BOLD
    for note in guide_notes(kind):
        sheet.append([note])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            40, max(12, len(column.header) + 4, len(_display(column.example)) + 2)
        )
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["C"].width = max(sheet.column_dimensions["C"].width, 50)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


# --- Wilayah and Pilihan: the lists the drop-downs point at ------------------------------------------


def _range(sheet: str, letter: str, count: int) -> str:
    return f"={sheet}!${letter}$2:${letter}${count + 1}"


def write_wilayah(sheet: Worksheet, office: Office) -> dict[str, str]:
    """The villages (A-E) and the kecamatan (G-H); returns the drop-down ranges."""
    sheet.append([_("Kode kecamatan"), KECAMATAN, _("Kode desa"), DESA, _("Jenis"), None,
                  _("Daftar kecamatan"), _("Kode kecamatan")])
    for cell in sheet[1]:
        cell.font = BOLD
    kinds = labels_id(VillageKind)
    districts = office.districts
    for index, (district_code, district, code, name, kind) in enumerate(office.villages):
        row = [district_code, district, code, name, str(kinds.get(kind, kind)), None]
        if index < len(districts):
            row += [districts[index][0], districts[index][1]]
        sheet.append(row)
    if office.truncated:
        sheet["J1"] = _("Hanya %(count)s desa/kelurahan pertama yang dicantumkan. Desa lain tetap dapat "
                        "diimpor dengan namanya atau Kode desa.") % {"count": VILLAGE_CAP}
    for letter, width in zip("ABCDEFGH", (16, 24, 16, 28, 12, 3, 24, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    if not office.villages:
        return {}
    sheet.auto_filter.ref = f"A1:E{len(office.villages) + 1}"
    return {KECAMATAN: _range(WILAYAH, "G", len(districts)), DESA: _range(WILAYAH, "D", len(office.villages))}


def write_pilihan(sheet: Worksheet, office: Office) -> dict[str, str]:
    """One column per list; returns the drop-down ranges."""
    lists = {
        JENIS: list(labels_id(Jenis).values()),
        BENTUK: list(labels_id(Bentuk).values()),
        KELOMPOK: office.kelompok,
        "Ya/Tidak": list(YES_NO),
    }
    ranges = {}
    for index, (title, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=title).font = BOLD
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=value)
        sheet.column_dimensions[letter].width = 22
        if values:
            ranges[title] = _range(PILIHAN, letter, len(values))
    if "Ya/Tidak" in ranges:
        ranges[SYARIAH] = ranges[MERAH_PUTIH] = ranges.pop("Ya/Tidak")
    sheet.freeze_panes = "A2"
    return ranges


# Columns where only the list's values make sense stop other input; the others warn, because
# the import also reads other spellings (KSP, KSU, a kecamatan code, "Desa Tanjung Puri").
STRICT = {BENTUK, SYARIAH, MERAH_PUTIH}


def add_validations(sheet: Worksheet, columns: tuple[Column, ...], lists: dict[str, str]) -> None:
    """A drop-down on each coded column of rows 2..LAST_ROW; columns found by header."""
    for index, column in enumerate(columns, start=1):
        formula = lists.get(column.header)
        if formula is None:
            continue
        letter = get_column_letter(index)
        strict = column.header in STRICT
        validation = DataValidation(
            type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
            errorStyle="stop" if strict else "warning",
            errorTitle=column.header,
            error=_("Pilih dari daftar.") if strict else _(
                "Nilai ini tidak ada di daftar. Lanjutkan bila ejaannya memang begitu: impor akan memeriksanya."),
        )
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
        sheet.add_data_validation(validation)
