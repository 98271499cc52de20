"""Reports: an assistant's monthly report and the coaching coverage list."""

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from koperasi_registry.access import PermissionRequiredMixin
from koperasi_registry.views import FilteredTableView

from .. import conf, filtersets, forms, reports, selectors, tables
from ..choices import VisitKind


class MonthlyReportView(PermissionRequiredMixin, View):
    """An assistant's visits of one month, grouped by cooperative, with findings and
    follow-ups: printable, and as XLSX with ``?_export=xlsx``."""

    permission_required = "assistants.view_monthly_report"

    def get(self, request):
        user = request.user
        own = selectors.assistant_for_user(user)
        this_month = timezone.localdate().replace(day=1)
        submitted = "assistant" in request.GET or "month" in request.GET
        if not submitted and own is None:
            # First open by an office user: nothing chosen yet, so nothing to complain about.
            form = forms.MonthlyReportForm(initial={"month": this_month}, user=user)
            return render(request, "assistants/monthly_report.html", {"form": form, "title": gettext("Laporan bulanan pendamping")})
        data = request.GET.copy()
        if "assistant" not in data and own is not None:
            data["assistant"] = str(own.pk)
        if "month" not in data:
            data["month"] = this_month.strftime("%Y-%m")
        form = forms.MonthlyReportForm(data, user=user)
        context = {"form": form, "title": gettext("Laporan bulanan pendamping")}
        if not form.is_valid():
            if "assistant" in form.errors and request.GET.get("assistant"):
                raise Http404  # someone else's assistant, or no such assistant
            return render(request, "assistants/monthly_report.html", context)
        assistant = form.cleaned_data["assistant"]
        month: datetime.date = form.cleaned_data["month"]
        visits = selectors.monthly_report(user=user, assistant=assistant, year=month.year, month=month.month)
        if request.GET.get("_export") == "xlsx":
            content = reports.monthly_report_xlsx(assistant=assistant, month=month, visits=visits)
            response = HttpResponse(
                content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            response["Content-Disposition"] = f'attachment; filename="laporan-bulanan-{assistant.pk}-{month:%Y-%m}.xlsx"'
            return response
        context.update(assistant=assistant, month=month, visits=visits)
        return render(request, "assistants/monthly_report.html", context)


class CoverageListView(PermissionRequiredMixin, FilteredTableView):
    """Cooperatives coached, not coached, visited, or assigned but not visited in a year:
    the list behind the dashboard's coaching figures."""

    permission_required = "assistants.view_coverage"
    filterset_class = filtersets.CoverageFilterSet
    table_class = tables.CoverageTable
    template_name = "assistants/coverage_list.html"
    title = _("Cakupan pendampingan")
    export_name = "cakupan-pendampingan"

    def get_year(self) -> int:
        return filtersets.coverage_year(self.request.GET)

    def get_queryset(self):
        return selectors.coverage_list(user=self.request.user, year=self.get_year())

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "year": self.get_year()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            year=self.get_year(), min_visits=conf.coached_min_visits(),
            coached_kinds=[VisitKind(kind).label for kind in conf.coached_visit_kinds()], **kwargs,
        )
