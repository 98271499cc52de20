"""Shared view building blocks: every list is a queryset, a FilterSet, a Table, a template."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from .access import may_open
from .export_jobs import export_job_create
from .exports import SafeTableExport


class FilteredTableView(ExportMixin, SingleTableMixin, FilterView):
    """A filterable, sortable, paginated list that exports the filtered rows as CSV/XLSX.

    Subclasses set ``filterset_class``, ``table_class``, ``title`` and ``get_queryset``
    (a selector that applies ``visible_to``). ``?_export=csv`` or ``?_export=xlsx``
    downloads every filtered row, not only the page on screen. A list longer than
    ``EXPORT_INLINE_MAX_ROWS`` is exported by the worker instead (``export_jobs``): the
    user is sent to the export job's page, which offers the file once it is written.
    """

    template_name = "generic/object_list.html"
    table_pagination = {"per_page": 25}  # not paginate_by: that paginates twice
    export_formats = ("csv", "xlsx")
    export_class = SafeTableExport  # text typed by users never runs as a formula
    strict = True  # invalid filter input: no rows and the form's errors, never a 500
    title = ""
    add_url_name = None  # a URL name shown as the "Tambah" button when the user may open it
    export_name = "data"

    # Set by the worker (``export_jobs.export_job_run``): called with the table to export.
    export_writer = None

    def create_export(self, export_format):
        table = self.get_table(**self.get_table_kwargs())
        if self.export_writer is not None:
            self.export_writer(table, self.exclude_columns)
            return HttpResponse(status=204)
        if len(table.data) > settings.EXPORT_INLINE_MAX_ROWS:
            job = export_job_create(
                user=self.request.user, view_name=self.request.resolver_match.view_name,
                query=self.request.GET, export_format=export_format, title=str(self.title),
                filename=self.get_export_filename(export_format), total=len(table.data),
            )
            return redirect(job)
        exporter = self.export_class(
            export_format=export_format, table=table, exclude_columns=self.exclude_columns,
            dataset_kwargs=self.get_dataset_kwargs(),
        )
        return exporter.response(filename=self.get_export_filename(export_format))

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
            if self.add_url_name and may_open(user, self.add_url_name)
            else None
        )
        context["export_formats"] = self.export_formats
        context["active_filters"] = self.active_filter_count()
        return context
