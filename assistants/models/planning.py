"""Yearly coaching targets, programmes (training and aid) and financing proposals."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperatives.models import Cooperative, District
from cooperatives.validators import EARLIEST_PLAN_YEAR, LATEST_PLAN_YEAR, plan_date

from ..choices import AidKind, Funding, ProgrammeKind, ProposalKind, ProposalStatus
from ..querysets import CoachingTargetQuerySet, CooperativeScopedQuerySet, ProgrammeQuerySet
from .people import BusinessAssistant

MONEY = {"max_digits": 18, "decimal_places": 2}


def _year_validators():
    """A programme's or target's year, in the range planning dates get (``plan_date``)."""
    return [MinValueValidator(EARLIEST_PLAN_YEAR), MaxValueValidator(LATEST_PLAN_YEAR)]


def default_office_code() -> str:
    """The office of a target or programme made outside the forms (shell, demo data): the
    installation's own, ``OFFICE_REGENCY_CODE``."""
    return settings.OFFICE_REGENCY_CODE


def office_code_field():
    """Which office a target or programme belongs to: its office scope code (``""``
    national, ``61`` a province, ``61.05`` a kabupaten/kota; ``koperasi_registry.scopes``).
    Set by the forms from the creating user's scope, never typed."""
    return models.CharField(
        _("kode wilayah kantor"), max_length=5, blank=True, default=default_office_code, editable=False,
    )


class CoachingTarget(models.Model):
    """How many cooperatives an office means to coach intensively in a year (Kutai Timur
    2023: 150), for the whole office or one kecamatan. What counts as "coached" is the
    configurable rule in ``assistants.conf`` / ``rules.is_coached``.

    **Office**: ``office_code``. An office-wide target (no kecamatan) belongs to the office of
    the user who created it (a kabupaten/kota, a province or national): one per year and
    office. A kecamatan target belongs to its kecamatan's kabupaten/kota: one per year and
    kecamatan. A user sees, changes and counts the targets of offices *inside* their scope
    (a province user: the province's and its kabupaten/kota's), never a wider office's;
    the dashboard reads the target of the scope it shows (``Scope.office_q``)."""

    year = models.PositiveSmallIntegerField(_("tahun"), validators=_year_validators())
    office_code = office_code_field()
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("kecamatan"), help_text=_("Kosongkan untuk target seluruh kabupaten."),
    )
    target_count = models.PositiveIntegerField(_("jumlah koperasi dibina intensif"))
    notes = models.CharField(_("catatan"), max_length=255, blank=True)

    history = HistoricalRecords()
    objects = CoachingTargetQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "district__name"]
        verbose_name = _("target pembinaan")
        verbose_name_plural = _("target pembinaan")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "office_code"], condition=Q(district__isnull=True), name="target_one_per_year_office",
                violation_error_message=_("Target seluruh wilayah kantor untuk tahun ini sudah ada."),
            ),
            models.UniqueConstraint(
                fields=["year", "district"], condition=Q(district__isnull=False), name="target_one_per_year_district",
                violation_error_message=_("Target kecamatan ini untuk tahun ini sudah ada."),
            ),
        ]

    def __str__(self):
        where = self.district.name if self.district_id else (self.office_code or _("nasional"))
        return f"{self.year} – {where}: {self.target_count}"

    def set_office(self, *, district: District | None, scope_code: str) -> None:
        """Set ``office_code``: a kecamatan target's is its kabupaten/kota (the first five
        characters of the Kemendagri code, ``61.05.01`` -> ``61.05``); a new office-wide one
        gets the creating user's ``scope_code``; a changed office-wide one keeps its office
        (a kecamatan target made office-wide: its kabupaten/kota's)."""
        if district is not None:
            self.office_code = district.code[:5]
        elif self.pk is None:
            self.office_code = scope_code

    def get_absolute_url(self):
        return reverse("assistants:target_progress", args=[self.pk])


class Programme(models.Model):
    """A training (pelatihan) or aid (bantuan) programme and the cooperatives in it.

    **Office**: ``office_code``, the scope of the user who created it. The office roles see
    the programmes of offices inside their scope (a province user: the province's and its
    kabupaten/kota's) and may change those; they also see, read-only, the programmes of the
    offices containing their scope (a kabupaten user: the province's and the national
    ones, whose cooperatives in the kabupaten they monitor), but only their own visible
    cooperatives among the participants (``ProgrammeQuerySet``)."""

    name = models.CharField(_("nama program"), max_length=200)
    office_code = office_code_field()
    kind = models.CharField(_("jenis program"), max_length=10, choices=ProgrammeKind.choices)
    aid_kind = models.CharField(
        _("bentuk bantuan"), max_length=10, choices=AidKind.choices, blank=True,
        help_text=_("Hanya untuk program bantuan."),
    )
    funding = models.CharField(_("sumber dana"), max_length=10, choices=Funding.choices)
    budget = models.DecimalField(_("anggaran (Rp)"), null=True, blank=True, **MONEY)
    year = models.PositiveSmallIntegerField(_("tahun anggaran"), validators=_year_validators())
    start_date = models.DateField(_("mulai"), null=True, blank=True, validators=[plan_date])
    end_date = models.DateField(_("selesai"), null=True, blank=True, validators=[plan_date])
    description = models.TextField(_("uraian"), blank=True)
    cooperatives = models.ManyToManyField(
        Cooperative, through="ProgrammeParticipation", related_name="programmes", verbose_name=_("koperasi peserta")
    )

    history = HistoricalRecords()
    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "name", "id"]
        verbose_name = _("program")
        verbose_name_plural = _("program")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="programme_end_after_start",
            ),
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gte=0), name="programme_budget_not_negative"),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"

    def get_absolute_url(self):
        return reverse("assistants:programme_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.kind == ProgrammeKind.BANTUAN and not self.aid_kind:
            errors["aid_kind"] = _("Pilih bentuk bantuan.")
        if self.kind == ProgrammeKind.PELATIHAN and self.aid_kind:
            errors["aid_kind"] = _("Program pelatihan tidak punya bentuk bantuan.")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("Tanggal selesai tidak boleh sebelum tanggal mulai.")
        if errors:
            raise ValidationError(errors)


class ProgrammeParticipation(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="participations", verbose_name=_("program")
    )
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="programme_participations", verbose_name=_("koperasi")
    )
    aid_received = models.CharField(_("bantuan yang diterima"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "cooperative__name"]
        verbose_name = _("peserta program")
        verbose_name_plural = _("peserta program")
        constraints = [
            models.UniqueConstraint(fields=["programme", "cooperative"], name="participation_once_per_programme")
        ]

    def __str__(self):
        return f"{self.programme} – {self.cooperative}"


class FinancingProposal(models.Model):
    """A financing proposal or business plan an assistant helped a cooperative write. Its
    status changes are kept in its history table (who, when, from what to what)."""

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="financing_proposals", verbose_name=_("koperasi")
    )
    assistant = models.ForeignKey(
        BusinessAssistant, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals",
        verbose_name=_("pendamping"),
    )
    kind = models.CharField(_("jenis dokumen"), max_length=15, choices=ProposalKind.choices, default=ProposalKind.PROPOSAL)
    purpose = models.CharField(_("tujuan pembiayaan"), max_length=255)
    amount = models.DecimalField(_("nilai (Rp)"), null=True, blank=True, **MONEY)
    lender = models.CharField(_("calon pemberi dana"), max_length=150, blank=True, help_text=_("Mis. bank, LPDB, BUMN."))
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT)
    submitted_on = models.DateField(_("tanggal diajukan"), null=True, blank=True, validators=[plan_date])
    decided_on = models.DateField(_("tanggal keputusan"), null=True, blank=True, validators=[plan_date])
    notes = models.TextField(_("catatan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    history = HistoricalRecords()
    objects = CooperativeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal pembiayaan")
        verbose_name_plural = _("proposal pembiayaan")
        indexes = [models.Index(fields=["status", "-created_at"], name="proposal_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="proposal_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.purpose} – {self.cooperative}"

    def get_absolute_url(self):
        return reverse("assistants:proposal_detail", args=[self.pk])

    def clean(self):
        errors = {}
        decided = (ProposalStatus.APPROVED, ProposalStatus.REJECTED, ProposalStatus.DISBURSED)
        if self.status != ProposalStatus.DRAFT and not self.submitted_on:
            errors["submitted_on"] = _("Isi tanggal pengajuan.")
        if self.status in decided and not self.decided_on:
            errors["decided_on"] = _("Isi tanggal keputusan.")
        if self.submitted_on and self.decided_on and self.decided_on < self.submitted_on:
            errors["decided_on"] = _("Tanggal keputusan tidak boleh sebelum tanggal pengajuan.")
        if errors:
            raise ValidationError(errors)
