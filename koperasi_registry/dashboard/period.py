"""The year (and optional kecamatan) a dashboard page is read for, from its query string."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperatives.choices import Bentuk
from cooperatives.models import Cooperative, District, Regency
from cooperatives.forms import FastSelect
from cooperatives.selectors import office_districts
from cooperatives.status import StatusRules, recent_years, status_date

from ..access import office_scope
from ..scopes import NATIONAL, PROVINCE, REGENCY, Scope, default_scope


@dataclass(frozen=True)
class Period:
    """A dashboard year: this year is read today, a past one on 31 December
    (``cooperatives.status.status_date``); RAT compliance is for the book year that was the
    reference then; visits, assessments and targets are those of the year itself."""

    year: int
    today: datetime.date
    district: District | None = None
    # The office scope the figures cover (``access.office_scope(request.user)``), narrowed
    # to ``region`` (a province or kabupaten/kota inside it) on a drill-down.
    scope: Scope = field(default_factory=default_scope)
    region: str = ""

    def region_q(self, district_path: str):
        """``Q`` narrowing rows (reached through a path to their kecamatan) to the drilled-down
        ``region``; empty (the user's own scope already limits them) without one."""
        return self.scope.regency_q(f"{district_path}__regency") if self.region else Q()

    @cached_property
    def day(self) -> datetime.date:
        return status_date(year=self.year, today=self.today)

    @property
    def historical(self) -> bool:
        return self.day < self.today

    @cached_property
    def book_year(self) -> int:
        """The reference book year on ``day`` (primer deadline) for RAT compliance."""
        return StatusRules.from_settings().reference_year(today=self.day, bentuk=Bentuk.PRIMER)

    @cached_property
    def built_years(self) -> set[int] | None:
        """The years whose year-end rows are complete (``cooperatives.models.years.built_years``),
        read once a page and only for a past year (today is read live); else None."""
        from cooperatives.models.years import built_years

        return built_years() if self.historical else None

    @cached_property
    def data_versions(self) -> dict[str, int]:
        """Every table's version (``koperasi_registry.data_version``), read once a page: what
        the figures kept (``selectors.cache``) are checked against."""
        from koperasi_registry import data_version

        return data_version.current()

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def cooperatives(self, user):
        """The cooperatives ``user`` sees, registered on ``day``, with their status then."""
        queryset = Cooperative.objects.visible_to(user).with_status_on(self.day, today=self.today, built=self.built_years)
        if self.region:
            queryset = queryset.filter(self.region_q("village__district"))
        if self.district is not None:
            queryset = queryset.filter(village__district=self.district)
        return queryset

    @property
    def tab_query(self) -> str:
        """``year=…&district=…`` (and ``region=…``) carried from one dashboard page to the next."""
        return self._query({"year": self.year, "region": self.region or None}, None, {})

    def status_query(self, district_id=None, **params) -> str:
        """The query string of a cooperative list showing the statuses of this period."""
        return self._query({"year": self.year if self.historical else None}, district_id, params)

    def query(self, district_id=None, **params) -> str:
        """A query string with the kecamatan (this period's, unless given) and ``params``."""
        return self._query({}, district_id, params)

    def _query(self, base, district_id, params) -> str:
        district_id = district_id if district_id is not None else (self.district.pk if self.district else None)
        pairs = {**base, "district": district_id, **params}
        return urlencode([(key, value) for key, value in pairs.items() if value not in (None, "")], doseq=True)


class PeriodForm(forms.Form):
    """``?year=&district=`` of the dashboard pages; invalid input falls back to this year
    and the whole office, with the form's message shown."""

    year = forms.TypedChoiceField(label=_("Tahun"), coerce=int, required=False)
    district = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=District.objects.none(), required=False, empty_label=_("Semua kecamatan"),
        widget=FastSelect(attrs={"class": "form-select form-select-sm"}),
    )

    region = forms.ChoiceField(label=_("Wilayah"), required=False, widget=forms.Select(
        attrs={"class": "form-select form-select-sm", "data-autosubmit": ""}
    ))

    def __init__(self, data=None, *, today: datetime.date, scope: Scope, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today
        self.office = scope
        # The drill-down (``?region=``): a province or kabupaten/kota inside the user's scope;
        # the region picker lists the children of the scope read (kabupaten of a province,
        # provinces of the country), the kecamatan picker appears at kabupaten level.
        self.scope = scope.narrowed(str((data or {}).get("region", "")).strip())
        self.fields["year"].choices = [(year, str(year)) for year in recent_years(today=today)]
        if self.scope.level == REGENCY:
            self.fields["district"].queryset = office_districts(scope=self.scope)
        else:
            del self.fields["district"]
        if scope.level == REGENCY:
            del self.fields["region"]
        else:
            choices = child_regions(scope)
            if self.scope != scope:
                choices += child_regions(self.scope)
                if self.scope.code not in dict(choices):
                    choices.append((self.scope.code, self.scope.code))
            self.fields["region"].choices = [("", _("Seluruh wilayah kantor")), *choices]

    def period(self) -> Period:
        data = self.cleaned_data if self.is_valid() else {}
        scope = self.scope if data.get("region") else self.office
        return Period(
            year=data.get("year") or self.today.year, today=self.today, district=data.get("district"),
            scope=scope, region=data.get("region") or "",
        )


def child_regions(scope: Scope) -> list[tuple[str, str]]:
    """``(code, name)`` of the regions one level below ``scope``: the kabupaten/kota of a
    province, the provinces of the country (one query); none for a kabupaten."""
    if scope.level == PROVINCE:
        return list(Regency.objects.filter(province_code=scope.code).order_by("name").values_list("code", "name"))
    if scope.level == NATIONAL:
        return list(
            Regency.objects.order_by("province_name").values_list("province_code", "province_name").distinct()
        )
    return []


def period_from_request(request, *, today: datetime.date | None = None) -> tuple[Period, PeriodForm]:
    form = PeriodForm(request.GET or None, today=today or timezone.localdate(), scope=office_scope(request.user))
    return form.period(), form
