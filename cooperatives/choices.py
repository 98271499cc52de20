from django.db import models
from django.utils.translation import gettext_lazy as _


class VillageKind(models.TextChoices):
    """First digit of the village part of a Kemendagri code: 1, 2 or 3."""

    KELURAHAN = "kelurahan", _("Kelurahan")
    DESA = "desa", _("Desa")
    DESA_ADAT = "desa_adat", _("Desa adat")


class Jenis(models.TextChoices):
    """Cooperative type (UU 25/1992, Permenkop 9/2018)."""

    SIMPAN_PINJAM = "simpan_pinjam", _("Simpan Pinjam")
    KONSUMEN = "konsumen", _("Konsumen")
    PRODUSEN = "produsen", _("Produsen")
    PEMASARAN = "pemasaran", _("Pemasaran")
    JASA = "jasa", _("Jasa")


class Bentuk(models.TextChoices):
    PRIMER = "primer", _("Primer")
    SEKUNDER = "sekunder", _("Sekunder")


class Lifecycle(models.TextChoices):
    """The only state typed by hand: dissolution, with its decree (SK)."""

    BERJALAN = "berjalan", _("Berjalan")
    PEMBUBARAN = "pembubaran", _("Dalam proses pembubaran")
    DIBUBARKAN = "dibubarkan", _("Dibubarkan")


class Status(models.TextChoices):
    """Derived status (domain brief section 5); see ``cooperatives.status``."""

    BARU = "baru", _("Baru")
    AKTIF = "aktif", _("Aktif")
    KURANG_AKTIF = "kurang_aktif", _("Kurang aktif")
    TIDAK_AKTIF = "tidak_aktif", _("Tidak aktif")
    PEMBUBARAN = "pembubaran", _("Dalam proses pembubaran")
    DIBUBARKAN = "dibubarkan", _("Dibubarkan")


class RatAttachmentKind(models.TextChoices):
    BERITA_ACARA = "berita_acara", _("Berita acara RAT")
    DAFTAR_HADIR = "daftar_hadir", _("Daftar hadir")
    LPJ = "lpj", _("Laporan pertanggungjawaban pengurus")
    NERACA = "neraca", _("Neraca")
    PHU = "phu", _("Perhitungan hasil usaha")
    LAPORAN_PENGAWAS = "laporan_pengawas", _("Laporan pengawas")
    LAINNYA = "lainnya", _("Lainnya")
