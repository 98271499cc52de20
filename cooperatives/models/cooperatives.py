"""The register: cooperatives and the office's own grouping (kelompok)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperatives.choices import Bentuk, Jenis, Lifecycle
from cooperatives.querysets import CooperativeQuerySet

from cooperatives.validators import closed_book_year, not_in_future

from .regions import Village

phone_validator = RegexValidator(
    r"^\+?[0-9 ()-]{6,20}$", _("Nomor telepon hanya berisi angka, spasi, tanda + ( ) -.")
)


class Kelompok(models.Model):
    """The office's own grouping (KUD, KSU, KPRI, Kopwan, ... Merah Putih): an editable list."""

    name = models.CharField(_("nama"), max_length=60, unique=True)
    description = models.CharField(_("keterangan"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("kelompok koperasi")
        verbose_name_plural = _("kelompok koperasi")

    def __str__(self):
        return self.name


class Cooperative(models.Model):
    name = models.CharField(_("nama koperasi"), max_length=200)
    nik = models.CharField(
        _("NIK"),
        max_length=30,
        blank=True,
        help_text=_("Nomor Induk Koperasi dari kementerian; kosongkan bila belum ada."),
    )
    office_code = models.CharField(
        _("kode dinas"), max_length=30, blank=True, help_text=_("Kode koperasi dalam catatan dinas.")
    )
    legal_entity_number = models.CharField(
        _("nomor badan hukum"), max_length=120, blank=True, help_text=_("Mis. AHU-0005202.AH.01.26.TAHUN 2020")
    )
    legal_entity_date = models.DateField(_("tanggal badan hukum"), null=True, blank=True, validators=[not_in_future])
    legal_entity_authority = models.CharField(_("pengesah badan hukum"), max_length=120, blank=True)
    jenis = models.CharField(_("jenis"), max_length=20, choices=Jenis.choices)
    bentuk = models.CharField(_("bentuk"), max_length=10, choices=Bentuk.choices, default=Bentuk.PRIMER)
    kelompok = models.ForeignKey(
        Kelompok, on_delete=models.PROTECT, null=True, blank=True, related_name="cooperatives", verbose_name=_("kelompok")
    )
    is_syariah = models.BooleanField(_("syariah"), default=False, help_text=_("KSPPS/USPPS"))
    is_merah_putih = models.BooleanField(
        _("Koperasi Desa/Kelurahan Merah Putih"), default=False, help_text=_("Program Inpres 9/2025")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="cooperatives", verbose_name=_("desa/kelurahan")
    )
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-11), MaxValueValidator(6)],
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(94), MaxValueValidator(142)],
    )
    founded_on = models.DateField(_("tanggal berdiri"), null=True, blank=True, validators=[not_in_future])
    chair_name = models.CharField(_("ketua"), max_length=120, blank=True)
    secretary_name = models.CharField(_("sekretaris"), max_length=120, blank=True)
    treasurer_name = models.CharField(_("bendahara"), max_length=120, blank=True)
    supervisor_names = models.CharField(_("pengawas"), max_length=255, blank=True)
    manager_name = models.CharField(_("manajer"), max_length=120, blank=True)
    phone = models.CharField(_("telepon"), max_length=20, blank=True, validators=[phone_validator])
    lifecycle = models.CharField(
        _("status pembubaran"), max_length=12, choices=Lifecycle.choices, default=Lifecycle.BERJALAN
    )
    dissolution_decree_number = models.CharField(_("nomor SK pembubaran"), max_length=120, blank=True)
    dissolution_decree_date = models.DateField(
        _("tanggal SK pembubaran"), null=True, blank=True, validators=[not_in_future]
    )
    # The office's own record of the last RAT where no filing was entered (a register kept
    # for years, an import with only "Tahun buku RAT terakhir"). ``last_rat_year`` takes
    # the later of it and the filings, so a filing for that year or later supersedes it.
    recorded_rat_year = models.PositiveSmallIntegerField(
        _("tahun buku RAT terakhir (catatan dinas)"),
        null=True,
        blank=True,
        validators=[closed_book_year],
        help_text=_("Hanya bila laporan RAT-nya tidak dicatat: tahun buku RAT terakhir menurut catatan dinas."),
    )
    # Maintained by the RAT filing services (rebuild: manage.py rebuild_rat_summary); the
    # status is a cheap expression over it instead of a subquery over all filings.
    last_rat_year = models.PositiveSmallIntegerField(_("RAT terakhir (tahun buku)"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["last_rat_year", "updated_at"])
    objects = CooperativeQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("koperasi")
        verbose_name_plural = _("koperasi")
        indexes = [
            models.Index(fields=["name", "id"], name="cooperative_name_idx"),
            models.Index(fields=["last_rat_year"], name="cooperative_last_rat_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["nik"], condition=~Q(nik=""), name="cooperative_nik_unique"),
            models.UniqueConstraint(
                fields=["office_code"], condition=~Q(office_code=""), name="cooperative_office_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(lifecycle=Lifecycle.BERJALAN)
                | (~Q(dissolution_decree_number="") & Q(dissolution_decree_date__isnull=False)),
                name="cooperative_dissolution_has_decree",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cooperatives:cooperative_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.lifecycle != Lifecycle.BERJALAN:
            if not self.dissolution_decree_number:
                errors["dissolution_decree_number"] = _("Isi nomor SK pembubaran.")
            if not self.dissolution_decree_date:
                errors["dissolution_decree_date"] = _("Isi tanggal SK pembubaran.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya.")
        if (
            self.recorded_rat_year
            and self.founded_on
            and isinstance(self.recorded_rat_year, int)
            and self.recorded_rat_year < self.founded_on.year
        ):
            errors["recorded_rat_year"] = _("Tahun buku RAT terakhir tidak boleh sebelum tahun berdiri (%(year)s).") % {
                "year": self.founded_on.year
            }
        if self.legal_entity_date and self.founded_on and self.legal_entity_date < self.founded_on:
            errors["legal_entity_date"] = _("Tanggal badan hukum tidak boleh sebelum tanggal berdiri.")
        if errors:
            raise ValidationError(errors)
