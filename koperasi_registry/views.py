"""Shared view building blocks: every list is a queryset, a FilterSet, a Table, a template."""

from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from .exports import SafeTableExport


class FilteredTableView(ExportMixin, SingleTableMixin, FilterView):
    """A filterable, sortable, paginated list that exports the filtered rows as CSV/XLSX.

    Subclasses set ``filterset_class``, ``table_class``, ``title`` and ``get_queryset``
    (a selector that applies ``visible_to``). ``?_export=csv`` or ``?_export=xlsx``
    downloads every filtered row, not only the page on screen.
    """

    template_name = "generic/object_list.html"
    table_pagination = {"per_page": 25}  # not paginate_by: that paginates twice
    export_formats = ("csv", "xlsx")
    export_class = SafeTableExport  # text typed by users never runs as a formula
    strict = True  # invalid filter input: no rows and the form's errors, never a 500
    title = ""
    add_url_name = None  # a URL name shown as the "Tambah" button when the user may add
    add_permission = None
    export_name = "data"

    def get_export_filename(self, export_format):
        return f"{self.export_name}-{timezone.localdate():%Y%m%d}.{export_format}"

    def active_filter_count(self) -> int:
        """How many filters the user has set (shown on the folded filter panel)."""
        names = set(self.filterset_class.base_filters) if self.filterset_class else set()
        return sum(
            1
            for key, values in self.request.GET.lists()
            if any(values) and any(key == name or key.startswith(f"{name}_") for name in names)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["title"] = self.title
        context["add_url_name"] = (
            self.add_url_name
            if self.add_url_name and (not self.add_permission or user.has_perm(self.add_permission))
            else None
        )
        context["export_formats"] = self.export_formats
        context["active_filters"] = self.active_filter_count()
        return context
