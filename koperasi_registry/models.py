"""Spreadsheet import jobs: one row per uploaded sheet, so that a background thread can
report its progress to the page that polls it (``cooperatives.imports`` does the work).

An ImportJob is a technical log written by the import code, never edited by staff, so it
has no change history of its own; the cooperatives and filings it writes do.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koperasi_registry import access
from koperasi_registry.uploads import FileCheck

IMPORT_EXTENSIONS = ("csv", "xlsx")


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admin sees every job; Staf only their own; nobody else any."""
        if access.has_role(user, access.ADMIN):
            return self
        if access.has_role(user, access.STAF):
            return self.filter(user=user)
        return self.none()


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        COOPERATIVE = "koperasi", _("Data koperasi")
        RAT = "rat", _("Laporan RAT")

    class State(models.TextChoices):
        CHECKING = "checking", _("Sedang diperiksa")
        INVALID = "invalid", _("Ada kesalahan, tidak ada yang disimpan")
        READY = "ready", _("Siap disimpan")
        SAVING = "saving", _("Sedang disimpan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal, tidak ada yang disimpan")

    RUNNING = (State.CHECKING, State.SAVING)

    kind = models.CharField(_("jenis impor"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.CHECKING)
    file = models.FileField(
        _("berkas"), upload_to="imports/%Y/%m/", validators=[FileCheck(IMPORT_EXTENSIONS)]
    )
    original_name = models.CharField(_("nama berkas"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name=_("pengguna"),
    )
    total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    processed = models.PositiveIntegerField(_("baris diproses"), default=0)
    # Each error is {"row": 12, "column": "NIK", "message": "..."}; at most
    # ``imports.jobs.MAX_STORED_ERRORS`` are kept, ``error_count`` counts them all.
    errors = models.JSONField(_("kesalahan"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("jumlah kesalahan"), default=0)
    message = models.CharField(_("pesan"), max_length=500, blank=True)
    # While READY: what saving would do; once DONE: what it did.
    created_count = models.PositiveIntegerField(_("dibuat"), default=0)
    updated_count = models.PositiveIntegerField(_("diperbarui"), default=0)
    unchanged_count = models.PositiveIntegerField(_("tidak berubah"), default=0)
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    updated_at = models.DateTimeField(_("terakhir diperbarui"), auto_now=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("impor spreadsheet")
        verbose_name_plural = _("impor spreadsheet")
        indexes = [models.Index(fields=["user", "kind", "-created_at"], name="importjob_user_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(processed__lte=models.F("total")), name="importjob_processed_lte_total")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self):
        return reverse("cooperatives:import_job", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING and not self.is_stalled

    @property
    def is_stalled(self) -> bool:
        """A running job whose thread has not reported for a while (e.g. the server restarted)."""
        limit = getattr(settings, "IMPORT_STALL_SECONDS", 300)
        return self.status in self.RUNNING and (timezone.now() - self.updated_at).total_seconds() > limit

    @property
    def percent(self) -> int:
        if self.status in (self.State.DONE, self.State.READY, self.State.INVALID):
            return 100
        return int(100 * self.processed / self.total) if self.total else 0
