"""Checks for uploaded files: allowed type (by extension and content) and size."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

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


@deconstructible
class FileCheck:
    """Validator: the extension is allowed, the content matches it, the size is capped."""

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

    def __eq__(self, other):
        return (
            isinstance(other, FileCheck)
            and self.extensions == other.extensions
            and self.max_bytes == other.max_bytes
        )
