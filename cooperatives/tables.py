"""Tables for the registry lists (django-tables2)."""

from types import SimpleNamespace
from urllib.parse import urlencode

import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .choices import Bentuk, Jenis, Status
from .models import Cooperative, Village
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


class ValuesExportMixin:
    """Exports read plain values (``EXPORT_FIELDS``) for the same filtered, ordered rows and
    the same columns through ``export_readers()`` (column name -> reader of a values row):
    django-tables2 builds every exported cell through its per-cell machinery (about 1 s a
    thousand rows). A column without a reader falls back to that machinery."""

    EXPORT_FIELDS: tuple[str, ...] = ()

    def export_readers(self) -> dict:
        return {}

    def as_values(self, exclude_columns=None):
        slow = super().as_values(exclude_columns)
        header = next(slow)
        columns = [
            column.name
            for column in self.columns.iterall()
            if not (column.column.exclude_from_export or column.name in (exclude_columns or ()))
        ]
        readers = self.export_readers()
        queryset = getattr(self.data, "data", None)
        yield header
        if not isinstance(queryset, QuerySet) or not all(name in readers for name in columns):
            yield from slow
            return
        pick = [readers[name] for name in columns]
        for row in queryset.values(*self.EXPORT_FIELDS).iterator(chunk_size=2000):
            yield [read(row) for read in pick]


class CooperativeTable(ValuesExportMixin, tables.Table):
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

    def value_is_merah_putih(self, value):
        return _("Ya") if value else _("Tidak")

    def value_is_syariah(self, value):
        return _("Ya") if value else _("Tidak")

    def value_founded_on(self, value):
        return value.isoformat() if value else ""

    # --- Export (ValuesExportMixin) ------------------------------------------------------

    def export_readers(self):
        jenis, bentuk = dict(Jenis.choices), dict(Bentuk.choices)
        status = {value: str(label) for value, label in Status.choices}
        yes, no = str(_("Ya")), str(_("Tidak"))
        text = lambda field: lambda row: row[field] or ""  # noqa: E731
        return {
            "name": text("name"),
            "nik": text("nik"),
            "village": text("village__name"),
            "district": text("village__district__name"),
            "jenis": lambda row: str(jenis.get(row["jenis"], row["jenis"])),
            "bentuk": lambda row: str(bentuk.get(row["bentuk"], row["bentuk"])),
            "kelompok": text("kelompok__name"),
            "status": lambda row: status.get(row["status"], row["status"]),
            "last_rat_year": lambda row: row["last_rat_year"] if row["last_rat_year"] is not None else "",
            "status_reason": lambda row: self.reason(SimpleNamespace(**row)),
            "office_code": text("office_code"),
            "founded_on": lambda row: row["founded_on"].isoformat() if row["founded_on"] else "",
            "is_merah_putih": lambda row: yes if row["is_merah_putih"] else no,
            "is_syariah": lambda row: yes if row["is_syariah"] else no,
        }

    EXPORT_FIELDS = (
        "name", "nik", "village__name", "village__district__name", "jenis", "bentuk", "kelompok__name", "status",
        "last_rat_year", "founded_on", "office_code", "is_merah_putih", "is_syariah",
    )


# --- Village list -------------------------------------------------------------------------


def _cooperative_list_url(**params) -> str:
    return f"{reverse('cooperatives:cooperative_list')}?{urlencode({k: v for k, v in params.items() if v})}"


class VillageTable(ValuesExportMixin, tables.Table):
    """The office's villages with their cooperatives on a day (``selectors.village_list``).
    Each count links to the cooperative list showing exactly those cooperatives: ``year``
    (a past year, or None for today) is passed in by the view."""

    code = tables.Column(verbose_name=_("Kode"))
    name = tables.Column(verbose_name=_("Desa/kelurahan"), order_by=("name", "code"))
    kind = tables.Column(verbose_name=_("Jenis"), order_by=("kind", "name", "code"))
    district = tables.Column(
        accessor="district__name", verbose_name=_("Kecamatan"), order_by=("district__name", "name", "code")
    )
    cooperative_count = tables.Column(
        verbose_name=_("Koperasi"), order_by=("cooperative_count", "code"), attrs={"td": {"class": "text-end"}}
    )
    active_count = tables.Column(
        verbose_name=_("Aktif"), order_by=("active_count", "code"), attrs={"td": {"class": "text-end"}}
    )
    has_merah_putih = tables.Column(verbose_name=_("Ada Merah Putih"), order_by=("has_merah_putih", "code"))

    class Meta:
        model = Village
        fields = ()
        sequence = ("code", "name", "kind", "district", "cooperative_count", "active_count", "has_merah_putih")
        order_by = ("district",)
        empty_text = _("Tidak ada desa/kelurahan yang cocok.")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "village-table"}

    def __init__(self, *args, year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def render_cooperative_count(self, value, record):
        return format_html('<a href="{}">{}</a>', _cooperative_list_url(village=record.pk, year=self.year), value)

    def render_active_count(self, value, record):
        url = _cooperative_list_url(village=record.pk, status=Status.AKTIF, year=self.year)
        return format_html('<a href="{}">{}</a>', url, value)

    def render_has_merah_putih(self, value):
        if value:
            return format_html('<span class="badge text-bg-success">{}</span>', _("Ya"))
        return format_html('<span class="badge text-bg-light border">{}</span>', _("Tidak"))

    def value_cooperative_count(self, value):
        return value

    def value_active_count(self, value):
        return value

    def value_has_merah_putih(self, value):
        return _("Ya") if value else _("Tidak")

    # Export through ValuesExportMixin: a national install has 83,762 villages.
    EXPORT_FIELDS = ("code", "name", "kind", "district__name", "cooperative_count", "active_count", "has_merah_putih")

    def export_readers(self):
        kinds = {value: str(label) for value, label in Village.Kind.choices}
        yes, no = str(_("Ya")), str(_("Tidak"))
        return {
            "code": lambda row: row["code"],
            "name": lambda row: row["name"],
            "kind": lambda row: kinds.get(row["kind"], row["kind"]),
            "district": lambda row: row["district__name"],
            "cooperative_count": lambda row: row["cooperative_count"],
            "active_count": lambda row: row["active_count"],
            "has_merah_putih": lambda row: yes if row["has_merah_putih"] else no,
        }
