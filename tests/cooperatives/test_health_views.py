"""Health assessment pages: access per role, entry (with preview), list, export, detail."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from cooperatives.models import HealthAssessment
from koperasi_registry import access

from .health_helpers import KSP, PERMENKOP, RATING, assess, form_data, instrument, ksp, kspps, produsen

pytestmark = pytest.mark.django_db

ADMIN, KABID, STAF, PENDAMPING = access.ADMIN, access.KABID, access.STAF, access.PENDAMPING


@pytest.fixture
def assessment(sintang, staf):
    return assess(ksp(name="KSP Maju Bersama"), assessor=staf)


# Who reaches which health page (anonymous -> login, Kabid reads, Admin and Staf enter,
# Pendamping 403): tests/koperasi_registry/test_url_access.py.


@pytest.mark.parametrize(("role", "status"), [(None, 302), (ADMIN, 200), (STAF, 200), (KABID, 403), (PENDAMPING, 403)])
def test_preview_is_for_those_who_enter_assessments(client, client_as, role_users, sintang, role, status):
    data = form_data(ksp(), score="85")
    c = client_as(role_users[role]) if role else client
    response = c.post(reverse("cooperatives:assessment_preview"), data)
    assert response.status_code == status
    assert HealthAssessment.objects.count() == 0


def test_a_bad_post_by_kabid_is_refused_and_saves_nothing(client_as, kabid, sintang):
    response = client_as(kabid).post(reverse("cooperatives:assessment_add"), form_data(ksp()))
    assert response.status_code == 403
    assert HealthAssessment.objects.count() == 0


def test_detail_of_an_assessment_outside_the_office_is_404(client_as, staf, sintang, settings):
    assessment = assess(ksp(), assessor=staf)
    settings.OFFICE_REGENCY_CODE = "13.11"  # another kabupaten: the Sintang cooperative is out of scope
    response = client_as(staf).get(reverse("cooperatives:assessment_detail", args=[assessment.pk]))
    assert response.status_code == 404


def test_kabid_sees_no_add_button(client_as, kabid, staf, assessment):
    html = client_as(kabid).get(reverse("cooperatives:assessment_list")).content.decode()
    assert reverse("cooperatives:assessment_add") not in html
    html = client_as(staf).get(reverse("cooperatives:assessment_list")).content.decode()
    assert reverse("cooperatives:assessment_add") in html


def test_the_menu_shows_kesehatan_to_office_roles_only(client_as, role_users, sintang):
    for role, shown in [(ADMIN, True), (KABID, True), (STAF, True), (PENDAMPING, False)]:
        html = client_as(role_users[role]).get(reverse("dashboard")).content.decode()
        assert (reverse("cooperatives:assessment_list") in html) is shown, role


# -- entry ------------------------------------------------------------------------------

def test_entry_page_preselects_the_cooperative(client_as, staf, sintang):
    cooperative = ksp()
    response = client_as(staf).get(reverse("cooperatives:assessment_add") + f"?cooperative={cooperative.pk}")
    assert response.status_code == 200
    assert response.context["form"]["cooperative"].value() == cooperative.pk
    html = response.content.decode()
    assert "htmx" in html and 'hx-post="/koperasi/kesehatan/pratinjau/"' in html
    assert "cdn" not in html.lower()


def test_choosing_an_instrument_returns_its_aspect_rows(client_as, staf, sintang):
    response = client_as(staf).get(reverse("cooperatives:assessment_aspects"), {"instrument": instrument(PERMENKOP).pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="aspect-row"') == 4
    assert "Tata Kelola" in html and "Butir terpenuhi" in html
    assert "<html" not in html  # a partial


def test_preview_computes_total_and_category_without_saving(client_as, staf, sintang):
    data = form_data(ksp(), score="79.99")
    response = client_as(staf).post(reverse("cooperatives:assessment_preview"), data)
    assert response.status_code == 200
    assert response.context["result"].total == Decimal("79.99")
    assert response.context["result"].category == "Cukup Sehat"
    assert 'data-testid="preview-category">Cukup Sehat<' in response.content.decode()
    assert HealthAssessment.objects.count() == 0


def test_preview_waits_for_every_score(client_as, staf, sintang):
    data = form_data(ksp(), score="80")
    data[f"aspect_{instrument(KSP).aspects.first().pk}"] = ""
    response = client_as(staf).post(reverse("cooperatives:assessment_preview"), data)
    assert response.context["result"] is None
    assert "Isi nilai semua aspek" in response.content.decode()


def test_saving_recomputes_on_the_server_and_ignores_client_results(client_as, staf, sintang):
    cooperative = ksp()
    data = form_data(cooperative, score="80", total="10", category="Sehat palsu", category_rank="9")
    response = client_as(staf).post(reverse("cooperatives:assessment_add"), data)
    assessment = HealthAssessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cooperatives:assessment_detail", args=[assessment.pk])
    assert (assessment.total, assessment.category, assessment.category_rank) == (Decimal("80.00"), "Sehat", 1)
    assert assessment.assessor == staf
    assert assessment.aspect_scores.count() == 7
    assert assessment.history.first().history_user == staf


def test_checklist_counts_from_the_form(client_as, staf, sintang):
    inst = instrument(PERMENKOP)
    tata_kelola = inst.aspects.get(name="Tata Kelola")
    data = form_data(kspps(), code=PERMENKOP, score="90")
    data |= {f"aspect_{tata_kelola.pk}": "", f"aspect_{tata_kelola.pk}_met": "5", f"aspect_{tata_kelola.pk}_items": "20"}
    response = client_as(staf).post(reverse("cooperatives:assessment_add"), data)
    assert response.status_code == 302
    row = HealthAssessment.objects.get().aspect_scores.get(name="Tata Kelola")
    assert (row.score, row.category, row.components) == (
        Decimal("25.00"), "Tidak Sehat", {"butir_terpenuhi": 5, "jumlah_butir": 20},
    )


def _bad(case, cooperative, staf):
    aspect = instrument(KSP).aspects.get(name="Likuiditas")
    data = form_data(cooperative, score="70")
    if case == "out_of_range":
        data[f"aspect_{aspect.pk}"] = "120"
        return data, "Nilai paling tinggi 100"
    if case == "missing":
        data[f"aspect_{aspect.pk}"] = ""
        return data, "Isi nilai aspek ini."
    if case == "duplicate":
        assess(cooperative, assessor=staf)
        return data, "sudah dinilai dengan instrumen yang sama"
    if case == "wrong_instrument":
        return form_data(cooperative, code=RATING, score="3"), "tidak termasuk"
    if case == "not_a_number":
        data[f"aspect_{aspect.pk}"] = "tujuh puluh"
        return data, "Isi angka."
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["out_of_range", "missing", "duplicate", "wrong_instrument", "not_a_number"])
def test_bad_input_rerenders_with_errors_keeps_what_was_typed_and_saves_nothing(client_as, staf, sintang, case):
    cooperative = ksp()
    data, message = _bad(case, cooperative, staf)
    before = HealthAssessment.objects.count()
    response = client_as(staf).post(reverse("cooperatives:assessment_add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Belum ada yang disimpan" in html
    assert HealthAssessment.objects.count() == before
    form = response.context["form"]
    for name, value in data.items():
        if name.startswith("aspect_"):
            assert form[name].value() == value  # typed values kept
    assert form["cooperative"].value() == str(cooperative.pk)


def test_a_cooperative_out_of_scope_cannot_be_chosen(client_as, staf, sintang, settings):
    cooperative = ksp()
    settings.OFFICE_REGENCY_CODE = "13.11"
    response = client_as(staf).post(reverse("cooperatives:assessment_add"), form_data(cooperative))
    assert response.status_code == 200
    assert "cooperative" in response.context["form"].errors
    assert HealthAssessment.objects.count() == 0


def test_worksheet_upload_is_checked(client_as, staf, sintang):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("kertas-kerja.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client_as(staf).post(reverse("cooperatives:assessment_add"), form_data(ksp()) | {"worksheet": fake})
    assert response.status_code == 200
    assert "tidak sesuai" in response.content.decode()
    assert HealthAssessment.objects.count() == 0


def test_worksheet_upload_is_stored(client_as, staf, sintang, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("kertas-kerja.pdf", b"%PDF-1.4 uji", content_type="application/pdf")
    response = client_as(staf).post(reverse("cooperatives:assessment_add"), form_data(ksp()) | {"worksheet": pdf})
    assert response.status_code == 302
    assert HealthAssessment.objects.get().worksheet.name.endswith(".pdf")


# -- list, filters, export, detail --------------------------------------------------------

@pytest.fixture
def spread(sintang, staf):
    """Four assessments across years, instruments, categories and two kecamatan."""
    from cooperatives.models import Village

    other_village = Village.objects.exclude(district=Village.objects.order_by("code").first().district).order_by("code").first()
    a = assess(ksp(name="KSP Sehat Sentosa"), year=2023, score=90, assessor=staf)
    b = assess(ksp(name="KSP Cukup Makmur"), year=2024, score=70, assessor=staf)
    c = assess(kspps(name="KSPPS Amanah", village=other_village), code=PERMENKOP, year=2024, score=40, assessor=staf)
    d = assess(produsen(name="Koperasi Produsen Karet"), code=RATING, year=2024, score=4, assessor=staf)
    return {"sehat": a, "cukup": b, "pengawasan": c, "rating": d, "other_district": other_village.district}


def _names(response):
    return sorted(row.record.cooperative.name for row in response.context["table"].page.object_list)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["KSP Cukup Makmur", "KSP Sehat Sentosa", "KSPPS Amanah", "Koperasi Produsen Karet"]),
        ({"year": 2023}, ["KSP Sehat Sentosa"]),
        ({"category": "Cukup Sehat"}, ["KSP Cukup Makmur"]),
        ({"category": "Berkualitas"}, ["Koperasi Produsen Karet"]),
        ({"q": "amanah"}, ["KSPPS Amanah"]),
        ({"jenis": "produsen"}, ["Koperasi Produsen Karet"]),
        ({"instrument": "permenkop"}, ["KSPPS Amanah"]),
        ({"district": "other"}, ["KSPPS Amanah"]),
        ({"assessed_on_after": "2025-01-01"}, ["KSP Cukup Makmur", "KSPPS Amanah", "Koperasi Produsen Karet"]),
    ],
)
def test_list_filters(client_as, kabid, spread, params, expected):
    if params.get("instrument") == "permenkop":
        params = {"instrument": instrument(PERMENKOP).pk}
    if params.get("district") == "other":
        params = {"district": spread["other_district"].pk}
    response = client_as(kabid).get(reverse("cooperatives:assessment_list"), params)
    assert response.status_code == 200
    assert _names(response) == expected


def test_an_invalid_filter_shows_errors_and_no_rows(client_as, kabid, spread):
    response = client_as(kabid).get(reverse("cooperatives:assessment_list"), {"category": "Entah"})
    assert response.status_code == 200
    assert _names(response) == []
    assert "Saringan tidak valid" in response.content.decode()


@pytest.mark.parametrize(
    "column", ["year", "cooperative", "district", "jenis", "instrument", "total", "category", "assessed_on", "assessor"]
)
@pytest.mark.parametrize("direction", ["", "-"])
def test_every_column_sorts(client_as, kabid, spread, column, direction):
    response = client_as(kabid).get(reverse("cooperatives:assessment_list"), {"sort": f"{direction}{column}"})
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == 4


def test_sorting_by_total_orders_rows(client_as, kabid, spread):
    response = client_as(kabid).get(reverse("cooperatives:assessment_list"), {"sort": "-total", "jenis": "simpan_pinjam"})
    totals = [row.record.total for row in response.context["table"].page.object_list]
    assert totals == sorted(totals, reverse=True)


def test_csv_export_honours_the_filters(client_as, kabid, spread):
    response = client_as(kabid).get(reverse("cooperatives:assessment_list"), {"year": 2024, "jenis": "simpan_pinjam", "_export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="penilaian-kesehatan-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["Tahun buku", "Koperasi"]
    assert sorted(row[1] for row in body) == ["KSP Cukup Makmur", "KSPPS Amanah"]
    category = header.index("Kategori")
    assert sorted(row[category] for row in body) == ["Cukup Sehat", "Dalam Pengawasan"]  # plain text, no HTML
    assert all("<" not in cell for row in body for cell in row)


def test_xlsx_export_honours_the_filters(client_as, kabid, spread):
    response = client_as(kabid).get(reverse("cooperatives:assessment_list"), {"category": "Sehat", "_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) == 2
    assert values[1][1] == "KSP Sehat Sentosa"


def test_detail_shows_aspects_rules_and_history(client_as, kabid, spread, staf):
    first = spread["cukup"]
    later = assess(first.cooperative, year=2025, score=50, assessor=staf)
    response = client_as(kabid).get(reverse("cooperatives:assessment_detail", args=[later.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kualitas Aktiva Produktif" in html and "Dalam Pengawasan Khusus" in html
    assert html.count('data-testid="health-history-row"') == 2
    assert "≥ 80.00: Sehat" in html
    assert f'href="{first.get_absolute_url()}"' in html  # the history links to the earlier one
    assert "Tambah penilaian" not in html  # Kabid is read-only


def test_the_detail_offers_staf_a_new_assessment_for_the_same_cooperative(client_as, staf, assessment):
    html = client_as(staf).get(assessment.get_absolute_url()).content.decode()
    assert f"/koperasi/kesehatan/tambah/?cooperative={assessment.cooperative_id}" in html


def test_worksheet_is_served_only_through_a_checked_view(client, client_as, staf, pendamping, sintang, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    assessment = assess(ksp(name="KSP Kertas Kerja"), assessor=staf)
    assessment.worksheet.save("kertas-kerja.pdf", ContentFile(b"%PDF-1.4 uji"))
    url = reverse("cooperatives:assessment_worksheet", args=[assessment.pk])
    assert client.get(url).status_code == 302  # anonymous: login

    html = client_as(staf).get(assessment.get_absolute_url()).content.decode()
    assert f'href="{url}"' in html and assessment.worksheet.url not in html
    response = client_as(staf).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 uji"
    assert client_as(pendamping).get(url).status_code == 403

    settings.OFFICE_REGENCY_CODE = "13.11"  # the cooperative is now outside the office
    assert client_as(staf).get(url).status_code == 404
