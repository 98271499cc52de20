"""A year's visits per cooperative (by kind) and per assistant and cooperative: derived
from ``CoachingVisit``.

The dashboard reads these rows (at most one per cooperative, or per assistant and
cooperative, a year) instead of a year's visits, which at 100,000 cooperatives are nearly
half a million rows. Each row carries its cooperative's kecamatan, so that a kecamatan's
figures need no join through the cooperatives. They are never edited:
``services.visit_summary_refresh`` rewrites a cooperative's rows whenever one of its visits
is saved or deleted, or it moves to another village (``signals``), and
``manage.py rebuild_visit_summary`` rewrites them all after bulk loads.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Cooperative, District

from ..choices import VisitKind
from .people import BusinessAssistant


class VisitSummary(models.Model):
    """A cooperative's visits in one calendar year, in all and by kind."""

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="visit_summaries", verbose_name=_("koperasi")
    )
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+", verbose_name=_("kecamatan"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    visits = models.PositiveIntegerField(_("kunjungan"))
    # One count per visit kind (``VisitKind``): "coached" sums the configured kinds.
    pembinaan = models.PositiveIntegerField(default=0)
    pendampingan_rat = models.PositiveIntegerField(default=0)
    monev = models.PositiveIntegerField(default=0)
    pemeriksaan = models.PositiveIntegerField(default=0)
    pelatihan = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ringkasan kunjungan")
        verbose_name_plural = _("ringkasan kunjungan")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "year"], name="visit_summary_once_a_year"),
            models.CheckConstraint(condition=Q(visits__gte=1), name="visit_summary_not_empty"),
        ]
        indexes = [models.Index(fields=["year", "district"], name="visit_summary_year_idx")]

    def __str__(self):
        return f"{self.cooperative_id}/{self.year}: {self.visits}"


class AssistantVisitSummary(models.Model):
    """An assistant's visits to one cooperative in one calendar year (visits logged
    without an assistant have no row here)."""

    assistant = models.ForeignKey(BusinessAssistant, on_delete=models.CASCADE, related_name="+")
    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    visits = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("ringkasan kunjungan pendamping")
        verbose_name_plural = _("ringkasan kunjungan pendamping")
        constraints = [
            models.UniqueConstraint(fields=["assistant", "cooperative", "year"], name="assistant_summary_once_a_year"),
        ]
        indexes = [
            models.Index(fields=["year", "district"], name="assistant_summary_year_idx"),
            models.Index(fields=["cooperative", "year"], name="assistant_summary_coop_idx"),
        ]

    def __str__(self):
        return f"{self.assistant_id}/{self.cooperative_id}/{self.year}: {self.visits}"


KIND_FIELDS = tuple(VisitKind.values)  # the summary's per-kind columns, by the kinds' values


def kinds_total(kinds) -> F:
    """The summary's visits of ``kinds`` as one SQL expression (``pembinaan + monev``)."""
    unknown = set(kinds) - set(KIND_FIELDS)
    if unknown:
        raise ValueError(f"unknown visit kinds {sorted(unknown)}")
    fields = [F(kind) for kind in KIND_FIELDS if kind in set(kinds)]
    if not fields:
        return models.Value(0)
    total = fields[0]
    for field in fields[1:]:
        total = total + field
    return total
