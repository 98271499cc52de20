"""The office's plans: coaching targets, training and aid programmes, financing proposals.

``OfficeFormMixin`` is their one add/edit page (``templates/generic/object_form.html``)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, UpdateView

from koperasi_registry.access import PermissionRequiredMixin, may_open, office_scope
from koperasi_registry.concurrency import VersionedFormViewMixin
from koperasi_registry.views import FilteredTableView

from .. import filtersets, forms, programmes, selectors, services, tables
from ..choices import VisitKind
from ..models import CoachingTarget, FinancingProposal, Programme


class CoachingTargetListView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "assistants.view_coachingtarget"
    filterset_class = filtersets.CoachingTargetFilterSet
    table_class = tables.CoachingTargetTable
    title = _("Target pembinaan")
    export_name = "target-pembinaan"
    add_url_name = "assistants:target_add"

    def get_queryset(self):
        return selectors.target_list(user=self.request.user)


class CoachingTargetProgressView(PermissionRequiredMixin, DetailView):
    permission_required = "assistants.view_coachingtarget"
    template_name = "assistants/target_progress.html"
    context_object_name = "target"

    def get_queryset(self):
        return selectors.target_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        summary = selectors.target_progress(target=self.object, user=self.request.user)
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
        messages.success(self.request, _t("Tersimpan."))
        return super().form_valid(form)


class CoachingTargetCreateView(OfficeFormMixin, CreateView):
    permission_required = "assistants.add_coachingtarget"
    model = CoachingTarget
    form_class = forms.CoachingTargetForm
    title = _("Tambah target pembinaan")
    list_url_name = "assistants:target_list"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": office_scope(self.request.user)}


class CoachingTargetUpdateView(VersionedFormViewMixin, OfficeFormMixin, UpdateView):
    permission_required = "assistants.change_coachingtarget"
    model = CoachingTarget
    form_class = forms.CoachingTargetForm
    title = _("Ubah target pembinaan")
    list_url_name = "assistants:target_list"

    def get_queryset(self):  # another office's target: 404
        return selectors.target_list(user=self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": office_scope(self.request.user)}


# --- Programmes --------------------------------------------------------------------------


class ProgrammeListView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "assistants.view_programme"
    filterset_class = filtersets.ProgrammeFilterSet
    table_class = tables.ProgrammeTable
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


class ProgrammeDetailView(ObjectDetailMixin, DetailView):
    permission_required = "assistants.view_programme"
    template_name = "assistants/programme_detail.html"
    context_object_name = "programme"
    edit_url_name, list_url_name = "assistants:programme_edit", "assistants:programme_list"
    list_label = _("Semua program")

    def get_queryset(self):
        return programmes.programme_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(
            participants=programmes.programme_participants(programme=self.object, user=user),
            **kwargs,
        )
        # A programme of an office containing the user's (a province's): read-only here.
        context["read_only"] = not office_scope(user).holds(self.object.office_code)
        if context["read_only"]:
            context.update(can_edit=False, edit_url="")
        return context


class ProgrammeFormMixin(OfficeFormMixin):
    model = Programme
    form_class = forms.ProgrammeForm
    list_url_name = "assistants:programme_list"

    def get_queryset(self):  # another office's programme, or a wider office's: 404
        return Programme.objects.editable_by(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        self.object = services.programme_save(
            programme=form.save(commit=False), cooperatives=form.cleaned_data["participants"]
        )
        messages.success(self.request, _t("Tersimpan."))
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
    table_class = tables.FinancingProposalTable
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
    form_class = forms.FinancingProposalForm
    list_url_name = "assistants:proposal_list"

    def get_queryset(self):
        return FinancingProposal.objects.visible_to(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        self.object = services.proposal_save(proposal=form.save(commit=False), user=self.request.user)
        messages.success(self.request, _t("Tersimpan."))
        return redirect(self.object)


class FinancingProposalCreateView(ProposalFormMixin, CreateView):
    permission_required = "assistants.add_financingproposal"
    title = _("Tambah proposal pembiayaan")


class FinancingProposalUpdateView(VersionedFormViewMixin, ProposalFormMixin, UpdateView):
    permission_required = "assistants.change_financingproposal"
    title = _("Ubah proposal pembiayaan")
