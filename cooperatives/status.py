"""The product's status rule (domain brief section 5) as pure functions.

A cooperative is *Aktif* when it held its RAT for the reference book year (the latest
book year whose reporting deadline has passed), *Kurang aktif* when it missed that one but
held one within the window (default 3 book years, counting the reference year), *Tidak
aktif* when it held none within the window, and *Baru* when it was founded after the
reference book year began, so no RAT is due yet. Dissolution states are set by staff.

The same rule, as SQL, is ``CooperativeQuerySet.with_status``; a parametrised test proves
that both agree at every boundary.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import Bentuk, Lifecycle, Status


@dataclass(frozen=True)
class StatusRules:
    """Deadlines (month, day in the year after the book year) and the window, from settings."""

    primer_deadline: tuple[int, int] = (4, 30)
    sekunder_deadline: tuple[int, int] = (6, 30)
    window: int = 3

    @property
    def key(self) -> str:
        """The settings the year-end rows were computed under, e.g. ``"04-30/06-30/3"``."""
        (pm, pd), (sm, sd) = self.primer_deadline, self.sekunder_deadline
        return f"{pm:02}-{pd:02}/{sm:02}-{sd:02}/{self.window}"

    @classmethod
    def from_settings(cls) -> "StatusRules":
        return cls(
            primer_deadline=_month_day(settings.RAT_DEADLINE_PRIMER),
            sekunder_deadline=_month_day(settings.RAT_DEADLINE_SEKUNDER),
            window=settings.RAT_STATUS_WINDOW,
        )

    def deadline(self, *, book_year: int, bentuk: str) -> datetime.date:
        month, day = self.sekunder_deadline if bentuk == Bentuk.SEKUNDER else self.primer_deadline
        return datetime.date(book_year + 1, month, day)

    def reference_year(self, *, today: datetime.date, bentuk: str) -> int:
        """The latest book year whose deadline has passed (the day itself still counts)."""
        last_book_year = today.year - 1
        if today > self.deadline(book_year=last_book_year, bentuk=bentuk):
            return last_book_year
        return last_book_year - 1


def _month_day(value: str) -> tuple[int, int]:
    month, day = (int(part) for part in value.split("-"))
    datetime.date(2001, month, day)  # validates
    return month, day


def cooperative_status(
    *,
    founded: datetime.date | None,
    last_rat_year: int | None,
    reference_year: int,
    window: int,
    lifecycle: str = Lifecycle.BERJALAN,
) -> Status:
    if lifecycle == Lifecycle.DIBUBARKAN:
        return Status.DIBUBARKAN
    if lifecycle == Lifecycle.PEMBUBARAN:
        return Status.PEMBUBARAN
    if last_rat_year is not None and last_rat_year >= reference_year:
        return Status.AKTIF
    if founded is not None and founded > datetime.date(reference_year, 1, 1):
        return Status.BARU
    if last_rat_year is not None and last_rat_year > reference_year - window:
        return Status.KURANG_AKTIF
    return Status.TIDAK_AKTIF


def status_date(*, year: int | None, today: datetime.date) -> datetime.date:
    """The day a chosen year is read at: today for this year (or none chosen), 31 December
    for a past one."""
    if year is None or year >= today.year:
        return today
    return datetime.date(year, 12, 31)


YEARS_SHOWN = 5  # dashboards and trends look back five years (this one included)


def recent_years(*, today: datetime.date, count: int = YEARS_SHOWN) -> list[int]:
    """The years a dashboard offers, newest first."""
    return list(range(today.year, today.year - count, -1))


def lifecycle_on(*, lifecycle: str, dissolved_on: datetime.date | None, day: datetime.date) -> str:
    """The lifecycle on ``day``: a cooperative whose dissolution decree is dated later was
    still running then (an undated decree counts from the start)."""
    if lifecycle != Lifecycle.BERJALAN and dissolved_on is not None and dissolved_on > day:
        return Lifecycle.BERJALAN
    return lifecycle


def status_reason(
    *,
    status: str,
    founded: datetime.date | None,
    last_rat_year: int | None,
    reference_year: int,
    window: int,
    from_record: bool = False,
) -> str:
    """One sentence that explains a status, e.g. "RAT terakhir: tahun buku 2021";
    ``from_record``: that year is the office's record, not a filing."""
    if last_rat_year and from_record:
        last = _("RAT terakhir: tahun buku %(year)s (catatan dinas, tanpa laporan RAT)") % {"year": last_rat_year}
    elif last_rat_year:
        last = _("RAT terakhir: tahun buku %(year)s") % {"year": last_rat_year}
    else:
        last = _("Belum pernah melaporkan RAT")
    if status == Status.AKTIF:
        return _("%(last)s; tahun buku acuan %(ref)s sudah RAT.") % {"last": last, "ref": reference_year}
    if status == Status.BARU:
        return _("Didirikan %(date)s, setelah awal tahun buku acuan %(ref)s: RAT belum wajib.") % {
            "date": founded.strftime("%d/%m/%Y") if founded else "?",
            "ref": reference_year,
        }
    if status == Status.KURANG_AKTIF:
        return _("%(last)s; belum RAT untuk tahun buku acuan %(ref)s, tetapi masih dalam %(n)s tahun terakhir.") % {
            "last": last,
            "ref": reference_year,
            "n": window,
        }
    if status == Status.TIDAK_AKTIF:
        return _("%(last)s; tidak ada RAT dalam %(n)s tahun buku terakhir (%(first)s–%(ref)s).") % {
            "last": last,
            "n": window,
            "first": reference_year - window + 1,
            "ref": reference_year,
        }
    return _("Ditetapkan oleh dinas dengan SK.")


class Compliance(models.TextChoices):
    """RAT compliance of one cooperative for one book year (domain brief section 5)."""

    NOT_DUE = "not_due", gettext_lazy("Belum/tidak wajib")
    ON_TIME = "on_time", gettext_lazy("Tepat waktu")
    LATE = "late", gettext_lazy("Terlambat")
    NOT_FILED = "not_filed", gettext_lazy("Belum RAT")


DUE_COMPLIANCE = (Compliance.ON_TIME, Compliance.LATE, Compliance.NOT_FILED)


def rat_due(
    *,
    founded: datetime.date | None,
    lifecycle: str,
    dissolved_on: datetime.date | None,
    book_year: int,
    deadline: datetime.date,
) -> bool:
    """Was a RAT owed for ``book_year``? Only by cooperatives that existed for the whole
    book year (founded on or before 1 January, or founding date unknown) and were not
    dissolved (decree dated) on or before that year's reporting deadline."""
    if founded is not None and founded > datetime.date(book_year, 1, 1):
        return False
    if lifecycle != Lifecycle.BERJALAN and dissolved_on is not None and dissolved_on <= deadline:
        return False
    return True


def rat_compliance(
    *,
    founded: datetime.date | None,
    lifecycle: str,
    dissolved_on: datetime.date | None,
    bentuk: str,
    book_year: int,
    reported_on: datetime.date | None,
    rules: StatusRules,
) -> Compliance:
    """On time, late or not filed for a due cooperative (``reported_on`` None: no filing);
    on time means reported to the office on or before the deadline for its bentuk."""
    deadline = rules.deadline(book_year=book_year, bentuk=bentuk)
    if not rat_due(founded=founded, lifecycle=lifecycle, dissolved_on=dissolved_on, book_year=book_year, deadline=deadline):
        return Compliance.NOT_DUE
    if reported_on is None:
        return Compliance.NOT_FILED
    return Compliance.ON_TIME if reported_on <= deadline else Compliance.LATE
