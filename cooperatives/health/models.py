"""Health assessments (penilaian kesehatan, domain brief section 6).

Instruments are data, versioned: a new regulation is a new ``HealthInstrument`` row with
its aspects (weights) and category thresholds, not a code change. An assessment stores
its inputs (aspect scores) and its results (total, category) together with a snapshot of
the weights and thresholds it was computed with, so a later change to the instrument
never rewrites history. Scoring itself is in ``cooperatives.health.rules`` (pure) and is
applied by ``cooperatives.health.services.assessment_create``.

The choices live here rather than in ``choices.py`` to keep the health code together.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperatives.choices import Jenis
from cooperatives.models.cooperatives import Cooperative
from koperasi_registry.uploads import FileCheck


class InstrumentKind(models.TextChoices):
    WEIGHTED = "weighted", _("Persentase berbobot")
    CHECKLIST = "checklist", _("Daftar periksa berbobot (nilai 1-4 per aspek)")
    RATING = "rating", _("Pemeringkatan (poin)")


class AppliesTo(models.TextChoices):
    ALL = "all", _("Semua koperasi")
    SIMPAN_PINJAM = "simpan_pinjam", _("Simpan pinjam (konvensional dan syariah)")
    KSP = "ksp", _("KSP/USP konvensional")
    KSPPS = "kspps", _("KSPPS/USPPS syariah")
    NON_SIMPAN_PINJAM = "non_simpan_pinjam", _("Koperasi selain simpan pinjam")


def instrument_applies(*, applies_to: str, jenis: str, is_syariah: bool) -> bool:
    """Whether an instrument for ``applies_to`` may assess a cooperative of this kind (pure)."""
    savings = jenis == Jenis.SIMPAN_PINJAM
    return {
        AppliesTo.ALL: True,
        AppliesTo.SIMPAN_PINJAM: savings,
        AppliesTo.KSP: savings and not is_syariah,
        AppliesTo.KSPPS: savings and is_syariah,
        AppliesTo.NON_SIMPAN_PINJAM: not savings,
    }.get(applies_to, False)


class ThresholdLevel(models.TextChoices):
    TOTAL = "total", _("Nilai total (kategori akhir)")
    ASPECT = "aspect", _("Nilai per aspek")


SCORE = {"max_digits": 7, "decimal_places": 2}


class HealthInstrumentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class HealthInstrument(models.Model):
    code = models.SlugField(_("kode"), max_length=40, help_text=_("Sama untuk semua versi satu instrumen."))
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    name = models.CharField(_("nama"), max_length=150)
    regulation = models.CharField(_("dasar peraturan"), max_length=255)
    description = models.TextField(_("keterangan"), blank=True)
    kind = models.CharField(_("cara penilaian"), max_length=12, choices=InstrumentKind.choices)
    applies_to = models.CharField(_("berlaku untuk"), max_length=20, choices=AppliesTo.choices)
    max_score = models.DecimalField(
        _("nilai maksimum per aspek"), default=Decimal(100), validators=[MinValueValidator(Decimal("0.01"))], **SCORE
    )
    max_total = models.DecimalField(
        _("nilai total maksimum"), default=Decimal(100), validators=[MinValueValidator(Decimal("0.01"))], **SCORE
    )
    active = models.BooleanField(_("aktif"), default=True, help_text=_("Hanya instrumen aktif dapat dipilih."))
    valid_from = models.DateField(_("berlaku sejak"), null=True, blank=True)

    history = HistoricalRecords()
    objects = HealthInstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("instrumen penilaian kesehatan")
        verbose_name_plural = _("instrumen penilaian kesehatan")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="healthinstrument_code_version_unique"),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    def applies(self, cooperative) -> bool:
        return instrument_applies(
            applies_to=self.applies_to, jenis=cooperative.jenis, is_syariah=cooperative.is_syariah
        )


class HealthAspect(models.Model):
    instrument = models.ForeignKey(
        HealthInstrument, on_delete=models.CASCADE, related_name="aspects", verbose_name=_("instrumen")
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=1)
    name = models.CharField(_("aspek"), max_length=120)
    weight = models.DecimalField(
        _("bobot"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    components = models.TextField(
        _("komponen"), blank=True, help_text=_("Komponen/rasio pada kertas kerja, satu per baris (panduan pengisian).")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["instrument", "order", "id"]
        verbose_name = _("aspek penilaian")
        verbose_name_plural = _("aspek penilaian")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "name"], name="healthaspect_name_unique"),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight})"

    @property
    def component_list(self) -> list[str]:
        return [line.strip() for line in self.components.splitlines() if line.strip()]


class HealthCategoryThreshold(models.Model):
    instrument = models.ForeignKey(
        HealthInstrument, on_delete=models.CASCADE, related_name="thresholds", verbose_name=_("instrumen")
    )
    level = models.CharField(_("untuk"), max_length=10, choices=ThresholdLevel.choices, default=ThresholdLevel.TOTAL)
    lower_bound = models.DecimalField(
        _("batas bawah"), validators=[MinValueValidator(0)], help_text=_("Termasuk batas ini (≥)."), **SCORE
    )
    label = models.CharField(_("kategori"), max_length=60)
    order = models.PositiveSmallIntegerField(_("peringkat"), default=1, help_text=_("1 = terbaik."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["instrument", "level", "order"]
        verbose_name = _("batas kategori")
        verbose_name_plural = _("batas kategori")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "level", "lower_bound"], name="healththreshold_bound_unique"
            ),
        ]

    def __str__(self):
        return f"≥ {self.lower_bound}: {self.label}"


def worksheet_path(instance, filename):
    return f"kesehatan/{instance.cooperative_id}/{instance.year}/{filename}"


class HealthAssessment(models.Model):
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="health_assessments", verbose_name=_("koperasi")
    )
    year = models.PositiveSmallIntegerField(
        _("tahun buku"), validators=[MinValueValidator(1945), MaxValueValidator(2100)]
    )
    instrument = models.ForeignKey(
        HealthInstrument, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("instrumen")
    )
    assessed_on = models.DateField(_("tanggal penilaian"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="health_assessments",
        verbose_name=_("penilai"),
    )
    notes = models.TextField(_("catatan"), blank=True)
    worksheet = models.FileField(
        _("kertas kerja"), upload_to=worksheet_path, blank=True, validators=[FileCheck()],
        help_text=_("Kertas kerja penilaian (PDF, gambar, Excel atau Word)."),
    )
    # Results, computed by the service from the inputs below and never typed.
    total = models.DecimalField(_("nilai total"), **SCORE)
    max_total = models.DecimalField(_("nilai total maksimum"), default=Decimal(100), **SCORE)  # snapshot
    category = models.CharField(_("kategori"), max_length=60)
    category_rank = models.PositiveSmallIntegerField(_("peringkat kategori"), default=1)
    # What the result was computed with: {"instrument": ..., "version": ..., "kind": ...,
    # "max_score": "100", "max_total": "100", "weights": {aspect: "15.00"},
    # "thresholds": [["80.00", "Sehat"], ...], "aspect_thresholds": [...]}.
    snapshot = models.JSONField(_("aturan yang dipakai"), default=dict, editable=False)
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("penilaian kesehatan")
        verbose_name_plural = _("penilaian kesehatan")
        indexes = [
            models.Index(fields=["-year", "-id"], name="healthassessment_year_idx"),
            models.Index(fields=["cooperative", "-year"], name="healthassessment_coop_idx"),
            models.Index(fields=["category"], name="healthassessment_category_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "year", "instrument"],
                name="healthassessment_one_per_year_instrument",
                violation_error_message=_(
                    "Koperasi ini sudah dinilai dengan instrumen yang sama untuk tahun buku itu."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.cooperative} – {self.year}: {self.category}"

    def get_absolute_url(self):
        return reverse("cooperatives:assessment_detail", args=[self.pk])


class HealthAspectScore(models.Model):
    assessment = models.ForeignKey(
        HealthAssessment, on_delete=models.CASCADE, related_name="aspect_scores", verbose_name=_("penilaian")
    )
    aspect = models.ForeignKey(
        HealthAspect, on_delete=models.SET_NULL, null=True, blank=True, related_name="scores",
        verbose_name=_("aspek (instrumen)"),
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=1)
    name = models.CharField(_("aspek"), max_length=120)  # snapshot
    weight = models.DecimalField(_("bobot"), max_digits=6, decimal_places=2)  # snapshot
    score = models.DecimalField(_("nilai"), validators=[MinValueValidator(0)], **SCORE)
    contribution = models.DecimalField(_("skor"), **SCORE)
    category = models.CharField(_("kategori aspek"), max_length=60, blank=True)
    components = models.JSONField(_("nilai komponen"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "order", "id"]
        verbose_name = _("nilai aspek")
        verbose_name_plural = _("nilai aspek")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "name"], name="healthaspectscore_one_per_aspect"),
        ]

    def __str__(self):
        return f"{self.name}: {self.score}"
