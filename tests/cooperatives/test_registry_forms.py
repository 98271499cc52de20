"""Cooperative and RAT filing forms: saving, errors that keep the input, attachments, history."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cooperatives.choices import Status
from cooperatives.models import Cooperative, Kelompok, RatAttachment, RatFiling, Village
from cooperatives.status import StatusRules
from tests.factories import CooperativeFactory, RatFilingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes.fromhex(  # a real 1 x 1 PNG: image attachments must decode (ImageCheck)
    "0000000d49484452000000010000000108000000003a7e9b55"
    "0000000a49444154789c6360000000020001e221bc33"
    "0000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def reference_year(bentuk="primer"):
    return StatusRules.from_settings().reference_year(today=timezone.localdate(), bentuk=bentuk)


def cooperative_data(village, **overrides):
    data = {
        "name": "Koperasi Produsen Tani Makmur",
        "nik": "6105010020001",
        "office_code": "SNT-001",
        "jenis": "produsen",
        "bentuk": "primer",
        "kelompok": "",
        "village": village.pk,
        "address": "Jl. Lintas Melawi km 3",
        "latitude": "",
        "longitude": "",
        "founded_on": "2015-03-01",
        "legal_entity_number": "AHU-0005202.AH.01.26.TAHUN 2020",
        "legal_entity_date": "2020-02-01",
        "legal_entity_authority": "Kemenkumham",
        "chair_name": "Budi",
        "secretary_name": "",
        "treasurer_name": "",
        "supervisor_names": "",
        "manager_name": "",
        "phone": "0812 5555 0101",
        "lifecycle": "berjalan",
        "dissolution_decree_number": "",
        "dissolution_decree_date": "",
    }
    data.update(overrides)
    return data


def rat_data(year, **overrides):
    book_year = year
    data = {
        "book_year": str(book_year),
        "rat_date": f"{book_year + 1}-03-10",
        "reported_on": f"{book_year + 1}-03-20",
        "members_male": "40",
        "members_female": "35",
        "pengurus_count": "3",
        "pengawas_count": "3",
        "managers_male": "1",
        "managers_female": "0",
        "employees_male": "2",
        "employees_female": "3",
        "modal_sendiri": "Rp150.000.000",
        "modal_luar": "25.000.000,50",
        "total_aset": "175000000",
        "volume_usaha": "320.000.000",
        "shu": "-1.500.000",
        "notes": "",
        "attachments-TOTAL_FORMS": "2",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "20",
        "attachments-0-kind": "",
        "attachments-1-kind": "",
    }
    data.update(overrides)
    return data


def test_staf_adds_a_cooperative_and_history_records_who(client_as, staf, sintang):
    village = Village.objects.filter(district__name="Sintang").order_by("code").first()
    kelompok = Kelompok.objects.get_or_create(name="Koptan")[0]
    client = client_as(staf)
    form_page = client.get(reverse("cooperatives:cooperative_add")).content.decode()
    assert 'data-search-url="/cari/desa/"' in form_page  # a desa search (within the kecamatan chosen)
    response = client.post(
        reverse("cooperatives:cooperative_add"), cooperative_data(village, kelompok=kelompok.pk), follow=True
    )
    assert response.status_code == 200
    coop = Cooperative.objects.get(nik="6105010020001")
    assert response.redirect_chain[-1][0] == coop.get_absolute_url()
    assert "ditambahkan" in response.content.decode()
    assert coop.village == village and coop.kelompok == kelompok and coop.founded_on == datetime.date(2015, 3, 1)
    assert coop.history.get().history_user == staf


def test_a_bad_post_keeps_the_input_and_saves_nothing(client_as, staf, sintang):
    village = Village.objects.order_by("code").first()
    client = client_as(staf)
    data = cooperative_data(village, name="", lifecycle="dibubarkan", phone="bukan nomor", address="Jl. Tetap Ada")
    response = client.post(reverse("cooperatives:cooperative_add"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"name", "dissolution_decree_number", "dissolution_decree_date", "phone"}
    html = response.content.decode()
    assert "Belum ada yang disimpan" in html
    assert 'value="Jl. Tetap Ada"' in html and 'value="6105010020001"' in html
    assert "Isi nomor SK pembubaran." in html
    assert not Cooperative.objects.exists()


def test_a_village_outside_the_office_is_refused(client_as, staf, sintang):
    from cooperatives.region_loader import load_regions

    load_regions(["13.11"])
    outside = Village.objects.filter(code__startswith="13.11.").first()
    response = client_as(staf).post(reverse("cooperatives:cooperative_add"), cooperative_data(outside))
    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    assert not Cooperative.objects.exists()


def test_editing_records_the_change_in_the_history_shown_on_the_profile(client_as, staf, sintang):
    coop = CooperativeFactory(name="Koperasi Lama", jenis="konsumen")
    client = client_as(staf)
    data = cooperative_data(coop.village, name="Koperasi Baru Bersinar", jenis="jasa", nik="", office_code="")
    response = client.post(reverse("cooperatives:cooperative_edit", args=[coop.pk]), data)
    assert response.status_code == 302
    coop.refresh_from_db()
    assert coop.name == "Koperasi Baru Bersinar"
    assert coop.history.first().history_user == staf

    response = client.get(coop.get_absolute_url())
    history = response.context["history"]
    change = history[0]
    assert change.user == staf and change.action == "~"
    labels = {label: (old, new) for label, old, new in change.changes}
    assert labels["nama koperasi"] == ("Koperasi Lama", "Koperasi Baru Bersinar")
    assert labels["jenis"] == ("Konsumen", "Jasa")  # choice labels, not codes
    html = response.content.decode()
    assert "Koperasi Lama" in html and staf.get_full_name() in html


def test_dissolution_with_its_decree_changes_the_status(client_as, admin, sintang):
    coop = CooperativeFactory()
    data = cooperative_data(
        coop.village, nik="", office_code="", lifecycle="dibubarkan",
        dissolution_decree_number="SK 518/12/2026", dissolution_decree_date="2026-01-15",
    )
    assert client_as(admin).post(reverse("cooperatives:cooperative_edit", args=[coop.pk]), data).status_code == 302
    assert Cooperative.objects.with_status().get(pk=coop.pk).status == Status.DIBUBARKAN


def test_a_damaged_image_attachment_beside_a_good_one_is_a_form_error_not_a_500(client_as, staf, sintang):
    """The good attachment is not saved yet: the page shows no link for it (it has no pk)."""
    coop = CooperativeFactory(founded_on=datetime.date(2010, 5, 1))
    year = reference_year()
    data = rat_data(
        year,
        **{
            "attachments-0-kind": "berita_acara",
            "attachments-0-file": SimpleUploadedFile("berita-acara.pdf", PDF, content_type="application/pdf"),
            "attachments-1-kind": "neraca",
            "attachments-1-file": SimpleUploadedFile("neraca.png", PNG[:40], content_type="image/png"),
        },
    )
    response = client_as(staf).post(reverse("cooperatives:ratfiling_add", args=[coop.pk]), data)
    assert response.status_code == 200
    assert "Berkas foto rusak atau tidak lengkap (neraca.png)" in response.content.decode()
    assert not RatFiling.objects.filter(cooperative=coop, book_year=year).exists()
    assert not RatAttachment.objects.exists()


def test_recording_the_reference_year_rat_makes_the_cooperative_aktif(client_as, staf, sintang):
    year = reference_year()
    coop = CooperativeFactory(founded_on=datetime.date(2010, 5, 1))
    RatFilingFactory(cooperative=coop, book_year=year - 2)
    assert Cooperative.objects.with_status().get(pk=coop.pk).status == Status.KURANG_AKTIF
    client = client_as(staf)

    page = client.get(reverse("cooperatives:ratfiling_add", args=[coop.pk]))
    assert page.context["form"]["book_year"].value() == year  # the reference year is proposed
    data = rat_data(
        year,
        **{
            "attachments-0-kind": "berita_acara",
            "attachments-0-file": SimpleUploadedFile("berita-acara.pdf", PDF, content_type="application/pdf"),
            "attachments-1-kind": "neraca",
            "attachments-1-file": SimpleUploadedFile("neraca.png", PNG, content_type="image/png"),
        },
    )
    response = client.post(reverse("cooperatives:ratfiling_add", args=[coop.pk]), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    filing = RatFiling.objects.get(cooperative=coop, book_year=year)
    assert filing.modal_sendiri == 150_000_000
    assert str(filing.modal_luar) == "25000000.50"
    assert filing.volume_usaha == 320_000_000 and filing.shu == -1_500_000
    assert filing.history.get().history_user == staf
    assert sorted(filing.attachments.values_list("kind", flat=True)) == ["berita_acara", "neraca"]
    coop.refresh_from_db()
    assert coop.last_rat_year == year
    assert Cooperative.objects.with_status().get(pk=coop.pk).status == Status.AKTIF

    detail = client.get(coop.get_absolute_url())
    html = detail.content.decode()
    assert 'data-status="aktif"' in html
    assert "Rp150.000.000" in html and "-Rp1.500.000" in html
    assert "Berita acara RAT" in html and "Tepat waktu" in html
    row = next(row for row in detail.context["timeline"] if row.book_year == year)
    assert row.on_time is True and len(row.attachments) == 2


def test_a_duplicate_book_year_gets_a_clear_message(client_as, staf, sintang):
    coop = CooperativeFactory()
    RatFilingFactory(cooperative=coop, book_year=2023)
    response = client_as(staf).post(reverse("cooperatives:ratfiling_add", args=[coop.pk]), rat_data(2023))
    assert response.status_code == 200
    assert "RAT tahun buku 2023 untuk koperasi ini sudah dicatat" in response.content.decode()
    assert RatFiling.objects.filter(cooperative=coop).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rat_date": "2023-12-30"}, "rat_date"),  # before the book year closed
        ({"reported_on": "2024-03-01"}, "reported_on"),  # before the RAT
        ({"total_aset": "-5"}, "total_aset"),
        ({"modal_sendiri": "banyak"}, "modal_sendiri"),
        ({"members_male": "-1"}, "members_male"),
        ({"book_year": ""}, "book_year"),
        ({"reported_on": "2099-01-01"}, "reported_on"),  # in the future
    ],
)
def test_bad_rat_input_is_refused_and_kept(client_as, staf, sintang, overrides, field):
    coop = CooperativeFactory()
    response = client_as(staf).post(reverse("cooperatives:ratfiling_add", args=[coop.pk]), rat_data(2023, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'value="320.000.000"' in response.content.decode()  # the typed money stays as typed
    assert not RatFiling.objects.exists()
    coop.refresh_from_db()
    assert coop.last_rat_year is None


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("berita-acara.exe", b"MZ\x90\x00"),  # type not accepted
        ("berita-acara.pdf", b"<html>not a pdf</html>"),  # content does not match
    ],
)
def test_a_bad_attachment_blocks_the_whole_filing(client_as, staf, sintang, name, content):
    coop = CooperativeFactory()
    data = rat_data(2023, **{"attachments-0-kind": "berita_acara", "attachments-0-file": SimpleUploadedFile(name, content)})
    response = client_as(staf).post(reverse("cooperatives:ratfiling_add", args=[coop.pk]), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["file"]
    assert not RatFiling.objects.exists() and not RatAttachment.objects.exists()


def test_editing_a_filing_updates_it_and_can_remove_an_attachment(client_as, admin, sintang):
    coop = CooperativeFactory()
    filing = RatFilingFactory(cooperative=coop, book_year=2022)
    attachment = RatAttachment.objects.create(
        filing=filing, kind="lpj", file=SimpleUploadedFile("lpj.pdf", PDF)
    )
    client = client_as(admin)
    assert client.get(reverse("cooperatives:ratfiling_edit", args=[filing.pk])).status_code == 200
    data = rat_data(
        2023,  # the book year itself is corrected
        **{
            "attachments-TOTAL_FORMS": "3",
            "attachments-INITIAL_FORMS": "1",
            "attachments-0-id": str(attachment.pk),
            "attachments-0-filing": str(filing.pk),
            "attachments-0-kind": "lpj",
            "attachments-0-DELETE": "on",
            "attachments-2-kind": "",
        },
    )
    response = client.post(reverse("cooperatives:ratfiling_edit", args=[filing.pk]), data)
    assert response.status_code == 302
    filing.refresh_from_db()
    coop.refresh_from_db()
    assert filing.book_year == 2023 and coop.last_rat_year == 2023
    assert not filing.attachments.exists()
    history = client.get(coop.get_absolute_url()).context["history"]
    assert any(
        entry.subject == "RAT tahun buku 2023" and ("tahun buku", "2022", "2023") in entry.changes for entry in history
    )


def test_a_pendamping_cannot_post_a_filing_even_for_an_assigned_cooperative(client_as, pendamping, sintang):
    from assistants.models import Assignment, BusinessAssistant

    coop = CooperativeFactory()
    Assignment.objects.create(assistant=BusinessAssistant.objects.create(user=pendamping), cooperative=coop)
    response = client_as(pendamping).post(reverse("cooperatives:ratfiling_add", args=[coop.pk]), rat_data(2023))
    assert response.status_code == 403
    assert not RatFiling.objects.exists()


def test_village_options_follow_the_chosen_kecamatan(client_as, staf, sintang):
    from cooperatives.models import District

    district = District.objects.in_regency("61.05").order_by("code").first()
    client = client_as(staf)
    html = client.get(reverse("cooperatives:village_options"), {"district": district.pk}).content.decode()
    expected = Village.objects.filter(district=district)
    assert html.count("<option value=\"") == expected.count() + 1  # plus the empty choice
    assert all(f'value="{village.pk}"' in html for village in expected)
    assert "<optgroup" not in html
    everything = client.get(reverse("cooperatives:village_options")).content.decode()
    assert everything.count("<optgroup") == 14 and everything.count("<option value=\"") == 407


def test_village_options_without_a_kecamatan_are_bounded(client_as, staf, sintang, monkeypatch):
    """Beyond ``limit`` villages in the scope (a province, the country) the fragment only
    asks for the kecamatan: its size does not grow with the data; a kecamatan still lists
    its villages."""
    from cooperatives.models import District
    from cooperatives.views import VillageOptionsView

    client = client_as(staf)
    url = reverse("cooperatives:village_options")
    assert "village-options-choose-district" not in client.get(url).content.decode()  # 407 <= 500: as before
    monkeypatch.setattr(VillageOptionsView, "limit", 100)
    html = client.get(url).content.decode()
    assert html.count('<option value="') == 2 and "<optgroup" not in html  # the empty choice and the prompt
    assert "village-options-choose-district" in html
    assert "Pilih kecamatan dulu" in html and len(html) < 1000
    district = District.objects.in_regency("61.05").order_by("code").first()
    narrowed = client.get(url, {"district": district.pk}).content.decode()
    assert narrowed.count('<option value="') == Village.objects.filter(district=district).count() + 1
    assert "village-options-choose-district" not in narrowed


def test_the_village_must_lie_in_the_chosen_kecamatan(client_as, staf, sintang):
    from cooperatives.models import District

    first, second = District.objects.order_by("name")[:2]
    village = Village.objects.filter(district=second).first()
    client = client_as(staf)
    response = client.post(reverse("cooperatives:cooperative_add"), cooperative_data(village, district=first.pk))
    assert response.status_code == 200
    assert "tidak berada di kecamatan" in response.content.decode()
    assert not Cooperative.objects.exists()
    response = client.post(reverse("cooperatives:cooperative_add"), cooperative_data(village, district=second.pk))
    assert response.status_code == 302
    edit = client.get(reverse("cooperatives:cooperative_edit", args=[Cooperative.objects.get().pk]))
    assert edit.context["form"]["district"].value() == second.pk
    html = edit.content.decode()  # the desa search sends the kecamatan along (koperasi_registry/widgets.py)
    assert 'data-search-url="/cari/desa/"' in html and 'data-search-depends="district"' in html


def test_a_filing_saved_meanwhile_is_reported_not_a_500(client_as, staf, sintang, monkeypatch):
    from cooperatives.forms import RatFilingForm

    coop = CooperativeFactory()
    RatFilingFactory(cooperative=coop, book_year=2023)
    # As if another user saved 2023 between the form's check and the save.
    monkeypatch.setattr(RatFilingForm, "clean_book_year", lambda form: form.cleaned_data["book_year"])
    response = client_as(staf).post(reverse("cooperatives:ratfiling_add", args=[coop.pk]), rat_data(2023))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Belum ada yang disimpan" in response.content.decode()
    assert RatFiling.objects.filter(cooperative=coop).count() == 1


def test_village_options_stay_in_the_office_when_other_kabupaten_are_loaded(client_as, staf, sintang):
    from cooperatives.models import District
    from cooperatives.region_loader import load_regions

    load_regions(["13.11"])  # Solok Selatan: another kabupaten
    client = client_as(staf)
    everything = client.get(reverse("cooperatives:village_options")).content.decode()
    office = Village.objects.in_regency("61.05")
    assert everything.count("<option value=\"") == office.count() + 1
    assert not any(f'value="{pk}"' in everything for pk in Village.objects.in_regency("13.11").values_list("pk", flat=True)[:20])
    far = District.objects.in_regency("13.11").first()
    html = client.get(reverse("cooperatives:village_options"), {"district": far.pk}).content.decode()
    assert html.count("<option value=\"") == 1  # only the empty choice
