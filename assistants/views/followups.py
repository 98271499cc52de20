"""Follow-ups: the list and closing one."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from koperasi_registry.access import PermissionRequiredMixin
from koperasi_registry.views import FilteredTableView

from .. import filtersets, forms, selectors, services, tables
from ..models import FollowUp


class FollowUpListView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "assistants.view_followup"
    filterset_class = filtersets.FollowUpFilterSet
    table_class = tables.FollowUpTable
    template_name = "assistants/followup_list.html"
    title = _("Tindak lanjut")
    export_name = "tindak-lanjut"

    def get_queryset(self):
        # Soonest due first (overdue ones on top); the table's column sorting overrides it.
        return selectors.followup_list(user=self.request.user).order_by("due_date", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = selectors.followup_summary(followups=selectors.followup_list(user=self.request.user))
        return context


class FollowUpCloseView(PermissionRequiredMixin, View):
    permission_required = "assistants.change_followup"

    def post(self, request, pk):
        followup = get_object_or_404(FollowUp.objects.visible_to(request.user).open(), pk=pk)
        form = forms.FollowUpCloseForm(request.POST)
        if form.is_valid():
            services.followup_close(
                followup=followup, user=request.user, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
            messages.success(request, gettext("Tindak lanjut ditutup."))
        else:
            messages.error(request, gettext("Tindak lanjut belum ditutup: pilih hasilnya."))
        target = request.POST.get("next")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = followup.get_absolute_url()
        return redirect(target)
