"""Filters for the registry lists (django-filter)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koperasi_registry.access import office_scope
from koperasi_registry.scopes import REGENCY

from .choices import Bentuk, Jenis, Status, VillageKind
from koperasi_registry.widgets import BoundedSelect, SearchSelect

from .forms import GroupedVillageIterator, VillageChoiceField
from .health.filtersets import latest_health_category_filter
from .models import Cooperative, Kelompok, RatFiling, Village
from .selectors import office_districts, office_villages
from .status import DUE_COMPLIANCE, Compliance, recent_years

YES_NO = [("", _("Semua")), ("true", _("Ya")), ("false", _("Tidak"))]
DUE = "due"
COMPLIANCE_CHOICES = [(DUE, _("Wajib RAT")), *[(c.value, c.label) for c in DUE_COMPLIANCE]]


def _status_years():
    return [(year, str(year)) for year in recent_years(today=timezone.localdate())[1:]]


def status_year(data) -> int | None:
    """The valid past ``year`` of a list's query string (the ``year`` filter), else None."""
    value = data.get("year", "")
    years = recent_years(today=timezone.localdate())[1:]
    return int(value) if value.isdigit() and int(value) in years else None


def _scope(request):
    """The office scope of the request's user (the default office without a request)."""
    return office_scope(getattr(request, "user", None))


def _districts(request):
    return office_districts(scope=_scope(request))


def _villages(request):
    return office_villages(scope=_scope(request))


class ShownVillageIterator(GroupedVillageIterator):
    """Only the villages the filter form should list (``field.shown``), while validation
    still accepts any village of the office."""

    def __iter__(self):
        # Read at render time: the widget keeps this iterator from before the form set ``shown``.
        if self.field.shown is not None:
            self.queryset = self.field.queryset.filter(self.field.shown)
        yield from super().__iter__()


class VillageFilterField(VillageChoiceField):
    iterator = ShownVillageIterator
    shown = None  # a Q narrowing the options shown; None lists every office village


class VillageFilter(django_filters.ModelChoiceFilter):
    field_class = VillageFilterField


class CooperativeFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        if (data.get("rat_filed") is not None or data.get("rat_compliance")) and not data.get("rat_year"):
            self.add_error("rat_year", _("Isi tahun buku untuk saringan RAT."))
        return data


class CooperativeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Cari"), widget=forms.TextInput(
        attrs={"placeholder": _("Nama, NIK atau kode dinas"), "type": "search"}
    ))
    district = django_filters.ModelChoiceFilter(
        field_name="village__district", queryset=_districts, label=_("Kecamatan"), empty_label=_("Semua"),
        widget=BoundedSelect("search_districts", limit=100),  # a kabupaten's < 100; 7,285 nationally: a search field
    )
    village = VillageFilter(
        queryset=_villages, label=_("Desa/kelurahan"), empty_label=_("Semua"),
        widget=SearchSelect("search_villages", depends=("district",)),  # a desa search within the kecamatan
    )
    year = django_filters.ChoiceFilter(
        method="no_op", choices=_status_years, label=_("Status per akhir tahun"),
        empty_label=_("Hari ini"),
    )  # read by the view: the status (and who was registered) at the end of a past year
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, label=_("Status"), widget=forms.SelectMultiple(attrs={"size": 3}),
        distinct=False,  # the status is an annotation, no join multiplies rows: no SELECT DISTINCT
    )
    jenis = django_filters.ChoiceFilter(choices=Jenis.choices, label=_("Jenis"), empty_label=_("Semua"))
    bentuk = django_filters.ChoiceFilter(choices=Bentuk.choices, label=_("Bentuk"), empty_label=_("Semua"))
    kelompok = django_filters.ModelChoiceFilter(
        queryset=Kelompok.objects.order_by("name"), label=_("Kelompok"), empty_label=_("Semua")
    )
    is_merah_putih = django_filters.BooleanFilter(label=_("Merah Putih"), widget=forms.Select(choices=YES_NO))
    is_syariah = django_filters.BooleanFilter(label=_("Syariah"), widget=forms.Select(choices=YES_NO))
    health = latest_health_category_filter()
    rat_year = django_filters.NumberFilter(
        method="no_op", label=_("Tahun buku RAT"), min_value=1945, max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    rat_filed = django_filters.BooleanFilter(
        method="filter_rat_filed", label=_("Sudah RAT untuk tahun buku itu"), widget=forms.Select(choices=YES_NO)
    )
    rat_compliance = django_filters.ChoiceFilter(
        method="filter_rat_compliance", choices=COMPLIANCE_CHOICES, label=_("Kepatuhan RAT tahun buku itu"),
        empty_label=_("Semua"),
    )

    class Meta:
        model = Cooperative
        form = CooperativeFilterForm
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.form.fields["village"].shown = self.shown_villages(data or {}, scope=_scope(self.request))

    @staticmethod
    def shown_villages(data, *, scope):
        """The village select lists the chosen kecamatan's villages; with none chosen, a
        kabupaten office lists all of its own (a few hundred), while a provincial or
        national install (83,762 villages) lists only the one already selected."""
        district, village = data.get("district"), data.get("village")
        if district and str(district).isdigit():
            return Q(district_id=int(district)) | Q(pk=int(village) if str(village).isdigit() else 0)
        if scope.level == REGENCY:
            return None
        return Q(pk=int(village) if str(village).isdigit() else 0)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(nik__icontains=value) | Q(office_code__icontains=value)
        )

    def no_op(self, queryset, name, value):
        return queryset  # read by the RAT filters below

    def filter_rat_filed(self, queryset, name, value):
        year = self.form.cleaned_data.get("rat_year")
        filed = Exists(RatFiling.objects.filter(cooperative=OuterRef("pk"), book_year=year))
        return queryset.filter(filed if value else ~filed)

    def filter_rat_compliance(self, queryset, name, value):
        year = self.form.cleaned_data.get("rat_year")
        queryset = queryset.with_rat_compliance(book_year=int(year))
        if value == DUE:
            return queryset.filter(rat_compliance__in=DUE_COMPLIANCE)
        return queryset.filter(rat_compliance=Compliance(value))


# --- Village list ---------------------------------------------------------------------------

WITHOUT_ACTIVE = "without_active"
WITHOUT_MERAH_PUTIH = "without_merah_putih"
VILLAGE_COVERAGE_CHOICES = [
    (WITHOUT_ACTIVE, _("Tanpa koperasi aktif")),
    (WITHOUT_MERAH_PUTIH, _("Tanpa koperasi Merah Putih")),
]


class VillageFilterSet(django_filters.FilterSet):
    """Filters of ``cooperatives:village_list``; ``coverage`` reads the ``village_flags``
    annotations, ``year`` is read by the view (the day the flags and counts are taken)."""

    q = django_filters.CharFilter(method="search", label=_("Cari"), widget=forms.TextInput(
        attrs={"placeholder": _("Nama atau kode desa/kelurahan"), "type": "search"}
    ))
    district = django_filters.ModelChoiceFilter(
        queryset=_districts, label=_("Kecamatan"), empty_label=_("Semua"),
        widget=BoundedSelect("search_districts", limit=100),
    )
    kind = django_filters.ChoiceFilter(choices=VillageKind.choices, label=_("Jenis"), empty_label=_("Semua"))
    coverage = django_filters.ChoiceFilter(
        method="filter_coverage", choices=VILLAGE_COVERAGE_CHOICES, label=_("Cakupan"), empty_label=_("Semua"),
    )
    year = django_filters.ChoiceFilter(
        method="no_op", choices=_status_years, label=_("Keadaan per akhir tahun"), empty_label=_("Hari ini"),
    )

    class Meta:
        model = Village
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__contains=value))

    def no_op(self, queryset, name, value):
        return queryset

    def filter_coverage(self, queryset, name, value):
        if value == WITHOUT_ACTIVE:
            return queryset.filter(has_active=False)
        if value == WITHOUT_MERAH_PUTIH:
            return queryset.filter(has_merah_putih=False)
        return queryset
