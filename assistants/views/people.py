"""Assistants: the office's list, one assistant's page, and a Pendamping's own cooperatives."""

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView
from django_tables2 import SingleTableMixin

from koperasi_registry.access import PermissionRequiredMixin
from koperasi_registry.views import FilteredTableView

from .. import coaching, conf, filtersets, selectors, tables


class AssistantListView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "assistants.view_assistant_list"
    filterset_class = filtersets.AssistantFilterSet
    table_class = tables.AssistantTable
    template_name = "assistants/assistant_list.html"
    title = _("Pendamping koperasi")
    export_name = "pendamping"

    def get_queryset(self):
        return selectors.assistant_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(max_assignments=conf.max_assignments(), **kwargs)


class AssistantDetailView(PermissionRequiredMixin, SingleTableMixin, DetailView):
    """One assistant: their figures, their current assignments (a table, 25 a page) and
    their latest visits."""

    permission_required = "assistants.view_businessassistant"
    template_name = "assistants/assistant_detail.html"
    context_object_name = "assistant"
    table_class = tables.AssignmentTable
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return selectors.assistant_list(user=self.request.user)

    def get_table_data(self):
        return selectors.assistant_assignments(assistant=self.object, user=self.request.user)

    def get_context_data(self, **kwargs):
        assistant = self.object
        user = self.request.user
        maximum = conf.max_assignments()
        return super().get_context_data(
            recent_visits=selectors.visit_list(user=user).filter(assistant=assistant)[:10],
            overloaded=coaching.assignment_overload(current=assistant.current_assignments, maximum=maximum),
            max_assignments=maximum,
            this_month=timezone.localdate().strftime("%Y-%m"),
            **kwargs,
        )


class MyCooperativesView(PermissionRequiredMixin, FilteredTableView):
    """An assistant's assigned cooperatives: last visit, open follow-ups, visit due."""

    permission_required = "assistants.view_own_cooperatives"
    filterset_class = filtersets.MyCooperativeFilterSet
    table_class = tables.MyCooperativeTable
    template_name = "assistants/my_cooperatives.html"
    title = _("Koperasi saya")
    export_name = "koperasi-saya"

    def get_queryset(self):
        # Those due for a visit first (never visited, then the longest unvisited), as on the
        # home page (``today.due_cooperatives``); the table's column sorting overrides it.
        return selectors.my_cooperatives(user=self.request.user).order_by(
            F("is_due").desc(), F("last_visit").asc(nulls_first=True), "name", "pk"
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(interval_days=conf.visit_interval_days(), **kwargs)
