"""The office's villages and their cooperative coverage: the list the dashboard's "villages
without an active cooperative" and "without a Merah Putih cooperative" link to."""

from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy

from koperasi_registry.access import PermissionRequiredMixin, office_scope
from koperasi_registry.views import FilteredTableView

from . import selectors
from .filtersets import VillageFilterSet, status_year
from .status import status_date
from .tables import VillageTable


class VillageListView(PermissionRequiredMixin, FilteredTableView):
    """Villages with their cooperatives, Aktif ones and Merah Putih on a day: today, or
    31 December of a past ``year`` (as the cooperative list's ``year`` filter reads it)."""

    permission_required = "cooperatives.view_village_coverage"
    filterset_class = VillageFilterSet
    table_class = VillageTable
    template_name = "cooperatives/village_list.html"
    title = gettext_lazy("Desa/kelurahan")
    export_name = "desa-kelurahan"

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def year(self) -> int | None:
        return status_year(self.request.GET)

    @cached_property
    def day(self):
        return status_date(year=self.year, today=self.today)

    def get_queryset(self):
        return selectors.village_list(day=self.day, today=self.today, scope=office_scope(self.request.user))

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "year": self.year}

    def get_context_data(self, **kwargs):
        return super().get_context_data(day=self.day, historical=self.day < self.today, **kwargs)
