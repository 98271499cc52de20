"""django-tables2 tables of the office's plans: coaching targets, programmes and their
participants, financing proposals (the helpers and other tables: ``tables``)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import CoachingTarget, FinancingProposal, Programme, ProgrammeParticipation
from .tables import DateColumn, MoneyColumn, count_link, list_url


class CoachingTargetTable(tables.Table):
    year = tables.Column(verbose_name=_("Tahun"), linkify=True)
    office_code = tables.Column(verbose_name=_("Kantor"), default=_("Nasional"))  # named from the scope's code
    district = tables.Column(verbose_name=_("Kecamatan"), default=_("Seluruh wilayah kantor"), order_by=("district__name",))
    target_count = tables.Column(verbose_name=_("Target koperasi"), attrs={"td": {"class": "text-end"}})
    notes = tables.Column(verbose_name=_("Catatan"), orderable=False)

    class Meta:
        model = CoachingTarget
        fields = ()
        sequence = ("year", "office_code", "district", "target_count", "notes")

    def render_office_code(self, value, record):
        """``Kabupaten Sintang``, ``Provinsi Kalimantan Barat`` (the selector's names; the
        code where the regions are not loaded)."""
        if getattr(record, "office_regency", None):
            return record.office_regency
        if getattr(record, "office_province", None):
            return _("Provinsi %(name)s") % {"name": record.office_province}
        return value

    def value_office_code(self, value, record):
        return f"{self.render_office_code(value, record)} ({value})"


class ProgrammeTable(tables.Table):
    name = tables.Column(verbose_name=_("Program"), linkify=True)
    kind = tables.Column(verbose_name=_("Jenis"))
    aid_kind = tables.Column(verbose_name=_("Bentuk bantuan"))
    funding = tables.Column(verbose_name=_("Sumber dana"))
    year = tables.Column(verbose_name=_("Tahun"))
    budget = MoneyColumn(verbose_name=_("Anggaran"))
    participant_count = tables.Column(verbose_name=_("Peserta"), attrs={"td": {"class": "text-end"}})
    monitoring_visit_count = tables.Column(verbose_name=_("Kunjungan monev"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Programme
        fields = ()
        sequence = ("name", "kind", "aid_kind", "funding", "year", "budget", "participant_count", "monitoring_visit_count")

    def render_participant_count(self, value, record):
        return count_link(record.get_absolute_url() + "#peserta", value)

    def render_monitoring_visit_count(self, value, record):
        return count_link(list_url("assistants:visit_list", programme=record.pk), value)

    def value_participant_count(self, value):
        return value

    def value_monitoring_visit_count(self, value):
        return value


class ProgrammeParticipantTable(tables.Table):
    """A programme's participants on its page (``programmes.programme_participants``), 25 a
    page, each with its monitoring visits. ``remove``: a button per row posting to
    ``programme_participant_remove`` (the page wraps the table in that form); left out where
    the user may not change the programme."""

    cooperative = tables.Column(
        verbose_name=_("Koperasi"), linkify=lambda record: record.cooperative.get_absolute_url(),
        order_by=("cooperative__name", "pk"),
    )
    district = tables.Column(
        verbose_name=_("Kecamatan"), accessor="cooperative__village__district",
        order_by=("cooperative__village__district__name", "cooperative__name", "pk"),
    )
    aid_received = tables.Column(verbose_name=_("Bantuan diterima"), order_by=("aid_received", "pk"))
    monitoring_visits = tables.Column(
        verbose_name=_("Kunjungan monev"), attrs={"td": {"class": "text-end"}}, order_by=("monitoring_visits", "pk")
    )
    last_monitoring = DateColumn(verbose_name=_("Terakhir"), order_by=("last_monitoring", "pk"))
    remove = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta:
        model = ProgrammeParticipation
        fields = ()
        sequence = ("cooperative", "district", "aid_received", "monitoring_visits", "last_monitoring", "remove")
        empty_text = _("Belum ada peserta.")

    def render_monitoring_visits(self, value, record):
        return count_link(
            list_url("assistants:visit_list", programme=record.programme_id, cooperative=record.cooperative_id), value
        )

    def value_monitoring_visits(self, value):
        return value

    def render_remove(self, record):
        return format_html(
            '<button type="submit" name="participation" value="{}" class="btn btn-sm btn-outline-danger" '
            'aria-label="{}" data-confirm="{}">{}</button>',
            record.pk, _("Keluarkan %(cooperative)s dari program") % {"cooperative": record.cooperative},
            _("Keluarkan %(cooperative)s dari program ini? Keikutsertaannya tetap tercatat di riwayat program.")
            % {"cooperative": record.cooperative},
            _("Keluarkan"),
        )


class FinancingProposalTable(tables.Table):
    purpose = tables.Column(verbose_name=_("Tujuan"), linkify=True)
    cooperative = tables.Column(verbose_name=_("Koperasi"), linkify=True, order_by=("cooperative__name",))
    district = tables.Column(
        verbose_name=_("Kecamatan"), accessor="cooperative__village__district__name",
        order_by=("cooperative__village__district__name",),
    )
    kind = tables.Column(verbose_name=_("Jenis"))
    assistant = tables.Column(verbose_name=_("Pendamping"), order_by=("assistant__user__first_name",))
    amount = MoneyColumn(verbose_name=_("Nilai"))
    lender = tables.Column(verbose_name=_("Pemberi dana"))
    status = tables.Column(verbose_name=_("Status"))
    submitted_on = DateColumn(verbose_name=_("Diajukan"))

    class Meta:
        model = FinancingProposal
        fields = ()
        sequence = ("purpose", "cooperative", "district", "kind", "assistant", "amount", "lender", "status", "submitted_on")
