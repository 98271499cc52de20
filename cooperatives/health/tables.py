"""The assessment list table (django-tables2)."""

import django_tables2 as tables
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from koperasi_registry.formatting import format_date

from .models import HealthAssessment

RANK_BADGES = {1: "text-bg-success", 2: "text-bg-primary", 3: "text-bg-warning", 4: "text-bg-danger"}


def category_badge(category: str, rank: int):
    return format_html(
        '<span class="badge text-wrap text-start {}" data-category="{}">{}</span>', RANK_BADGES.get(rank, "text-bg-dark"), category, category
    )


class AssessmentTable(tables.Table):
    year = tables.Column(verbose_name=_("Tahun buku"), order_by=("year", "id"))  # matches an index
    cooperative = tables.Column(
        linkify=lambda record: record.get_absolute_url(),
        verbose_name=_("Koperasi"),
        order_by=("cooperative__name", "-year"),
        attrs={"td": {"class": "text-wrap"}},
    )
    district = tables.Column(
        accessor="cooperative__village__district__name",
        verbose_name=_("Kecamatan"),
        order_by=("cooperative__village__district__name", "cooperative__name"),
    )
    jenis = tables.Column(
        accessor="cooperative__jenis", verbose_name=_("Jenis"), order_by=("cooperative__jenis", "cooperative__name")
    )
    instrument = tables.Column(verbose_name=_("Instrumen"), order_by=("instrument__name", "instrument__version"))
    total = tables.Column(verbose_name=_("Nilai"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    category = tables.Column(verbose_name=_("Kategori"), order_by=("category_rank", "category"))
    assessed_on = tables.Column(verbose_name=_("Tanggal penilaian"))
    assessor = tables.Column(verbose_name=_("Penilai"), order_by=("assessor__first_name", "assessor__username"))

    class Meta:
        model = HealthAssessment
        fields = ()
        sequence = (
            "year", "cooperative", "district", "jenis", "instrument", "total", "category", "assessed_on", "assessor",
        )
        order_by = ("-year",)
        empty_text = _("Belum ada penilaian kesehatan yang cocok.")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "assessment-table"}

    def render_jenis(self, record):
        label = record.cooperative.get_jenis_display()
        return f"{label} ({_('syariah')})" if record.cooperative.is_syariah else label

    def value_jenis(self, record):
        return self.render_jenis(record)

    def render_total(self, value, record):
        return format_html(
            '{} <small class="text-body-secondary">/ {}</small>', floatformat(value, "-2"), floatformat(record.max_total, "-2")
        )

    def value_total(self, value):
        return value

    def render_category(self, value, record):
        return category_badge(value, record.category_rank)

    def value_category(self, value):
        return value

    def render_assessed_on(self, value):
        return format_date(value)

    def value_assessed_on(self, value):
        return value.isoformat()

    def render_assessor(self, value):
        return value.get_full_name() or value.username

    def value_instrument(self, value):
        return str(value)

