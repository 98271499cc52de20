"""Tables for the registry lists (django-tables2)."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .choices import Status
from .models import Cooperative
from .status import StatusRules, status_reason

STATUS_BADGES = {
    Status.BARU: "text-bg-info",
    Status.AKTIF: "text-bg-success",
    Status.KURANG_AKTIF: "text-bg-warning",
    Status.TIDAK_AKTIF: "text-bg-danger",
    Status.PEMBUBARAN: "text-bg-secondary",
    Status.DIBUBARKAN: "text-bg-dark",
}


def status_badge(status, reason=""):
    return format_html(
        '<span class="badge {}" title="{}" data-status="{}">{}</span>',
        STATUS_BADGES.get(status, "text-bg-light"),
        reason,
        status,
        Status(status).label,
    )


class CooperativeTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("Nama koperasi"), attrs={"td": {"style": "min-width: 12rem"}})
    nik = tables.Column(verbose_name=_("NIK"))
    village = tables.Column(verbose_name=_("Desa/kelurahan"), order_by=("village__name", "name"))
    district = tables.Column(
        accessor="village__district__name", verbose_name=_("Kecamatan"), order_by=("village__district__name", "name")
    )
    jenis = tables.Column(verbose_name=_("Jenis"))
    bentuk = tables.Column(verbose_name=_("Bentuk"))
    kelompok = tables.Column(verbose_name=_("Kelompok"), order_by=("kelompok__name", "name"))
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "name"))
    last_rat_year = tables.Column(verbose_name=_("RAT terakhir"), attrs={"td": {"class": "text-end"}})
    # Export only: the reason for the status and the rest of the identity.
    status_reason = tables.Column(empty_values=(), visible=False, orderable=False, verbose_name=_("Alasan status"))
    office_code = tables.Column(visible=False, verbose_name=_("Kode dinas"))
    founded_on = tables.Column(visible=False, verbose_name=_("Tanggal berdiri"))
    is_merah_putih = tables.BooleanColumn(visible=False, verbose_name=_("Merah Putih"))
    is_syariah = tables.BooleanColumn(visible=False, verbose_name=_("Syariah"))

    class Meta:
        model = Cooperative
        fields = ()
        sequence = (
            "name", "nik", "village", "district", "jenis", "bentuk", "kelompok", "status", "last_rat_year",
        )
        order_by = ("name",)
        empty_text = _("Tidak ada koperasi yang cocok.")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "cooperative-table"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = StatusRules.from_settings()
        self.today = timezone.localdate()

    def reason(self, record) -> str:
        return status_reason(
            status=record.status,
            founded=record.founded_on,
            last_rat_year=record.last_rat_year,
            reference_year=self.rules.reference_year(today=self.today, bentuk=record.bentuk),
            window=self.rules.window,
        )

    def render_status(self, value, record):
        return status_badge(value, self.reason(record))

    def value_status(self, value):
        return Status(value).label

    def render_status_reason(self, record):
        return self.reason(record)

    def value_village(self, record):
        return record.village.name

    def render_last_rat_year(self, value):
        return value

    def value_is_merah_putih(self, value):
        return _("Ya") if value else _("Tidak")

    def value_is_syariah(self, value):
        return _("Ya") if value else _("Tidak")

    def value_founded_on(self, value):
        return value.isoformat() if value else ""
