"""The downloadable templates: a Data sheet with only the header, examples on their own
sheet from the office's real villages, the office's regions and drop-down lists."""

import csv
import io

import pytest
from openpyxl import load_workbook

from cooperatives.imports import workbook
from cooperatives.imports.cells import parse_date
from cooperatives.imports.sheets import COLUMNS, DESA, KECAMATAN, KELOMPOK, KODE_DESA, read_sheet
from cooperatives.models import Kelompok, Village
from koperasi_registry.scopes import default_scope
from koperasi_registry.models import ImportJob

COOPERATIVE, RAT = ImportJob.Kind.COOPERATIVE, ImportJob.Kind.RAT
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def office(settings):
    settings.OFFICE_REGENCY_CODE = "61.05"


def open_template(kind):
    return load_workbook(io.BytesIO(workbook.template_xlsx(kind, scope=default_scope())))


def headers(kind):
    return [column.header for column in COLUMNS[kind]]


def letter_of(kind, header):
    from openpyxl.utils import get_column_letter

    return get_column_letter(headers(kind).index(header) + 1)


def validations(sheet):
    """{column letter: data validation} of the Data sheet."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = (validation, cell_range.coord)
    return found


@pytest.mark.parametrize("kind", [COOPERATIVE, RAT])
def test_the_data_sheet_holds_the_header_only(sintang, kind):
    book = open_template(kind)
    assert book.sheetnames[0] == "Data"
    data = book["Data"]
    rows = list(data.iter_rows(values_only=True))
    assert rows == [tuple(headers(kind))]
    assert data.max_row == 1
    assert data.freeze_panes == "A2"
    assert all(cell.font.bold for cell in data[1])


def test_text_and_date_columns_are_formatted(sintang):
    data = open_template(COOPERATIVE)["Data"]
    for column in COLUMNS[COOPERATIVE]:
        fmt = data.column_dimensions[letter_of(COOPERATIVE, column.header)].number_format
        if column.text_format:
            assert fmt == "@", column.header
        elif column.parse is parse_date:
            assert fmt == "DD/MM/YYYY", column.header


def test_sheets_of_each_kind(sintang):
    assert open_template(COOPERATIVE).sheetnames == ["Data", "Contoh", "Wilayah", "Pilihan"]
    assert open_template(RAT).sheetnames == ["Data", "Contoh"]


def test_wilayah_lists_the_offices_villages(sintang):
    wilayah = open_template(COOPERATIVE)["Wilayah"]
    rows = list(wilayah.iter_rows(min_row=2, values_only=True))
    villages = [row[:5] for row in rows if row[2]]
    assert len(villages) == 406
    assert {row[2] for row in villages} == set(Village.objects.in_regency("61.05").values_list("code", flat=True))
    assert len({row[0] for row in villages}) == 14
    assert ("61.05.01", "Sintang", "61.05.01.1003", "Tanjung Puri", "Kelurahan") in villages
    kinds = [row[4] for row in villages]
    assert (kinds.count("Desa"), kinds.count("Kelurahan")) == (390, 16)
    districts = [row[6] for row in rows if row[6]]
    assert len(districts) == 14 and districts == sorted(districts) and "Ketungau Hilir" in districts


def test_wilayah_is_one_query_and_capped_when_everything_is_loaded(sintang, settings, monkeypatch,
                                                                   django_assert_num_queries):
    settings.OFFICE_REGENCY_CODE = ""
    with django_assert_num_queries(0):
        assert workbook.office_for(RAT, scope=default_scope()).villages == []
    with django_assert_num_queries(2):  # villages, kelompok
        office = workbook.office_for(COOPERATIVE, scope=default_scope())
    assert len(office.villages) == 406 and not office.truncated
    monkeypatch.setattr(workbook, "VILLAGE_CAP", 100)
    office = workbook.office_for(COOPERATIVE, scope=default_scope())
    assert len(office.villages) == 100 and office.truncated
    settings.OFFICE_REGENCY_CODE = "61.05"  # a regency larger than the cap is cut short too
    assert workbook.office_for(COOPERATIVE, scope=default_scope()).truncated
    wilayah = open_template(COOPERATIVE)["Wilayah"]
    assert wilayah.max_row == 101
    assert "Hanya 100 desa/kelurahan pertama" in wilayah["J1"].value


def test_drop_downs_on_the_coded_columns(sintang):
    book = open_template(COOPERATIVE)
    found = validations(book["Data"])
    kelompok_count = Kelompok.objects.count()
    expected = {
        "Jenis": ("=Pilihan!$A$2:$A$6", "warning"),
        "Bentuk": ("=Pilihan!$B$2:$B$3", "stop"),
        KELOMPOK: (f"=Pilihan!$C$2:$C${kelompok_count + 1}", "warning"),
        "Syariah": ("=Pilihan!$D$2:$D$3", "stop"),
        "Merah Putih": ("=Pilihan!$D$2:$D$3", "stop"),
        KECAMATAN: ("=Wilayah!$G$2:$G$15", "warning"),
        DESA: ("=Wilayah!$D$2:$D$407", "warning"),
    }
    assert set(found) == {letter_of(COOPERATIVE, header) for header in expected}
    for header, (formula, style) in expected.items():
        letter = letter_of(COOPERATIVE, header)
        validation, coord = found[letter]
        assert validation.type == "list"
        assert validation.formula1 == formula, header
        assert coord == f"{letter}2:{letter}2000"
        assert (validation.errorStyle or "stop") == style, header
        assert validation.allow_blank


def test_the_lists_hold_the_allowed_values(sintang):
    pilihan = open_template(COOPERATIVE)["Pilihan"]
    column = {cells[0].value: [cell.value for cell in cells[1:] if cell.value] for cells in pilihan.iter_cols()}
    assert column["Jenis"] == ["Simpan Pinjam", "Konsumen", "Produsen", "Pemasaran", "Jasa"]
    assert column["Bentuk"] == ["Primer", "Sekunder"]
    assert column[KELOMPOK] == list(Kelompok.objects.order_by("name").values_list("name", flat=True))
    assert "Merah Putih" in column[KELOMPOK]
    assert column["Ya/Tidak"] == ["Ya", "Tidak"]


def test_list_values_stay_indonesian_in_an_english_interface(sintang):
    from django.utils import translation

    with translation.override("en"):
        book = open_template(COOPERATIVE)
    pilihan = {cells[0].value: [cell.value for cell in cells[1:] if cell.value] for cells in book["Pilihan"].iter_cols()}
    assert pilihan["Jenis"][0] == "Simpan Pinjam" and pilihan["Bentuk"] == ["Primer", "Sekunder"]
    assert book["Wilayah"]["E2"].value in ("Desa", "Kelurahan")
    _rows, examples = contoh_table(book["Contoh"], COOPERATIVE)
    assert examples[1]["Jenis"] == "Simpan Pinjam"


def contoh_table(sheet, kind):
    """The example rows under the Contoh sheet's header row, as {header: value} dicts."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if list(row[: len(headers(kind))]) == headers(kind))
    examples = []
    for row in rows[start + 1 :]:
        if not any(row):
            break
        examples.append(dict(zip(headers(kind), row)))
    return rows, examples


def test_contoh_examples_use_the_offices_real_names(sintang):
    book = open_template(COOPERATIVE)
    contoh = book["Contoh"]
    assert contoh["A1"].value == "Contoh pengisian — jangan disalin ke lembar Data"
    rows, examples = contoh_table(contoh, COOPERATIVE)
    assert 2 <= len(examples) <= 3
    wilayah = list(book["Wilayah"].iter_rows(min_row=2, values_only=True))
    places = {(row[1], row[3]) for row in wilayah}
    codes = {row[2] for row in wilayah}
    kelompok = set(Kelompok.objects.values_list("name", flat=True))
    for example in examples:
        if example[DESA]:
            assert (example[KECAMATAN], example[DESA]) in places
        else:
            assert example[KODE_DESA] in codes
        assert not example[KELOMPOK] or example[KELOMPOK] in kelompok
    assert examples[0]["Merah Putih"] == "Ya" and examples[0][DESA] in examples[0]["Nama koperasi"]
    text = " ".join(str(value) for row in rows for value in row if value)
    for words in ("Kolom", "Wajib?", "Keterangan", "Contoh", "NIK", "Kode dinas", "nama koperasi dan desanya",
                  "Sel kosong tidak mengubah data yang sudah ada"):
        assert words in text


def test_contoh_guide_lists_every_column_with_its_help(sintang):
    rows, _examples = contoh_table(open_template(COOPERATIVE)["Contoh"], COOPERATIVE)
    guide_start = next(i for i, row in enumerate(rows) if row[:4] == ("Kolom", "Wajib?", "Keterangan", "Contoh"))
    guide = {row[0]: row for row in rows[guide_start + 1 : guide_start + 1 + len(COLUMNS[COOPERATIVE])]}
    for column in COLUMNS[COOPERATIVE]:
        assert guide[column.header][2] == (column.help or None)
    assert guide["Nama koperasi"][1] == "Ya"
    assert guide["Alamat"][1] == "Tidak"
    assert guide[DESA][1] == "Ya, atau Kode desa"


def test_rat_contoh_has_examples_and_a_guide(sintang):
    rows, examples = contoh_table(open_template(RAT)["Contoh"], RAT)
    assert len(examples) == 2
    assert examples[1]["SHU"] < 0
    text = " ".join(str(value) for row in rows for value in row if value)
    assert "Tahun buku" in text and "Sel kosong tidak mengubah data yang sudah ada" in text


def test_without_villages_the_template_still_builds(db):
    book = open_template(COOPERATIVE)
    assert book["Data"].max_row == 1
    assert book["Wilayah"].max_row == 1
    headers_with_lists = {letter for letter in validations(book["Data"])}
    assert letter_of(COOPERATIVE, DESA) not in headers_with_lists


@pytest.mark.parametrize("kind", [COOPERATIVE, RAT])
def test_csv_template_is_the_header_only(db, kind):
    text = workbook.template_csv(kind)
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [headers(kind)]


def test_the_xlsx_header_is_read_back_by_the_importer(sintang):
    sheet = read_sheet(io.BytesIO(workbook.template_xlsx(COOPERATIVE, scope=default_scope())), "templat.xlsx", COOPERATIVE, header_only=True)
    assert [column.header for column in sheet.present] == headers(COOPERATIVE)
