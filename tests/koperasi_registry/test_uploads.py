"""Image uploads cannot hurt the server (issue 13, part 2): ``ImageCheck`` (run by every
``FileCheck`` for an image) reads the pixel count from the header before anything is
decoded, and decodes the rest reduced; a damaged file is a form error, never a 500."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cooperatives.forms import RatAttachmentForm
from koperasi_registry.uploads import FileCheck, ImageCheck


def jpeg_bytes(width=2000, height=1500) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((width, height), 60).convert("RGB").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def truncated_jpeg(name="foto.jpg") -> SimpleUploadedFile:
    data = jpeg_bytes()
    return SimpleUploadedFile(name, data[: len(data) // 2], content_type="image/jpeg")


def huge_png(name="besar.png", side=13_000) -> SimpleUploadedFile:
    """A 1-bit PNG of side x side pixels: about 20 KB, 169 MP (3 GB as RGBA)."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def declared_png(width, height, name="bohong.png") -> SimpleUploadedFile:
    """A PNG whose IHDR declares width x height but whose data is one tiny row."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 4)) + chunk(b"IEND", b"")
    return SimpleUploadedFile(name, data, content_type="image/png")


def codes(exc: ValidationError) -> list[str]:
    return [error.code for error in exc.error_list]


def test_pillow_limit_follows_the_setting(settings):
    assert Image.MAX_IMAGE_PIXELS == settings.UPLOAD_MAX_PIXELS
    settings.UPLOAD_MAX_PIXELS = 1_000_000
    assert Image.MAX_IMAGE_PIXELS == 1_000_000


def test_a_valid_photo_passes_and_the_file_is_rewound():
    upload = SimpleUploadedFile("foto.jpg", jpeg_bytes(), content_type="image/jpeg")
    FileCheck(extensions=("jpg",))(upload)
    assert upload.tell() == 0


def test_a_truncated_jpeg_is_damaged():
    with pytest.raises(ValidationError) as caught:
        FileCheck(extensions=("jpg",))(truncated_jpeg())
    assert codes(caught.value) == ["image_damaged"]
    assert "Berkas foto rusak atau tidak lengkap (foto.jpg)" in caught.value.messages[0]


def test_a_jpeg_cut_inside_its_header_is_damaged():
    data = jpeg_bytes()
    with pytest.raises(ValidationError) as caught:
        ImageCheck()(SimpleUploadedFile("foto.jpg", data[:600]))
    assert codes(caught.value) == ["image_damaged"]


def test_a_13000_square_png_is_refused_from_its_header(settings):
    upload = huge_png()
    assert upload.size < 100_000
    with pytest.raises(ValidationError) as caught:
        FileCheck(extensions=("png",))(upload)
    assert codes(caught.value) == ["image_pixels"]
    message = caught.value.messages[0]
    assert message.startswith("Foto terlalu besar (besar.png): 169.000.000 piksel; paling banyak 52.000.000 piksel")


def test_a_png_that_only_declares_a_huge_size_is_refused_without_decoding():
    with pytest.raises(ValidationError) as caught:
        ImageCheck()(declared_png(13_000, 13_000))
    assert codes(caught.value) == ["image_pixels"]


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_between_the_cap_and_pillows_own_limit_the_cap_still_refuses(settings):
    settings.UPLOAD_MAX_PIXELS = 2_000_000  # Pillow raises itself only above twice this
    upload = SimpleUploadedFile("foto.jpg", jpeg_bytes(2000, 1500), content_type="image/jpeg")  # 3 MP
    with pytest.raises(ValidationError) as caught:
        ImageCheck()(upload)
    assert codes(caught.value) == ["image_pixels"]
    assert "3.000.000 piksel; paling banyak 2.000.000" in caught.value.messages[0]


def test_a_png_with_a_damaged_body_is_damaged():
    with pytest.raises(ValidationError) as caught:
        ImageCheck()(declared_png(400, 300))
    assert codes(caught.value) == ["image_damaged"]


def test_documents_are_not_decoded_as_images():
    FileCheck()(SimpleUploadedFile("laporan.pdf", b"%PDF-1.4 whatever", content_type="application/pdf"))


@pytest.mark.django_db
@pytest.mark.parametrize("upload", [truncated_jpeg("rat.jpg"), huge_png("rat.png")], ids=["truncated", "huge"])
def test_rat_attachments_get_the_same_check(upload):
    form = RatAttachmentForm(data={"kind": "berita_acara"}, files={"file": upload})
    assert not form.is_valid()
    assert {error.code for error in form.errors.as_data()["file"]} & {"image_damaged", "image_pixels"}
