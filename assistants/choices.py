"""Choice lists of the assistants app (visits, follow-ups, programmes, proposals)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitKind(models.TextChoices):
    PEMBINAAN = "pembinaan", _("Pembinaan")
    PENDAMPINGAN_RAT = "pendampingan_rat", _("Pendampingan RAT")
    MONEV = "monev", _("Monitoring dan evaluasi")
    PEMERIKSAAN = "pemeriksaan", _("Pemeriksaan")
    PELATIHAN = "pelatihan", _("Pelatihan")


class AttachmentKind(models.TextChoices):
    PHOTO = "foto", _("Foto")
    DOCUMENT = "dokumen", _("Dokumen")


class FollowUpStatus(models.TextChoices):
    OPEN = "terbuka", _("Terbuka")
    DONE = "selesai", _("Selesai")
    CANCELLED = "batal", _("Dibatalkan")


class ProgrammeKind(models.TextChoices):
    PELATIHAN = "pelatihan", _("Pelatihan")
    BANTUAN = "bantuan", _("Bantuan")


class AidKind(models.TextChoices):
    UANG = "uang", _("Uang")
    TERNAK = "ternak", _("Ternak")
    PERALATAN = "peralatan", _("Peralatan")
    LAINNYA = "lainnya", _("Lainnya")


class Funding(models.TextChoices):
    APBD = "apbd", _("APBD")
    DAK = "dak", _("DAK")
    LAINNYA = "lainnya", _("Lainnya")


class ProposalKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal pembiayaan")
    BUSINESS_PLAN = "rencana_usaha", _("Rencana usaha (business plan)")


class ProposalStatus(models.TextChoices):
    DRAFT = "draf", _("Draf")
    SUBMITTED = "diajukan", _("Diajukan")
    APPROVED = "disetujui", _("Disetujui")
    REJECTED = "ditolak", _("Ditolak")
    DISBURSED = "dicairkan", _("Dicairkan")
