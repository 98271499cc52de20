"""django-tables2 tables. Every count links to the filtered list behind it; ``value_*``
gives the export plain values where ``render_*`` gives HTML."""

from urllib.parse import urlencode

import django_tables2 as tables
from django.db.models import F
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Cooperative
from koperasi_registry.formatting import format_date, format_rupiah

from . import conf
from .choices import FollowUpStatus
from .models import Assignment, BusinessAssistant, CoachingVisit, FollowUp
from .presence import BADGE, Presence


def list_url(name, **params):
    return f"{reverse(name)}?{urlencode(params)}"


def count_link(url, value):
    return format_html('<a href="{}">{}</a>', url, value)


def person(user):
    return (user.get_full_name() or user.username) if user else ""


class DateColumn(tables.Column):
    def render(self, value):
        return format_date(value)

    def value(self, value):
        return value.isoformat() if value else ""


class MoneyColumn(tables.Column):
    attrs = {"td": {"class": "text-end text-nowrap"}}

    def render(self, value):
        return format_rupiah(value)

    def value(self, value):
        return value


class AssistantTable(tables.Table):
    name = tables.Column(
        verbose_name=_("Nama"), accessor="user", linkify=True, order_by=("user__first_name", "user__last_name")
    )
    phone = tables.Column(verbose_name=_("Telepon"))
    is_active = tables.BooleanColumn(verbose_name=_("Aktif"))
    current_assignments = tables.Column(verbose_name=_("Koperasi dampingan"), attrs={"td": {"class": "text-end"}})
    visits_this_year = tables.Column(verbose_name=_("Kunjungan tahun ini"), attrs={"td": {"class": "text-end"}})
    open_followups = tables.Column(verbose_name=_("Tindak lanjut terbuka"), attrs={"td": {"class": "text-end"}})
    last_visit = DateColumn(verbose_name=_("Kunjungan terakhir"))

    class Meta:
        model = BusinessAssistant
        fields = ()
        sequence = ("name", "phone", "is_active", "current_assignments", "visits_this_year", "open_followups", "last_visit")

    def render_name(self, value, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), person(value))

    def value_name(self, value):
        return person(value)

    def render_current_assignments(self, value, record):
        link = count_link(record.get_absolute_url() + "#penugasan", value)
        if value > conf.max_assignments():
            return format_html('{} <span class="badge text-bg-warning">{}</span>', link, _("melebihi batas"))
        return link

    def render_visits_this_year(self, value, record):
        return count_link(list_url("assistants:visit_list", assistant=record.pk), value)

    def render_open_followups(self, value, record):
        return count_link(list_url("assistants:followup_list", owner=record.user_id, status=FollowUpStatus.OPEN), value)

    def value_current_assignments(self, value):
        return value

    def value_visits_this_year(self, value):
        return value

    def value_open_followups(self, value):
        return value


class AssignmentTable(tables.Table):
    """One assistant's current assignments on their page (``selectors.assistant_assignments``),
    25 a page."""

    cooperative = tables.Column(
        verbose_name=_("Koperasi"), linkify=lambda record: record.cooperative.get_absolute_url(),
        order_by=("cooperative__name", "pk"),
    )
    district = tables.Column(
        verbose_name=_("Kecamatan"), accessor="cooperative__village__district",
        order_by=("cooperative__village__district__name", "cooperative__name"),
    )
    start_date = DateColumn(verbose_name=_("Sejak"), order_by=("start_date", "pk"))
    last_visit = DateColumn(verbose_name=_("Kunjungan terakhir"), order_by=("last_visit", "pk"))

    class Meta:
        model = Assignment
        fields = ()
        sequence = ("cooperative", "district", "start_date", "last_visit")
        empty_text = _("Belum ada penugasan.")


class VisitTable(tables.Table):
    visit_date = DateColumn(verbose_name=_("Tanggal"), linkify=True, order_by=("visit_date", "id"))
    cooperative = tables.Column(verbose_name=_("Koperasi"), linkify=True, order_by=("cooperative__name",))
    district = tables.Column(
        verbose_name=_("Kecamatan"), accessor="cooperative__village__district__name",
        order_by=("cooperative__village__district__name",),
    )
    kind = tables.Column(verbose_name=_("Jenis"))
    assistant = tables.Column(verbose_name=_("Pendamping"), order_by=("assistant__user__first_name",))
    topics = tables.ManyToManyColumn(verbose_name=_("Topik"), orderable=False)
    followup_count = tables.Column(verbose_name=_("Tindak lanjut"), attrs={"td": {"class": "text-end"}})
    findings = tables.Column(verbose_name=_("Temuan"), orderable=False, visible=False)
    # Proof of presence: the distance with its flag on screen; the export has the metres,
    # the flag and the phone's accuracy in their own columns.
    distance_m = tables.Column(
        verbose_name=_("Jarak"), empty_values=(), attrs={"td": {"class": "text-nowrap"}, "th": {"class": "text-nowrap"}}
    )
    presence = tables.Column(verbose_name=_("Kehadiran"), visible=False)
    location_accuracy = tables.Column(verbose_name=_("Akurasi lokasi (m)"), orderable=False, visible=False)

    class Meta:
        model = CoachingVisit
        fields = ()
        sequence = (
            "visit_date", "cooperative", "district", "kind", "assistant", "topics", "followup_count", "distance_m",
            "findings", "presence", "location_accuracy",
        )

    def render_distance_m(self, value, record):
        flag = Presence(record.presence)
        badge = format_html('<span class="badge {}" data-testid="presence">{}</span>', BADGE[flag], flag.label)
        return format_html("{} m {}", value, badge) if value is not None else badge

    def value_distance_m(self, value):
        return "" if value is None else value

    def order_distance_m(self, queryset, is_descending):
        distance = F("distance_m")
        order = distance.desc(nulls_last=True) if is_descending else distance.asc(nulls_last=True)
        return queryset.order_by(order, "-visit_date", "-id"), True

    def render_presence(self, value):
        return Presence(value).label

    def value_presence(self, value):
        return Presence(value).label

    def render_followup_count(self, value, record):
        return count_link(record.get_absolute_url() + "#tindak-lanjut", value)

    def value_followup_count(self, value):
        return value


class FollowUpTable(tables.Table):
    action = tables.Column(verbose_name=_("Tindak lanjut"), linkify=True)
    cooperative = tables.Column(
        verbose_name=_("Koperasi"), accessor="visit__cooperative", order_by=("visit__cooperative__name",)
    )
    district = tables.Column(
        verbose_name=_("Kecamatan"), accessor="visit__cooperative__village__district__name",
        order_by=("visit__cooperative__village__district__name",),
    )
    owner = tables.Column(verbose_name=_("Penanggung jawab"), order_by=("owner__first_name", "owner__username"))
    due_date = DateColumn(verbose_name=_("Batas waktu"), order_by=("due_date", "id"))
    status = tables.Column(verbose_name=_("Status"))
    is_overdue = tables.BooleanColumn(verbose_name=_("Terlambat"))
    visit = tables.Column(verbose_name=_("Dari kunjungan"), accessor="visit__visit_date", linkify=lambda record: record.visit.get_absolute_url())
    closed_on = DateColumn(verbose_name=_("Ditutup"))

    class Meta:
        model = FollowUp
        fields = ()
        sequence = ("action", "cooperative", "district", "owner", "due_date", "status", "is_overdue", "visit", "closed_on")
        row_attrs = {"class": lambda record: "table-danger" if record.is_overdue else ""}

    def render_owner(self, value):
        return person(value)

    def value_owner(self, value):
        return person(value)

    def render_visit(self, value):
        return format_date(value)

    def value_visit(self, value):
        return value.isoformat()

    def render_is_overdue(self, value):
        return format_html('<span class="badge text-bg-danger">{}</span>', _("Terlambat")) if value else ""

    def value_is_overdue(self, value):
        return "ya" if value else "tidak"


class MyCooperativeTable(tables.Table):
    name = tables.Column(verbose_name=_("Koperasi"), linkify=True)
    village = tables.Column(verbose_name=_("Desa/kelurahan"), order_by=("village__name",))
    district = tables.Column(
        verbose_name=_("Kecamatan"), accessor="village__district__name", order_by=("village__district__name",)
    )
    last_visit = DateColumn(verbose_name=_("Kunjungan terakhir"))
    open_followups = tables.Column(verbose_name=_("Tindak lanjut terbuka"), attrs={"td": {"class": "text-end"}})
    is_due = tables.BooleanColumn(verbose_name=_("Perlu dikunjungi"))
    log = tables.Column(verbose_name="", accessor="pk", orderable=False, exclude_from_export=True)

    class Meta:
        model = Cooperative
        fields = ()
        sequence = ("name", "village", "district", "last_visit", "open_followups", "is_due", "log")

    def render_open_followups(self, value, record):
        text = value
        if record.overdue_followups:
            text = format_html('{} <span class="badge text-bg-danger">{} {}</span>', value, record.overdue_followups, _("terlambat"))
        return count_link(
            list_url("assistants:followup_list", cooperative=record.pk, status=FollowUpStatus.OPEN), text
        )

    def value_open_followups(self, value):
        return value

    def render_is_due(self, value):
        return format_html('<span class="badge text-bg-warning">{}</span>', _("Perlu dikunjungi")) if value else ""

    def value_is_due(self, value):
        return "ya" if value else "tidak"

    def render_log(self, value):
        return format_html(
            '<a class="btn btn-sm btn-success text-nowrap" href="{}">{}</a>',
            list_url("assistants:visit_add", cooperative=value), _("Catat kunjungan"),
        )


class CoverageTable(tables.Table):
    """Cooperatives with their coaching in one year (``selectors.coverage_list``): the visit
    count links to the visit list of that cooperative and year; ``year`` comes from the view."""

    name = tables.Column(verbose_name=_("Koperasi"), linkify=True, order_by=("name", "pk"))
    district = tables.Column(
        verbose_name=_("Kecamatan"), accessor="village__district__name", order_by=("village__district__name", "name")
    )
    village = tables.Column(verbose_name=_("Desa/kelurahan"), accessor="village__name", order_by=("village__name", "name"))
    year_visits = tables.Column(
        verbose_name=_("Kunjungan tahun itu"), order_by=("year_visits", "name"), attrs={"td": {"class": "text-end"}}
    )
    last_visit = DateColumn(verbose_name=_("Kunjungan terakhir"), order_by=("last_visit", "name"))
    assistants = tables.Column(
        verbose_name=_("Pendamping tahun itu"), accessor="pk", orderable=False, empty_values=()
    )

    class Meta:
        model = Cooperative
        fields = ()
        sequence = ("name", "district", "village", "year_visits", "last_visit", "assistants")
        order_by = ("name",)
        empty_text = _("Tidak ada koperasi yang cocok.")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "coverage-table"}

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def render_year_visits(self, value, record):
        url = list_url(
            "assistants:visit_list", cooperative=record.pk,
            visit_date_after=f"{self.year}-01-01", visit_date_before=f"{self.year}-12-31",
        )
        return count_link(url, value)

    def value_year_visits(self, value):
        return value

    @staticmethod
    def _assistant_names(record) -> list[str]:
        names = []
        for assignment in record.year_assignments:  # prefetched: the assignments overlapping the year
            name = person(assignment.assistant.user)
            if name not in names:
                names.append(name)
        return names

    def render_assistants(self, record):
        return ", ".join(self._assistant_names(record)) or "–"

    def value_assistants(self, record):
        return ", ".join(self._assistant_names(record))
