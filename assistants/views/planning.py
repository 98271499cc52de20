"""The office's plans: coaching targets, training and aid programmes, financing proposals.

``OfficeFormMixin`` is their one add/edit page (``templates/generic/object_form.html``)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, UpdateView
from django_tables2 import SingleTableMixin

from koperasi_registry.access import PermissionRequiredMixin, may_open, office_scope
from koperasi_registry.concurrency import VersionedFormViewMixin
from koperasi_registry.views import FilteredTableView

from .. import filtersets, plan_forms, plan_tables, programmes, services
from ..choices import VisitKind
from ..models import CoachingTarget, FinancingProposal, Programme


class CoachingTargetListView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "assistants.view_coachingtarget"
    filterset_class = filtersets.CoachingTargetFilterSet
    table_class = plan_tables.CoachingTargetTable
    title = _("Target pembinaan")
    export_name = "target-pembinaan"
    add_url_name = "assistants:target_add"

    def get_queryset(self):
        return programmes.target_list(user=self.request.user)


class CoachingTargetProgressView(PermissionRequiredMixin, DetailView):
    permission_required = "assistants.view_coachingtarget"
    template_name = "assistants/target_progress.html"
    context_object_name = "target"

    def get_queryset(self):
        return programmes.target_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        summary = programmes.target_progress(target=self.object, user=self.request.user)
        labels = dict(VisitKind.choices)
        return super().get_context_data(kind_labels=[labels[k] for k in summary["kinds"]], **summary, **kwargs)


class OfficeFormMixin(PermissionRequiredMixin):
    template_name = "generic/object_form.html"
    title = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, cancel_url=self.get_cancel_url(), **kwargs)

    def get_cancel_url(self):
        return self.object.get_absolute_url() if getattr(self, "object", None) else reverse(self.list_url_name)

    def form_valid(self, form):
        messages.success(self.request, gettext("Tersimpan."))
        return super().form_valid(form)


class CoachingTargetCreateView(OfficeFormMixin, CreateView):
    permission_required = "assistants.add_coachingtarget"
    model = CoachingTarget
    form_class = plan_forms.CoachingTargetForm
    title = _("Tambah target pembinaan")
    list_url_name = "assistants:target_list"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": office_scope(self.request.user)}


class CoachingTargetUpdateView(VersionedFormViewMixin, OfficeFormMixin, UpdateView):
    permission_required = "assistants.change_coachingtarget"
    model = CoachingTarget
    form_class = plan_forms.CoachingTargetForm
    title = _("Ubah target pembinaan")
    list_url_name = "assistants:target_list"

    def get_queryset(self):  # another office's target: 404
        return programmes.target_list(user=self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": office_scope(self.request.user)}


# --- Programmes --------------------------------------------------------------------------


class ProgrammeListView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "assistants.view_programme"
    filterset_class = filtersets.ProgrammeFilterSet
    table_class = plan_tables.ProgrammeTable
    title = _("Program pelatihan dan bantuan")
    export_name = "program"
    add_url_name = "assistants:programme_add"

    def get_queryset(self):
        return programmes.programme_list(user=self.request.user)


class ObjectDetailMixin(PermissionRequiredMixin):
    """A page of one programme or proposal on ``templates/generic/object_detail.html``: its
    name, "Ubah" for those who may open the edit page, the way back to the list."""

    edit_url_name = list_url_name = ""
    list_label = ""
    title_attribute = "name"

    def get_context_data(self, **kwargs):
        can_edit = may_open(self.request.user, self.edit_url_name)
        return super().get_context_data(
            title=getattr(self.object, self.title_attribute),
            can_edit=can_edit,
            edit_url=reverse(self.edit_url_name, args=[self.object.pk]) if can_edit else "",
            list_url=reverse(self.list_url_name),
            list_label=self.list_label,
            **kwargs,
        )


class ProgrammeDetailView(ObjectDetailMixin, SingleTableMixin, DetailView):
    """One programme: its figures and its participants the user sees (a table, 25 a page),
    each with a button to take it out where the user may change the programme."""

    permission_required = "assistants.view_programme"
    template_name = "assistants/programme_detail.html"
    context_object_name = "programme"
    edit_url_name, list_url_name = "assistants:programme_edit", "assistants:programme_list"
    list_label = _("Semua program")
    table_class = plan_tables.ProgrammeParticipantTable
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return programmes.programme_list(user=self.request.user)

    def read_only(self) -> bool:
        """A programme of an office containing the user's (a province's): read-only here."""
        return not office_scope(self.request.user).holds(self.object.office_code)

    def may_remove(self) -> bool:
        return not self.read_only() and may_open(self.request.user, "assistants:programme_participant_remove")

    def get_table_data(self):
        return programmes.programme_participants(programme=self.object, user=self.request.user)

    def get_table_kwargs(self):
        return {} if self.may_remove() else {"exclude": ("remove",)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(read_only=self.read_only(), may_remove=self.may_remove(), **kwargs)
        if context["read_only"]:
            context.update(can_edit=False, edit_url="")
        return context


class ProgrammeParticipantRemoveView(PermissionRequiredMixin, View):
    """POST ``participation=<id>``: take that cooperative out of the programme (one of the
    programme's participants the user sees, of a programme the user may change: else 404),
    and back to the page of participants it was sent from."""

    permission_required = "assistants.change_programme"

    def post(self, request, pk):
        user = request.user
        programme = get_object_or_404(Programme.objects.editable_by(user), pk=pk)
        form = plan_forms.ProgrammeParticipantRemoveForm(
            request.POST, participations=programmes.programme_participants(programme=programme, user=user)
        )
        if form.is_valid():
            participation = form.cleaned_data["participation"]
            services.programme_participant_remove(participation=participation)
            messages.success(
                request, gettext("%(cooperative)s dikeluarkan dari program.") % {"cooperative": participation.cooperative}
            )
        else:
            messages.error(request, gettext("Tidak ada peserta yang dikeluarkan: peserta itu tidak ditemukan."))
        target = request.POST.get("next")
        allowed = {request.get_host()}
        if not url_has_allowed_host_and_scheme(target, allowed_hosts=allowed, require_https=request.is_secure()):
            target = programme.get_absolute_url() + "#peserta"
        return redirect(target)


class ProgrammeFormMixin(OfficeFormMixin):
    model = Programme
    form_class = plan_forms.ProgrammeForm
    list_url_name = "assistants:programme_list"

    def get_queryset(self):  # another office's programme, or a wider office's: 404
        return Programme.objects.editable_by(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        # Adds the cooperatives chosen; none is removed (ProgrammeParticipantRemoveView does).
        self.object = services.programme_save(
            programme=form.save(commit=False), add=form.cleaned_data["participants"], user=self.request.user
        )
        messages.success(self.request, gettext("Tersimpan."))
        return redirect(self.object)


class ProgrammeCreateView(ProgrammeFormMixin, CreateView):
    permission_required = "assistants.add_programme"
    title = _("Tambah program")


class ProgrammeUpdateView(VersionedFormViewMixin, ProgrammeFormMixin, UpdateView):
    permission_required = "assistants.change_programme"
    title = _("Ubah program")


# --- Financing proposals -----------------------------------------------------------------


class FinancingProposalListView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "assistants.view_financingproposal"
    filterset_class = filtersets.FinancingProposalFilterSet
    table_class = plan_tables.FinancingProposalTable
    title = _("Proposal pembiayaan dan rencana usaha")
    export_name = "proposal"
    add_url_name = "assistants:proposal_add"

    def get_queryset(self):
        return programmes.proposal_list(user=self.request.user)


class FinancingProposalDetailView(ObjectDetailMixin, DetailView):
    permission_required = "assistants.view_financingproposal"
    template_name = "assistants/proposal_detail.html"
    context_object_name = "proposal"
    edit_url_name, list_url_name = "assistants:proposal_edit", "assistants:proposal_list"
    list_label = _("Semua proposal")
    title_attribute = "purpose"

    def get_queryset(self):
        return programmes.proposal_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            status_history=programmes.proposal_status_history(proposal=self.object),
            **kwargs,
        )


class ProposalFormMixin(OfficeFormMixin):
    model = FinancingProposal
    form_class = plan_forms.FinancingProposalForm
    list_url_name = "assistants:proposal_list"

    def get_queryset(self):
        return FinancingProposal.objects.visible_to(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        self.object = services.proposal_save(proposal=form.save(commit=False), user=self.request.user)
        messages.success(self.request, gettext("Tersimpan."))
        return redirect(self.object)


class FinancingProposalCreateView(ProposalFormMixin, CreateView):
    permission_required = "assistants.add_financingproposal"
    title = _("Tambah proposal pembiayaan")


class FinancingProposalUpdateView(VersionedFormViewMixin, ProposalFormMixin, UpdateView):
    permission_required = "assistants.change_financingproposal"
    title = _("Ubah proposal pembiayaan")
