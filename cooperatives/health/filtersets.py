"""Filters for the assessment list, and a ready-made "latest health category" filter for
the registry's cooperative list (see ``latest_health_category_filter``)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from koperasi_registry.access import office_scope

from ..choices import Jenis
from ..models import District
from .models import HealthAssessment, HealthInstrument
from .selectors import health_category_choices, with_latest_health_category

from koperasi_registry.widgets import BoundedSelect


def _category_choices():
    return health_category_choices()


def _districts(request):
    return District.objects.filter(office_scope(getattr(request, "user", None)).code_q()).order_by("name")


def _instruments(request):
    return HealthInstrument.objects.order_by("name", "-version")


def filter_latest_health_category(queryset, name, value):
    """django-filter ``method`` for cooperatives: keep those whose latest assessment has category ``value``."""
    if not value:
        return queryset
    return with_latest_health_category(queryset).filter(latest_health_category=value)


def latest_health_category_filter(**kwargs):
    """A filter to add to a cooperative FilterSet: ``health = latest_health_category_filter()``."""
    options = {"label": _("Kategori kesehatan terakhir"), "empty_label": _("Semua")}
    options.update(kwargs)
    return django_filters.ChoiceFilter(choices=_category_choices, method=filter_latest_health_category, **options)


class AssessmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Cari"),
        widget=forms.TextInput(attrs={"placeholder": _("Nama koperasi atau NIK"), "type": "search"}),
    )
    year = django_filters.NumberFilter(
        label=_("Tahun buku"), min_value=1945, max_value=2100, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    category = django_filters.ChoiceFilter(choices=_category_choices, label=_("Kategori"), empty_label=_("Semua"))
    instrument = django_filters.ModelChoiceFilter(queryset=_instruments, label=_("Instrumen"), empty_label=_("Semua"))
    district = django_filters.ModelChoiceFilter(
        field_name="cooperative__village__district", queryset=_districts, label=_("Kecamatan"), empty_label=_("Semua"),
        widget=BoundedSelect("search_districts", limit=100),  # a search field beyond a kabupaten
    )
    jenis = django_filters.ChoiceFilter(
        field_name="cooperative__jenis", choices=Jenis.choices, label=_("Jenis"), empty_label=_("Semua")
    )
    assessed_on = django_filters.DateFromToRangeFilter(
        label=_("Tanggal penilaian (dari–sampai)"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = HealthAssessment
        fields = ["q", "year", "category", "instrument", "district", "jenis", "assessed_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read the category labels once per request (validation and rendering both need them).
        self.filters["category"].extra["choices"] = health_category_choices()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(cooperative__name__icontains=value) | Q(cooperative__nik__icontains=value))

