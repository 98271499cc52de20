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
EARLIEST_VISIT_DATE = datetime.date(2000, 1, 1)  # the office's records (and the app's domain) start here


@deconstructible
class NotInFutureValidator:
    """A date on or before today, and not before ``EARLIEST_DATE``."""

    earliest = EARLIEST_DATE
    message = _("Tanggal %(value)s belum terjadi: isi tanggal hari ini atau sebelumnya.")
    too_early = _("Tanggal %(value)s terlalu lama: paling awal 01/01/1895.")

    def __call__(self, value):
        if value is None:
            return
        shown = value.strftime("%d/%m/%Y")
        if value > timezone.localdate():
            raise ValidationError(self.message, code="future", params={"value": shown})
        if value < self.earliest:
            raise ValidationError(self.too_early, code="too_early", params={"value": shown})

    def __eq__(self, other):
        return type(self) is type(other)


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


EARLIEST_PLAN_YEAR, LATEST_PLAN_YEAR = 2000, 2100  # programmes, targets, assignments, proposals


@deconstructible
class VisitDateValidator(NotInFutureValidator):
    """A coaching visit's date: from 2000-01-01 up to today. (Not before the cooperative's
    founding date is ``CoachingVisit.clean``'s rule: it needs the cooperative.)"""

    earliest = EARLIEST_VISIT_DATE
    message = _("Tanggal kunjungan %(value)s belum terjadi: isi tanggal hari ini atau sebelumnya.")
    too_early = _("Tanggal kunjungan %(value)s terlalu lama: paling awal 01/01/2000.")


@deconstructible
class PlanDateValidator:
    """A planning date (programme, assignment, contract, proposal): its year within
    2000–2100, the range the planning years (``assistants.models.planning.year_validators``)
    accept."""

    def __call__(self, value):
        if value is None:
            return
        if not EARLIEST_PLAN_YEAR <= value.year <= LATEST_PLAN_YEAR:
            raise ValidationError(
                _("Tanggal %(value)s di luar rentang tahun %(first)s–%(last)s."),
                code="plan_date",
                params={"value": value.strftime("%d/%m/%Y"), "first": EARLIEST_PLAN_YEAR, "last": LATEST_PLAN_YEAR},
            )

    def __eq__(self, other):
        return isinstance(other, PlanDateValidator)


def due_not_before_visit(due_date, visit_date):
    """A follow-up is due on or after its visit's date: the error to show, or None.
    ``FollowUp.clean`` and the visit form's follow-up rows both ask this."""
    if due_date and visit_date and due_date < visit_date:
        return ValidationError(
            _("Batas waktu tidak boleh sebelum tanggal kunjungan (%(date)s)."),
            code="due_before_visit",
            params={"date": visit_date.strftime("%d/%m/%Y")},
        )
    return None


not_in_future = NotInFutureValidator()
closed_book_year = ClosedBookYearValidator()
visit_date_in_range = VisitDateValidator()
plan_date = PlanDateValidator()
