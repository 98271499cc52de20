"""FilterSets: free text ``q``, foreign keys by id (choices scoped to the user), choices,
date ranges."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField
from django_filters.widgets import DateRangeWidget

from koperasi_registry.widgets import BoundedSelect, SearchSelect
from cooperatives.models import Cooperative
from cooperatives.status import recent_years
from koperasi_registry.access import office_scope

from . import selectors
from .choices import AidKind, Funding, FollowUpStatus, ProgrammeKind, ProposalKind, ProposalStatus, VisitKind
from .forms import PROGRAMMES_AS_SELECT, office_users
from .models import (
    BusinessAssistant, CoachingTarget, CoachingVisit, FinancingProposal, FollowUp, Programme, ProgrammeParticipation, VisitTopic,
)
from .presence import Presence

YES_NO = [("true", _("Ya")), ("false", _("Tidak"))]
# Kecamatan: a select of a kabupaten's (< 100), a search field beyond (7,285 nationally).
DISTRICT_PICKER = BoundedSelect("search_districts", limit=100)


def _cooperatives(request):
    # Only what the option shows (the name): a few hundred rows of a wide model.
    return Cooperative.objects.visible_to(request.user).only("pk", "name") if request else Cooperative.objects.none()


def _districts(request):
    return selectors.district_choices(scope=office_scope(getattr(request, "user", None)))


def _assistants(request):
    return BusinessAssistant.objects.visible_to(request.user).select_related("user") if request else BusinessAssistant.objects.none()


def _programmes(request):
    return Programme.objects.visible_to(request.user) if request else Programme.objects.none()


def _owners(request):
    return office_users(scope=office_scope(getattr(request, "user", None)))


class UserField(ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class UserChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = UserField


def date_range(field_name, label):
    return django_filters.DateFromToRangeFilter(
        field_name=field_name, label=label, widget=DateRangeWidget(attrs={"type": "date"})
    )


class SearchMixin:
    search_fields: tuple[str, ...] = ()

    def search(self, queryset, name, value):
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(query) if value.strip() else queryset


class AssistantFilterSet(SearchMixin, django_filters.FilterSet):
    search_fields = ("user__first_name", "user__last_name", "user__username", "phone")
    q = django_filters.CharFilter(method="search", label=_("Cari"))
    is_active = django_filters.BooleanFilter(label=_("Aktif"), widget=forms.Select(choices=[("", "---------"), *YES_NO]))

    class Meta:
        model = BusinessAssistant
        fields = ["q", "is_active"]


class VisitFilterSet(SearchMixin, django_filters.FilterSet):
    search_fields = ("cooperative__name", "findings", "people_met", "recommendations")
    q = django_filters.CharFilter(method="search", label=_("Cari"))
    cooperative = django_filters.ModelChoiceFilter(queryset=_cooperatives, widget=SearchSelect("search_cooperatives"), label=_("Koperasi"))
    district = django_filters.ModelChoiceFilter(
        field_name="cooperative__village__district", queryset=_districts, label=_("Kecamatan"), widget=DISTRICT_PICKER,
    )
    kind = django_filters.ChoiceFilter(choices=VisitKind.choices, label=_("Jenis kunjungan"))
    assistant = django_filters.ModelChoiceFilter(queryset=_assistants, widget=SearchSelect("search_assistants"), label=_("Pendamping"))
    topic = django_filters.ModelChoiceFilter(
        queryset=VisitTopic.objects.all(), label=_("Topik"), method="filter_topic"
    )  # an EXISTS over the topics, not a join and DISTINCT over every visit column
    programme = django_filters.ModelChoiceFilter(
        queryset=_programmes, label=_("Program"), widget=BoundedSelect("search_programmes", limit=PROGRAMMES_AS_SELECT)
    )
    visit_date = date_range("visit_date", _("Tanggal kunjungan"))
    presence = django_filters.ChoiceFilter(choices=Presence.choices, label=_("Kehadiran"))

    class Meta:
        model = CoachingVisit
        fields = ["q", "cooperative", "district", "kind", "assistant", "topic", "programme", "visit_date", "presence"]

    def __init__(self, data=None, queryset=None, **kwargs):
        # "Kehadiran" and the list's distance column read the flag as SQL (``with_presence``).
        queryset = (CoachingVisit.objects.all() if queryset is None else queryset).with_presence()
        super().__init__(data, queryset, **kwargs)

    def filter_topic(self, queryset, name, value):
        through = CoachingVisit.topics.through
        return queryset.filter(Exists(through.objects.filter(coachingvisit=OuterRef("pk"), visittopic=value)))


class FollowUpFilterSet(SearchMixin, django_filters.FilterSet):
    """Opens on the open follow-ups: with no filter in the query string the status is
    ``terbuka``; choosing "Semua" (an empty status) lists every status."""

    search_fields = ("action", "visit__cooperative__name")
    q = django_filters.CharFilter(method="search", label=_("Cari"))
    status = django_filters.ChoiceFilter(choices=FollowUpStatus.choices, label=_("Status"), empty_label=_("Semua"))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label=_("Lewat batas waktu"), widget=forms.Select(choices=[("", "---------"), *YES_NO])
    )
    # The kecamatan and cooperative each follow-up carries (kept by its save and signals): no join.
    district = django_filters.ModelChoiceFilter(
        field_name="district", queryset=_districts, label=_("Kecamatan"), widget=DISTRICT_PICKER,
    )
    cooperative = django_filters.ModelChoiceFilter(
        field_name="cooperative", queryset=_cooperatives, widget=SearchSelect("search_cooperatives"), label=_("Koperasi")
    )
    owner = UserChoiceFilter(queryset=_owners, widget=SearchSelect("search_users"), label=_("Penanggung jawab"))
    due_date = date_range("due_date", _("Batas waktu"))

    class Meta:
        model = FollowUp
        fields = ["q", "status", "overdue", "district", "cooperative", "owner", "due_date"]

    DEFAULTS = {"status": FollowUpStatus.OPEN}

    def __init__(self, data=None, *args, **kwargs):
        names = self.base_filters
        # No filter given (no query string, or a sort, a page or an export only): the defaults.
        self.defaulted = not any(key == n or key.startswith(f"{n}_") for key in (data or {}) for n in names)
        if self.defaulted:
            data = QueryDict(mutable=True) if data is None else data.copy()
            data.update(self.DEFAULTS)
        super().__init__(data, *args, **kwargs)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(is_overdue=value)


class MyCooperativeFilterSet(SearchMixin, django_filters.FilterSet):
    search_fields = ("name", "village__name", "village__district__name")
    q = django_filters.CharFilter(method="search", label=_("Cari"))
    is_due = django_filters.BooleanFilter(
        label=_("Perlu dikunjungi"), widget=forms.Select(choices=[("", "---------"), *YES_NO])
    )

    class Meta:
        model = Cooperative
        fields = ["q", "is_due"]


class CoachingTargetFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Tahun"))
    district = django_filters.ModelChoiceFilter(queryset=_districts, label=_("Kecamatan"), widget=DISTRICT_PICKER)

    class Meta:
        model = CoachingTarget
        fields = ["year", "district"]


class ProgrammeFilterSet(SearchMixin, django_filters.FilterSet):
    search_fields = ("name", "description")
    q = django_filters.CharFilter(method="search", label=_("Cari"))
    kind = django_filters.ChoiceFilter(choices=ProgrammeKind.choices, label=_("Jenis program"))
    aid_kind = django_filters.ChoiceFilter(choices=AidKind.choices, label=_("Bentuk bantuan"))
    funding = django_filters.ChoiceFilter(choices=Funding.choices, label=_("Sumber dana"))
    year = django_filters.NumberFilter(label=_("Tahun anggaran"))
    cooperative = django_filters.ModelChoiceFilter(
        queryset=_cooperatives, widget=SearchSelect("search_cooperatives"), label=_("Koperasi peserta"), method="filter_participant"
    )  # an EXISTS over the participations, not a join and DISTINCT

    class Meta:
        model = Programme
        fields = ["q", "kind", "aid_kind", "funding", "year", "cooperative"]

    def filter_participant(self, queryset, name, value):
        return queryset.filter(Exists(ProgrammeParticipation.objects.filter(programme=OuterRef("pk"), cooperative=value)))


class FinancingProposalFilterSet(SearchMixin, django_filters.FilterSet):
    search_fields = ("purpose", "lender", "cooperative__name")
    q = django_filters.CharFilter(method="search", label=_("Cari"))
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=ProposalKind.choices, label=_("Jenis dokumen"))
    cooperative = django_filters.ModelChoiceFilter(queryset=_cooperatives, widget=SearchSelect("search_cooperatives"), label=_("Koperasi"))
    district = django_filters.ModelChoiceFilter(
        field_name="cooperative__village__district", queryset=_districts, label=_("Kecamatan"), widget=DISTRICT_PICKER,
    )
    assistant = django_filters.ModelChoiceFilter(queryset=_assistants, widget=SearchSelect("search_assistants"), label=_("Pendamping"))
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Dicatat"), widget=DateRangeWidget(attrs={"type": "date"})
    )

    class Meta:
        model = FinancingProposal
        fields = ["q", "status", "kind", "cooperative", "district", "assistant", "created_at"]


# --- Coaching coverage ---------------------------------------------------------------------

COVERAGE_CHOICES = [
    (selectors.COACHED, _("Dibina (memenuhi syarat pembinaan)")),
    (selectors.NOT_COACHED, _("Belum dibina (koperasi berjalan)")),
    (selectors.VISITED, _("Dikunjungi")),
    (selectors.ASSIGNED_UNVISITED, _("Didampingi tetapi belum dikunjungi")),
]


def _coverage_years():
    return [(year, str(year)) for year in recent_years(today=timezone.localdate())]


def coverage_year(data) -> int:
    """The valid ``year`` of the coverage list's query string; this year if none or invalid
    (an invalid one also fails the filter form, which then shows its error and no rows)."""
    years = recent_years(today=timezone.localdate())
    value = data.get("year", "")
    return int(value) if value.isdigit() and int(value) in years else years[0]


class CoverageFilterSet(SearchMixin, django_filters.FilterSet):
    """Filters of ``assistants:coverage_list``; ``year`` (this year unless chosen) is read
    by the view for the columns and by ``coverage``."""

    search_fields = ("name", "village__name")
    q = django_filters.CharFilter(method="search", label=_("Cari"))
    year = django_filters.ChoiceFilter(method="no_op", choices=_coverage_years, empty_label=None, label=_("Tahun"))
    district = django_filters.ModelChoiceFilter(
        field_name="village__district", queryset=_districts, label=_("Kecamatan"), empty_label=_("Semua"),
        widget=DISTRICT_PICKER,
    )
    coverage = django_filters.ChoiceFilter(
        method="filter_coverage", choices=COVERAGE_CHOICES, label=_("Cakupan"), empty_label=_("Semua")
    )

    class Meta:
        model = Cooperative
        fields = ["q", "year", "district", "coverage"]

    def no_op(self, queryset, name, value):
        return queryset

    def filter_coverage(self, queryset, name, value):
        year = int(self.form.cleaned_data.get("year") or coverage_year({}))
        return selectors.coverage_filter(queryset, user=self.request.user, year=year, coverage=value)
