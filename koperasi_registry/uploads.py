"""Checks for uploaded files: allowed type (by extension and content) and size; an image
is also checked for its pixel count (from its header, before decoding) and decoded once,
reduced, so a truncated file or a decompression bomb is a form error, never a 500 or
gigabytes of memory (:class:`ImageCheck`, which :class:`FileCheck` runs for images)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image

# Leading bytes of the accepted formats.
SIGNATURES = {
    "pdf": [b"%PDF"],
    "jpg": [b"\xff\xd8\xff"],
    "jpeg": [b"\xff\xd8\xff"],
    "png": [b"\x89PNG\r\n\x1a\n"],
    "webp": [b"RIFF"],
    "xlsx": [b"PK\x03\x04"],
    "docx": [b"PK\x03\x04"],
    "xls": [b"\xd0\xcf\x11\xe0"],
    "doc": [b"\xd0\xcf\x11\xe0"],
}
DOCUMENT_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "xlsx", "xls", "docx", "doc")
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "webp")

# What Pillow raises for a damaged, truncated or hostile file (UnidentifiedImageError and
# "image file is truncated" are OSErrors; DecompressionBombError is raised by Image.open
# itself above twice Image.MAX_IMAGE_PIXELS).
IMAGE_ERRORS = (OSError, Image.DecompressionBombError, SyntaxError, ValueError, EOFError)


def max_pixels() -> int:
    return int(settings.UPLOAD_MAX_PIXELS)


def apply_pillow_limit(**_kwargs) -> None:
    """Pillow's own decompression-bomb guard from ``UPLOAD_MAX_PIXELS`` (AppConfig.ready,
    and again when a test changes the setting)."""
    Image.MAX_IMAGE_PIXELS = max_pixels()


def open_image(upload):
    """``Image.open`` from the start of ``upload`` (reads the header only)."""
    upload.seek(0)
    return Image.open(upload)


@deconstructible
class ImageCheck:
    """Validator: the image's declared size is at most ``UPLOAD_MAX_PIXELS`` (read from the
    header, nothing decoded yet), and the whole file decodes (a JPEG at 1/8 scale, so
    the check costs a few MB whatever the photo). A stored file is not checked again."""

    def __call__(self, upload):
        if getattr(upload, "_committed", False):  # a FieldFile already stored: checked on upload
            return
        name = getattr(upload, "name", "") or ""
        limit = max_pixels()
        position = upload.tell() if hasattr(upload, "tell") else 0
        try:
            with open_image(upload) as image:
                width, height = image.size
                if width * height > limit:
                    raise self.too_big(name, width * height, limit)
                if image.format == "JPEG":
                    image.draft(None, (1, 1))  # decode at the smallest DCT scale
                image.load()
        except Image.DecompressionBombError as exc:
            found = re.search(r"\((\d+) pixels\)", str(exc))
            raise self.too_big(name, int(found.group(1)) if found else None, limit) from exc
        except IMAGE_ERRORS as exc:
            raise ValidationError(
                _("Berkas foto rusak atau tidak lengkap (%(name)s): tidak bisa dibuka sebagai gambar."),
                code="image_damaged", params={"name": name},
            ) from exc
        finally:
            upload.seek(position)

    @staticmethod
    def too_big(name, pixels, limit):
        return ValidationError(
            _("Foto terlalu besar (%(name)s): %(pixels)s piksel; paling banyak %(limit)s piksel."),
            code="image_pixels",
            params={
                "name": name,
                "pixels": number_format(pixels, force_grouping=True) if pixels else _("lebih dari batas"),
                "limit": number_format(limit, force_grouping=True),
            },
        )

    def __eq__(self, other):
        return isinstance(other, ImageCheck)


@deconstructible
class FileCheck:
    """Validator: the extension is allowed, the content matches it, the size is capped; an
    image (``IMAGE_EXTENSIONS``) must also pass :class:`ImageCheck`. Every upload field
    uses this, so an image is checked in one place whatever form it comes through."""

    def __init__(self, extensions=DOCUMENT_EXTENSIONS, max_bytes=None):
        self.extensions = tuple(extensions)
        self.max_bytes = max_bytes

    def __call__(self, upload):
        name = getattr(upload, "name", "") or ""
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in self.extensions:
            raise ValidationError(
                _("Jenis berkas .%(ext)s tidak diterima. Gunakan: %(allowed)s."),
                code="file_type",
                params={"ext": extension or "?", "allowed": ", ".join(self.extensions)},
            )
        limit = self.max_bytes or settings.UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("Berkas terlalu besar (%(size)s). Batasnya %(limit)s."),
                code="file_size",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        position = upload.tell() if hasattr(upload, "tell") else 0
        upload.seek(0)
        head = upload.read(8)
        upload.seek(position)
        if not any(head.startswith(sig) for sig in SIGNATURES.get(extension, [b""])):
            raise ValidationError(
                _("Isi berkas tidak sesuai dengan jenis .%(ext)s."), code="file_content", params={"ext": extension}
            )
        if extension in IMAGE_EXTENSIONS:
            ImageCheck()(upload)

    def __eq__(self, other):
        return (
            isinstance(other, FileCheck)
            and self.extensions == other.extensions
            and self.max_bytes == other.max_bytes
        )
