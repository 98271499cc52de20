"""Background jobs: one row per spreadsheet import (ImportJob) and per large export
(ExportJob), so that the worker (``manage.py db_worker``) can report progress to the page
that polls it. ``cooperatives.imports`` and ``koperasi_registry.export_jobs`` do the work.

A job is a technical log written by the code, never edited by staff, so it has no change
history of its own; the cooperatives and filings an import writes do.

Heartbeat: a running job's ``updated_at`` moves with its progress (and every
``IMPORT_HEARTBEAT_SECONDS`` while the worker holds it). One that has not moved for
``IMPORT_STALE_SECONDS`` lost its worker (killed, machine restarted): it is shown as
stopped and may be run again. ``attempt`` counts the runs queued, so that an old queued
run that a worker reaches after a retry does nothing.
"""

import datetime

import simple_history
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koperasi_registry import permissions
from koperasi_registry.uploads import FileCheck

IMPORT_EXTENSIONS = ("csv", "xlsx")


def stale_cutoff():
    """Running jobs last heard of before this moment have lost their worker."""
    return timezone.now() - datetime.timedelta(seconds=settings.IMPORT_STALE_SECONDS)


class BackgroundJob(models.Model):
    """What an import and an export job share: progress, heartbeat and attempts."""

    RUNNING: tuple = ()

    total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    processed = models.PositiveIntegerField(_("baris diproses"), default=0)
    message = models.CharField(_("pesan"), max_length=500, blank=True)
    attempt = models.PositiveIntegerField(_("percobaan"), default=0)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("terakhir diperbarui"), auto_now=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_stalled(self) -> bool:
        """Running, but its worker has not reported for ``IMPORT_STALE_SECONDS``."""
        return self.status in self.RUNNING and self.updated_at < stale_cutoff()

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING and not self.is_stalled

    @property
    def percent(self) -> int:
        if self.status not in self.RUNNING:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """As ``permissions.import_job_scope`` says: every job, only the user's own, or none."""
        scope = permissions.import_job_scope(user)
        if scope == permissions.ALL:
            return self
        if scope == permissions.OWN:
            return self.filter(user=user)
        return self.none()


class ImportJob(BackgroundJob):
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
    # Each error is {"row": 12, "column": "NIK", "message": "..."}; at most
    # ``imports.jobs.MAX_STORED_ERRORS`` are kept, ``error_count`` counts them all.
    errors = models.JSONField(_("kesalahan"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("jumlah kesalahan"), default=0)
    # While READY: what saving would do; once DONE: what it did.
    created_count = models.PositiveIntegerField(_("dibuat"), default=0)
    updated_count = models.PositiveIntegerField(_("diperbarui"), default=0)
    unchanged_count = models.PositiveIntegerField(_("tidak berubah"), default=0)
    # From the dry run: a digest of what saving would write (saving refuses a changed one)
    # and the rows to create and update, as the importer's ``plan.preview`` gives them.
    fingerprint = models.CharField(_("sidik data"), max_length=64, blank=True)
    preview = models.JSONField(_("pratinjau"), default=dict, blank=True)

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
    def preview_more(self) -> dict[str, int]:
        """How many rows to create and update the capped ``preview`` lists leave out."""
        preview = self.preview or {}
        return {
            key: max(preview.get(f"{key}_total", 0) - len(preview.get(key, [])), 0) for key in ("create", "update")
        }


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """As ``permissions.export_job_scope`` says: only the user's own exports."""
        if permissions.export_job_scope(user) != permissions.OWN:
            return self.none()
        return self.filter(user=user)


class ExportJob(BackgroundJob):
    """A filtered list exported in the background because it has too many rows."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class State(models.TextChoices):
        QUEUED = "queued", _("Menunggu pekerja")
        RUNNING = "running", _("Sedang dibuat")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    RUNNING = (State.QUEUED, State.RUNNING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("pengguna")
    )
    view_name = models.CharField(_("halaman"), max_length=100)  # a URL name, e.g. cooperatives:cooperative_list
    title = models.CharField(_("judul"), max_length=200, blank=True)
    query_string = models.TextField(_("filter"), blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.QUEUED)
    file = models.FileField(_("berkas"), upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField(_("nama berkas"), max_length=200, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ekspor")
        verbose_name_plural = _("ekspor")
        indexes = [models.Index(fields=["user", "-created_at"], name="exportjob_user_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(processed__lte=models.F("total")), name="exportjob_processed_lte_total")
        ]

    def __str__(self):
        return self.filename or f"{self.title} ({self.format})"

    def get_absolute_url(self):
        return reverse("export_job", args=[self.pk])

    @property
    def list_url(self) -> str:
        """The list with the filters the export was asked with."""
        url = reverse(self.view_name)
        return f"{url}?{self.query_string}" if self.query_string else url


# --- History of the users' accounts ------------------------------------------------
# Who activated or deactivated an account and who gave or took a role (a group), when:
# django-simple-history on Django's own User, with its groups (HistoricalUser in this app;
# shown in the admin's history of each user). The password hash and last_login are not
# copied; a sign-in itself writes no history (koperasi_registry.apps).
simple_history.register(
    get_user_model(),
    app="koperasi_registry",
    m2m_fields=["groups"],
    excluded_fields=["password", "last_login"],
    user_related_name="+",
)


# --- The data's version ----------------------------------------------------------------
class DataVersion(models.Model):
    """A table's version: a number that grows after every committed change to the table
    (``koperasi_registry.data_version``; ``*`` for changes whose table is not known), so
    that figures computed once can be kept for exactly as long as nothing they were
    computed from has changed. Written by the code only."""

    table = models.CharField(_("tabel"), max_length=100, primary_key=True)
    value = models.BigIntegerField(_("versi"), default=0)

    class Meta:
        verbose_name = _("versi data")
        verbose_name_plural = _("versi data")

    def __str__(self):
        return f"{self.table}: {self.value}"
