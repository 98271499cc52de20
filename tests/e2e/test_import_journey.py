"""Browser journey: a Staf member downloads the XLSX template, fills it the way an office
would (village by name, office spellings of jenis, the recorded last RAT year, no NIK and
no Kode dinas), fixes the one misspelt village the dry run names and saves.

The import runs through the real pages: the job page (htmx-polled while a job runs) shows
the dry run's errors, then its preview, then the result after "Simpan semua".
"""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from cooperatives.choices import Bentuk, Jenis
from cooperatives.imports.villages import village_key
from cooperatives.models import Cooperative, Kelompok, Village
from koperasi_registry import access
from tests.e2e.conftest import DESKTOP, foreign_requests, has_no_horizontal_scroll, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE_390 = {"width": 390, "height": 844}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GENERATED_CODE = re.compile(r"KOP-6105-\d{5}")

# (name, Jenis as an office writes it, Tahun buku RAT terakhir)
ROWS = (
    ("Koperasi Serba Usaha Maju Bersama", "KSU", 2025),
    ("Koperasi Simpan Pinjam Sejahtera", "Simpan Pinjam", 2021),
    ("KUD Karya Tani", "KUD", None),
)
BAD_ROW = 3  # the spreadsheet's row number of ROWS[1] (row 1 is the header)


@pytest.fixture
def sintang_loaded(db):
    call_command("load_regions", "61.05", stdout=io.StringIO())


def wilayah(workbook) -> list[dict]:
    """The template's own list of the office's villages (lembar Wilayah)."""
    sheet = workbook["Wilayah"]
    header = [cell.value for cell in sheet[1]]
    kecamatan, desa = header.index("Kecamatan"), header.index("Desa/kelurahan")
    return [
        {"kecamatan": row[kecamatan], "desa": row[desa]}
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row[desa]
    ]


def pick_villages(villages: list[dict]) -> list[dict]:
    """Three villages in three kecamatan, each name unique in the office and long enough
    that one letter dropped still reads as that village; and a misspelling of the second
    that is no village's name."""
    counts: dict[str, int] = {}
    for village in villages:
        counts[village_key(village["desa"])] = counts.get(village_key(village["desa"]), 0) + 1
    keys = set(counts)
    picks, seen = [], set()
    for village in villages:
        name = village["desa"]
        if village["kecamatan"] in seen or counts[village_key(name)] != 1 or not 8 <= len(name) <= 20 or " " in name:
            continue
        misspelt = name[:3] + name[4:]  # a letter dropped, as a hurried typist does
        if village_key(misspelt) in keys:
            continue
        seen.add(village["kecamatan"])
        picks.append({**village, "misspelt": misspelt})
        if len(picks) == 3:
            return picks
    raise AssertionError("the Wilayah sheet lists too few villages to choose from")


def fill(template: bytes, villages: list[dict], second_village: str) -> bytes:
    """The Data sheet (header only) filled with ROWS; the other sheets left as they came."""
    workbook = load_workbook(io.BytesIO(template))
    data = workbook["Data"]
    assert data.max_row == 1, "the Data sheet comes with the header row only"
    column = {cell.value: cell.column for cell in data[1]}
    assert {"NIK", "Kode dinas", "Kecamatan", "Desa/kelurahan", "Tahun buku RAT terakhir"} <= set(column)
    for offset, ((name, jenis, rat_year), village) in enumerate(zip(ROWS, villages, strict=True)):
        row = 2 + offset
        desa = second_village if offset == 1 else village["desa"]
        values = {
            "Nama koperasi": name,
            "Jenis": jenis,
            "Bentuk": "Primer",
            "Kecamatan": village["kecamatan"],
            "Desa/kelurahan": desa,
            "Tahun buku RAT terakhir": rat_year,
        }
        for header, value in values.items():
            data.cell(row=row, column=column[header], value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(page, name: str, content: bytes) -> None:
    page.get_by_label("Berkas XLSX atau CSV").set_input_files({"name": name, "mimeType": XLSX, "buffer": content})
    page.get_by_role("button", name="Unggah dan periksa").click()


@pytest.mark.parametrize("viewport", [PHONE_390, DESKTOP], ids=["phone", "desktop"])
def test_staf_fills_the_template_fixes_a_misspelt_village_and_saves(
    open_page, live_server, make_user, sintang_loaded, viewport
):
    staf = make_user(access.STAF, first_name="Sari", last_name="Staf")
    page = open_page(viewport)
    log_in(page, live_server, staf)

    # 1. The template, downloaded from the import page.
    page.goto(f"{live_server.url}{reverse('cooperatives:cooperative_import')}")
    expect(page.get_by_role("heading", name="Impor data koperasi")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh templat XLSX").click()
    filename = download.value.suggested_filename
    assert filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as handle:
        template = handle.read()
    villages = pick_villages(wilayah(load_workbook(io.BytesIO(template), read_only=True)))
    bad = villages[1]

    # 2. One village misspelt: the dry run names the row and the column, offers the real
    # name, and saves nothing.
    upload(page, filename, fill(template, villages, bad["misspelt"]))
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text(f"Baris {BAD_ROW}, kolom Desa/kelurahan:")
    expect(errors).to_contain_text(f"'{bad['misspelt']}' tidak ditemukan")
    expect(errors).to_contain_text("Mungkin maksud Anda:")
    expect(errors.locator("li")).to_have_count(1)
    expect(page.get_by_test_id("import-result")).to_contain_text("Ditemukan 1 kesalahan. Tidak ada yang disimpan")
    assert has_no_horizontal_scroll(page)
    assert Cooperative.objects.count() == 0
    suggested = re.search(r"Mungkin maksud Anda: (.+)\?", errors.inner_text()).group(1).split(", ")
    assert bad["desa"] in suggested

    # 3. The row fixed with the suggested name: the preview lists the three with generated codes.
    page.get_by_role("link", name="Unggah berkas yang sudah diperbaiki").click()
    upload(page, filename, fill(template, villages, suggested[suggested.index(bad["desa"])]))
    expect(page.get_by_test_id("import-result")).to_contain_text(
        "Semua 3 baris benar. Bila disimpan: 3 dibuat, 0 diperbarui, 0 tidak berubah."
    )
    preview = page.get_by_test_id("preview-create")
    expect(preview.get_by_role("heading", name="Akan dibuat")).to_be_visible()
    items = preview.locator("li")
    expect(items).to_have_count(3)
    for index, (name, _jenis, _year) in enumerate(ROWS):
        expect(items.nth(index)).to_contain_text(f"Baris {index + 2}")
        expect(items.nth(index)).to_contain_text(name)
        expect(items.nth(index)).to_contain_text(GENERATED_CODE)
        expect(items.nth(index)).to_contain_text("kode dibuat otomatis")
    assert has_no_horizontal_scroll(page)
    assert Cooperative.objects.count() == 0  # the dry run saved nothing

    page.get_by_role("button", name="Simpan semua").click()
    expect(page.get_by_test_id("import-result")).to_contain_text("Berhasil: 3 dibuat, 0 diperbarui.")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    page.get_by_role("link", name="Impor berkas lain").click()
    expect(page.get_by_role("row").filter(has_text=filename).first).to_contain_text("Selesai")

    # 4. In the database: the right villages, generated office codes, the recorded RAT years.
    saved = {c.name: c for c in Cooperative.objects.select_related("village__district", "kelompok")}
    assert set(saved) == {name for name, _jenis, _year in ROWS}
    expected_jenis = {"KSU": Jenis.KONSUMEN, "Simpan Pinjam": Jenis.SIMPAN_PINJAM, "KUD": Jenis.KONSUMEN}
    for (name, jenis, year), village in zip(ROWS, villages, strict=True):
        cooperative = saved[name]
        assert cooperative.village == Village.objects.get(name=village["desa"], district__name=village["kecamatan"])
        assert GENERATED_CODE.fullmatch(cooperative.office_code), cooperative.office_code
        assert cooperative.nik in ("", None)
        assert cooperative.bentuk == Bentuk.PRIMER
        assert cooperative.jenis == expected_jenis[jenis]
        assert cooperative.recorded_rat_year == year
        assert cooperative.last_rat_year == year
        if jenis in ("KSU", "KUD") and Kelompok.objects.filter(name=jenis).exists():
            # (the kelompok rows come from a data migration; a previous browser test's
            # flush may have emptied that table)
            assert cooperative.kelompok.name == jenis
    assert len({c.office_code for c in saved.values()}) == 3

    # 5. The detail page tells that the 2025 RAT year is the office's record.
    recorded = saved[ROWS[0][0]]
    page.goto(f"{live_server.url}{reverse('cooperatives:cooperative_detail', args=[recorded.pk])}")
    expect(page.get_by_test_id("status-reason")).to_contain_text("tahun buku 2025")
    expect(page.get_by_test_id("status-reason")).to_contain_text("catatan dinas")
    assert has_no_horizontal_scroll(page)
    assert foreign_requests(page, live_server) == []
