"""The year (and optional kecamatan) a dashboard page is read for, from its query string."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperatives.choices import Bentuk
from cooperatives.models import Cooperative, District
from cooperatives.forms import FastSelect
from cooperatives.selectors import office_districts
from cooperatives.status import StatusRules, recent_years, status_date

from ..access import office_scope
from ..scopes import Scope, default_scope


@dataclass(frozen=True)
class Period:
    """A dashboard year: this year is read today, a past one on 31 December
    (``cooperatives.status.status_date``); RAT compliance is for the book year that was the
    reference then; visits, assessments and targets are those of the year itself."""

    year: int
    today: datetime.date
    district: District | None = None
    # The office scope the figures cover (``access.office_scope(request.user)``).
    scope: Scope = field(default_factory=default_scope)

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

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def cooperatives(self, user):
        """The cooperatives ``user`` sees, registered on ``day``, with their status then."""
        queryset = Cooperative.objects.visible_to(user).with_status_on(self.day, today=self.today)
        if self.district is not None:
            queryset = queryset.filter(village__district=self.district)
        return queryset

    @property
    def tab_query(self) -> str:
        """``year=…&district=…`` carried from one dashboard page to the next."""
        return self._query({"year": self.year}, None, {})

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

    def __init__(self, data=None, *, today: datetime.date, scope: Scope, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today
        self.scope = scope
        self.fields["year"].choices = [(year, str(year)) for year in recent_years(today=today)]
        self.fields["district"].queryset = office_districts(scope=scope)

    def period(self) -> Period:
        data = self.cleaned_data if self.is_valid() else {}
        return Period(
            year=data.get("year") or self.today.year, today=self.today, district=data.get("district"), scope=self.scope
        )


def period_from_request(request, *, today: datetime.date | None = None) -> tuple[Period, PeriodForm]:
    form = PeriodForm(request.GET or None, today=today or timezone.localdate(), scope=office_scope(request.user))
    return form.period(), form
