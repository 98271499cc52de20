"""The visit form refuses hostile photos (issue 13, part 2): a truncated JPEG and
13,000 x 13,000 PNGs are form errors naming each file, nothing is saved; a valid photo is
still accepted and reduced. Peak memory: ``tests/benchmarks/hostile_upload_benchmark.py``."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from assistants import services
from assistants.models import CoachingVisit, VisitAttachment
from tests.assistants.test_visits import jpeg, visit_post
from tests.koperasi_registry.test_uploads import huge_png, truncated_jpeg

pytestmark = pytest.mark.django_db


def post(client, office, photos):
    data = visit_post(office)
    data["photos"] = photos
    return data, client.post(reverse("assistants:visit_add"), data)


def test_a_truncated_jpeg_is_a_form_error_and_nothing_is_saved(client_as, pendamping, office, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    attachments = VisitAttachment.objects.count()
    data, response = post(client_as(pendamping), office, [truncated_jpeg("rusak.jpg")])
    assert response.status_code == 200
    errors = response.context["form"].errors["photos"]
    assert errors == ["Berkas foto rusak atau tidak lengkap (rusak.jpg): tidak bisa dibuka sebagai gambar."]
    assert not CoachingVisit.objects.filter(submission_id=data["submission_id"]).exists()
    assert VisitAttachment.objects.count() == attachments
    assert not list(tmp_path.rglob("*.jpg"))


def test_ten_13000_square_pngs_are_form_errors_each_named(client_as, pendamping, office, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    photos = [huge_png(f"bom-{n}.png") for n in range(10)]
    data, response = post(client_as(pendamping), office, photos)
    assert response.status_code == 200
    errors = response.context["form"].errors["photos"]
    assert len(errors) == 10
    assert errors[0] == "Foto terlalu besar (bom-0.png): 169.000.000 piksel; paling banyak 52.000.000 piksel."
    assert not CoachingVisit.objects.filter(submission_id=data["submission_id"]).exists()
    assert not list(tmp_path.rglob("*.*"))


def test_one_bad_photo_among_good_ones_refuses_the_post(client_as, pendamping, office, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    data, response = post(client_as(pendamping), office, [jpeg(name="baik.jpg"), truncated_jpeg("rusak.jpg")])
    assert response.status_code == 200 and len(response.context["form"].errors["photos"]) == 1
    assert not CoachingVisit.objects.filter(submission_id=data["submission_id"]).exists()


def test_a_valid_photo_is_still_accepted_and_reduced(client_as, pendamping, office, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    data, response = post(client_as(pendamping), office, [jpeg(4000, 3000)])
    assert response.status_code == 302
    photo = CoachingVisit.objects.get(submission_id=data["submission_id"]).attachments.get()
    with Image.open(photo.file.path) as stored:
        assert stored.size == (1600, 1200) and stored.format == "JPEG"


def test_a_large_phone_photo_is_decoded_reduced_and_turned_upright():
    buffer = io.BytesIO()
    image = Image.new("RGB", (8160, 6144), (30, 120, 60))  # a 50 MP phone's full resolution
    exif = image.getexif()
    exif[0x0112] = 6  # taken with the phone upright: rotate 90 degrees
    image.save(buffer, format="JPEG", quality=85, exif=exif.tobytes())
    reduced = services.photo_reduce(SimpleUploadedFile("hp.jpg", buffer.getvalue()))
    with Image.open(reduced) as stored:
        assert stored.size == (1205, 1600)  # 8160 x 6144 scaled, then upright
        assert stored.getexif().get(0x0112) is None


def test_a_palette_png_is_reduced_to_a_smooth_jpeg():
    buffer = io.BytesIO()
    Image.new("P", (3200, 1600), 3).save(buffer, format="PNG")
    reduced = services.photo_reduce(SimpleUploadedFile("peta.png", buffer.getvalue()))
    with Image.open(reduced) as stored:
        assert stored.size == (1600, 800) and stored.mode == "RGB"
