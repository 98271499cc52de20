"""RAT (Rapat Anggota Tahunan) filings: one per cooperative and book year."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperatives.choices import RatAttachmentKind
from cooperatives.validators import closed_book_year, not_in_future
from koperasi_registry.uploads import FileCheck

from .cooperatives import Cooperative

MONEY = {"max_digits": 18, "decimal_places": 2, "null": True, "blank": True}


class RatFiling(models.Model):
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="rat_filings", verbose_name=_("koperasi")
    )
    book_year = models.PositiveSmallIntegerField(_("tahun buku"), validators=[closed_book_year])
    rat_date = models.DateField(_("tanggal RAT"), validators=[not_in_future])
    reported_on = models.DateField(_("tanggal dilaporkan ke dinas"), validators=[not_in_future])
    members_male = models.PositiveIntegerField(_("anggota laki-laki"), default=0)
    members_female = models.PositiveIntegerField(_("anggota perempuan"), default=0)
    pengurus_count = models.PositiveSmallIntegerField(_("jumlah pengurus"), default=0)
    pengawas_count = models.PositiveSmallIntegerField(_("jumlah pengawas"), default=0)
    managers_male = models.PositiveSmallIntegerField(_("manajer laki-laki"), default=0)
    managers_female = models.PositiveSmallIntegerField(_("manajer perempuan"), default=0)
    employees_male = models.PositiveIntegerField(_("karyawan laki-laki"), default=0)
    employees_female = models.PositiveIntegerField(_("karyawan perempuan"), default=0)
    modal_sendiri = models.DecimalField(_("modal sendiri (Rp)"), **MONEY)
    modal_luar = models.DecimalField(_("modal luar (Rp)"), **MONEY)
    total_aset = models.DecimalField(_("total aset (Rp)"), **MONEY)
    volume_usaha = models.DecimalField(_("volume usaha (Rp)"), **MONEY)
    shu = models.DecimalField(_("SHU (Rp)"), help_text=_("Negatif bila rugi."), **MONEY)
    notes = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["cooperative", "-book_year"]
        verbose_name = _("laporan RAT")
        verbose_name_plural = _("laporan RAT")
        indexes = [models.Index(fields=["book_year", "cooperative"], name="ratfiling_year_idx")]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "book_year"], name="ratfiling_one_per_book_year"),
            models.CheckConstraint(
                condition=Q(modal_luar__gte=0) | Q(modal_luar__isnull=True), name="ratfiling_modal_luar_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(total_aset__gte=0) | Q(total_aset__isnull=True), name="ratfiling_aset_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(volume_usaha__gte=0) | Q(volume_usaha__isnull=True),
                name="ratfiling_volume_not_negative",
            ),
            models.CheckConstraint(condition=Q(reported_on__gte=models.F("rat_date")), name="ratfiling_reported_after_rat"),
        ]

    def __str__(self):
        return f"RAT {self.book_year} – {self.cooperative}"

    def get_absolute_url(self):
        return reverse("cooperatives:cooperative_detail", args=[self.cooperative_id]) + f"#rat-{self.book_year}"

    @property
    def members_total(self) -> int:
        return self.members_male + self.members_female

    def clean(self):
        errors = {}
        # A book year outside the date range (e.g. 40000) is its field's error, not a crash here.
        year_ok = isinstance(self.book_year, int) and datetime.MINYEAR <= self.book_year < datetime.MAXYEAR
        if self.rat_date and year_ok and self.rat_date <= datetime.date(self.book_year, 12, 31):
            errors["rat_date"] = _("RAT tahun buku %(year)s diadakan setelah tahun buku itu ditutup.") % {
                "year": self.book_year
            }
        if self.rat_date and self.reported_on and self.reported_on < self.rat_date:
            errors["reported_on"] = _("Tanggal lapor tidak boleh sebelum tanggal RAT.")
        for name in ("modal_luar", "total_aset", "volume_usaha"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = _("Tidak boleh negatif.")
        if errors:
            raise ValidationError(errors)


def rat_attachment_path(instance, filename):
    return f"rat/{instance.filing.cooperative_id}/{instance.filing.book_year}/{filename}"


class RatAttachment(models.Model):
    filing = models.ForeignKey(
        RatFiling, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("laporan RAT")
    )
    kind = models.CharField(_("jenis dokumen"), max_length=20, choices=RatAttachmentKind.choices)
    file = models.FileField(_("berkas"), upload_to=rat_attachment_path, validators=[FileCheck()])
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["filing", "kind"]
        verbose_name = _("lampiran RAT")
        verbose_name_plural = _("lampiran RAT")

    def __str__(self):
        return f"{self.get_kind_display()} – {self.filing}"

    def get_absolute_url(self):
        return reverse("cooperatives:ratattachment", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return self.file.name.rsplit(".", 1)[-1].lower() in ("jpg", "jpeg", "png")
