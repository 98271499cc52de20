"""A cooperative's status at the end of each year, kept like ``last_rat_year``.

The status on a past day (``CooperativeQuerySet.with_status_on_live``) needs, for every
cooperative, the latest RAT book year filed up to that day's reference year: a correlated
subquery over the filings per cooperative, 1 s a year at 200,000 cooperatives. Past years
are always read on 31 December (``status.status_date``), so each (cooperative, year) has
one answer, fixed by the cooperative's own rows. This table stores it: one row per
cooperative registered at the end of the year, for the years ``stored_years()`` covers
(the last ``COOPERATIVE_YEARS_BACK`` years, this one included, whose row is the status
its 31 December will have on the data known now).

The rows are never edited by hand: ``services.cooperative_years_refresh`` rewrites a
cooperative's rows whenever ``last_rat_year`` is refreshed (a filing saved or deleted,
the import's bulk paths) and whenever the cooperative itself is saved or moved
(``receivers``); ``manage.py rebuild_cooperative_years`` rewrites them all after bulk loads
or a change of the status rules' settings.

A year's rows are read only once they are known to be complete (``readable_year``): a
rebuild writes every cooperative's row of each stored year and marks those years
(``CooperativeYearBuild``, with the rules' settings it used); from then on every write
path keeps them. A year that entered the stored range after the last rebuild (each
1 January), or rows computed under other rule settings, are not marked: pages read the
rule live (right, slower) until the next rebuild (README, "Operations").
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperatives.choices import Status
from cooperatives.status import Compliance, StatusRules

from .cooperatives import Cooperative
from .regions import District


def stored_years(*, today: datetime.date | None = None) -> range:
    """The years that have rows: the last ``COOPERATIVE_YEARS_BACK`` (this one included)."""
    this_year = (today or timezone.localdate()).year
    return range(this_year - settings.COOPERATIVE_YEARS_BACK + 1, this_year + 1)


def stored_year(day: datetime.date, *, today: datetime.date | None = None) -> int | None:
    """The year whose rows give the status on ``day``: ``day`` is a 31 December of a stored
    year; else None (read the rule live)."""
    if (day.month, day.day) == (12, 31) and day.year in stored_years(today=today):
        return day.year
    return None


def built_years() -> set[int]:
    """The years whose rows a rebuild completed under today's rule settings (one query)."""
    key = StatusRules.from_settings().key
    return set(CooperativeYearBuild.objects.filter(rules=key).values_list("year", flat=True))


def readable_year(day: datetime.date, *, today: datetime.date | None = None, built: set[int] | None = None) -> int | None:
    """``stored_year(day)`` when that year's rows are complete (``built_years``, read here
    unless given), else None: read the rule live."""
    year = stored_year(day, today=today)
    if year is None:
        return None
    return year if year in (built_years() if built is None else built) else None


class CooperativeYearBuild(models.Model):
    """A year whose ``CooperativeYear`` rows were all written by a rebuild, under the rule
    settings ``rules`` (``StatusRules.key``); the write paths keep them from then on."""

    year = models.PositiveSmallIntegerField(_("tahun"), primary_key=True)
    rules = models.CharField(_("pengaturan aturan status"), max_length=40)
    built_at = models.DateTimeField(_("dibangun pada"), auto_now=True)

    class Meta:
        verbose_name = _("pembangunan status per tahun")
        verbose_name_plural = _("pembangunan status per tahun")

    def __str__(self):
        return f"{self.year} ({self.rules})"


class CooperativeYear(models.Model):
    """The status of one cooperative on 31 December of ``year`` and the RAT compliance for
    the book year before (``year - 1``, the primer reference year on that day)."""

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="years", verbose_name=_("koperasi")
    )
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+", verbose_name=_("kecamatan"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    status = models.CharField(_("status per akhir tahun"), max_length=20, choices=Status.choices)
    rat_year = models.PositiveSmallIntegerField(_("RAT terakhir per akhir tahun (tahun buku)"), null=True)
    rat_compliance = models.CharField(
        _("kepatuhan RAT tahun buku sebelumnya"), max_length=10, choices=Compliance.choices
    )

    class Meta:
        verbose_name = _("status koperasi per tahun")
        verbose_name_plural = _("status koperasi per tahun")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "year"], name="cooperative_year_once"),
        ]
        indexes = [
            # The past-year list's status filter (year, status, then the scope's kecamatan);
            # rat_compliance last so the trends' counts are an index-only scan.
            models.Index(fields=["year", "status", "district", "rat_compliance"], name="cooperative_year_counts_idx"),
        ]

    def __str__(self):
        return f"{self.cooperative_id}/{self.year}: {self.status}"
