"""Field validators shared by the forms, the admin and the spreadsheet import.

They sit on the model fields, so ``full_clean`` (which ModelForms, the admin and the
importer all run) applies the same rule with the same message everywhere. "Today" is read
when a value is checked, never frozen into a migration.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = datetime.date(1895, 1, 1)  # before the oldest Indonesian cooperative
EARLIEST_BOOK_YEAR = 1945


@deconstructible
class NotInFutureValidator:
    """A date on or before today, and not before ``EARLIEST_DATE``."""

    message = _("Tanggal %(value)s belum terjadi: isi tanggal hari ini atau sebelumnya.")
    too_early = _("Tanggal %(value)s terlalu lama: paling awal 01/01/1895.")

    def __call__(self, value):
        if value is None:
            return
        shown = value.strftime("%d/%m/%Y")
        if value > timezone.localdate():
            raise ValidationError(self.message, code="future", params={"value": shown})
        if value < EARLIEST_DATE:
            raise ValidationError(self.too_early, code="too_early", params={"value": shown})

    def __eq__(self, other):
        return isinstance(other, NotInFutureValidator)


@deconstructible
class ClosedBookYearValidator:
    """A book year from 1945 up to last year: this year's books are not closed yet, so no
    RAT can have been held for it."""

    def __call__(self, value):
        if value is None:
            return
        last = timezone.localdate().year - 1
        if value < EARLIEST_BOOK_YEAR or value > last:
            raise ValidationError(
                _("Tahun buku %(value)s di luar rentang %(first)s–%(last)s (tahun buku yang sudah ditutup)."),
                code="book_year",
                params={"value": value, "first": EARLIEST_BOOK_YEAR, "last": last},
            )

    def __eq__(self, other):
        return isinstance(other, ClosedBookYearValidator)


not_in_future = NotInFutureValidator()
closed_book_year = ClosedBookYearValidator()
