"""Coaching visits: list, detail, the (phone) visit form, its open follow-ups, attachments."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView

from koperasi_registry.access import PermissionRequiredMixin, can
from koperasi_registry.views import FilteredTableView

from .. import filtersets, forms, selectors, services, tables
from ..models import CoachingVisit, VisitAttachment


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def invalid_summary(form, formset) -> dict:
    """``{"errors": {field: [messages]}, "message": "Label: message; ..."}`` of a refused
    visit form and its follow-up formset (field names as posted, e.g. ``tl-0-due_date``)."""
    errors: dict[str, list[str]] = {}
    lines = []
    for bound_form in [form, *formset.forms]:
        for name, messages_ in bound_form.errors.items():
            key = bound_form.add_prefix(name) if name != "__all__" else "__all__"
            errors.setdefault(key, []).extend(str(m) for m in messages_)
            field = bound_form.fields.get(name)
            label = f"{field.label}: " if field is not None and field.label else ""
            lines.extend(f"{label}{m}" for m in messages_)
    for message in formset.non_form_errors():
        errors.setdefault("__all__", []).append(str(message))
        lines.append(str(message))
    summary = "; ".join(lines) or gettext("Isian kunjungan ditolak server.")
    return {"errors": errors, "message": gettext("Ditolak server: %(reasons)s") % {"reasons": summary}}


class VisitListView(PermissionRequiredMixin, FilteredTableView):
    permission_required = "assistants.view_coachingvisit"
    filterset_class = filtersets.VisitFilterSet
    table_class = tables.VisitTable
    template_name = "assistants/visit_list.html"
    title = _("Kunjungan pembinaan")
    export_name = "kunjungan"
    add_url_name = "assistants:visit_add"

    def get_queryset(self):
        return selectors.visit_list(user=self.request.user)


class VisitDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "assistants.view_coachingvisit"
    template_name = "assistants/visit_detail.html"
    context_object_name = "visit"

    def get_queryset(self):
        return selectors.visit_detail_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            can_edit=CoachingVisit.objects.editable_by(user).filter(pk=self.object.pk).exists(),
            can_close=can(user, "assistants.change_followup"),
            close_form=forms.FollowUpCloseForm(),
            today=timezone.localdate(),
            **kwargs,
        )


class VisitFormMixin(PermissionRequiredMixin):
    template_name = "assistants/visit_form.html"

    def render_form(self, form, formset, status=200):
        context = {
            "form": form,
            "followup_formset": formset,
            "title": self.title,
            "visit": getattr(self, "object", None),
            "cancel_url": self.cancel_url(),
        }
        return render(self.request, self.template_name, context, status=status)

    def cancel_url(self):
        return reverse("assistants:visit_list")

    def invalid(self, form, formset):
        if wants_json(self.request):
            # The page's script then submits the form the ordinary way to show the errors; an
            # outbox entry sent later keeps "message" and "errors" to show on the outbox page.
            return JsonResponse({"status": "invalid", **invalid_summary(form, formset)}, status=400)
        return self.render_form(form, formset)

    def files(self, form):
        return {"photos": form.cleaned_data.get("photos") or [], "documents": form.cleaned_data.get("documents") or []}


class VisitCreateView(VisitFormMixin, View):
    """Log a visit. A POST carrying a ``submission_id`` already saved returns that visit
    (``"duplicate": true``) instead of saving it twice."""

    permission_required = "assistants.add_coachingvisit"
    title = _("Catat kunjungan")

    def get(self, request):
        initial = {}
        cooperative = request.GET.get("cooperative")
        if cooperative and cooperative.isdigit():
            initial["cooperative"] = int(cooperative)
        form = forms.VisitForm(user=request.user, initial=initial)
        return self.render_form(form, forms.new_followup_formset(user=request.user))

    def post(self, request):
        existing = self.already_saved(request.POST.get("submission_id"))
        if existing is not None:
            return self.saved(existing, created=False)
        form = forms.VisitForm(request.POST, request.FILES, user=request.user)
        formset = forms.new_followup_formset(user=request.user, data=request.POST)
        if not (form.is_valid() and formset.is_valid()):
            return self.invalid(form, formset)
        try:
            visit, created = services.visit_log(
                user=request.user,
                submission_id=form.cleaned_data["submission_id"],
                fields=form.visit_fields(),
                topics=form.cleaned_data["topics"],
                officers=form.cleaned_data.get("officers") or [],
                new_followups=formset.items(),
                close_followups=form.cleaned_data["close_followups"],
                **self.files(form),
            )
        except ValidationError as error:  # e.g. the id was taken by someone else meanwhile
            form.add_service_error(error)
            return self.invalid(form, formset)
        return self.saved(visit, created=created)

    def already_saved(self, submission_id):
        try:
            value = uuid.UUID(str(submission_id))
        except (TypeError, ValueError):
            return None
        return selectors.visit_by_submission(user=self.request.user, submission_id=value)

    def saved(self, visit, *, created):
        url = visit.get_absolute_url()
        if wants_json(self.request):
            return JsonResponse(
                {"status": "saved", "duplicate": not created, "id": visit.pk, "url": url},
                status=201 if created else 200,
            )
        messages.success(self.request, gettext("Tersimpan.") if created else gettext("Kunjungan ini sudah tersimpan sebelumnya."))
        return redirect(url)


class VisitUpdateView(VisitFormMixin, View):
    permission_required = "assistants.change_coachingvisit"
    title = _("Ubah kunjungan")

    def get_object(self):
        return get_object_or_404(CoachingVisit.objects.editable_by(self.request.user), pk=self.kwargs["pk"])

    def cancel_url(self):
        return self.object.get_absolute_url()

    def get(self, request, pk):
        self.object = self.get_object()
        form = forms.VisitForm(instance=self.object, user=request.user)
        return self.render_form(form, forms.new_followup_formset(user=request.user))

    def post(self, request, pk):
        self.object = self.get_object()
        form = forms.VisitForm(request.POST, request.FILES, instance=self.object, user=request.user)
        formset = forms.new_followup_formset(user=request.user, data=request.POST)
        if not (form.is_valid() and formset.is_valid()):
            return self.invalid(form, formset)
        try:
            with transaction.atomic():
                if not form.check_version():  # saved by someone else since this page was loaded
                    return self.invalid(form, formset)
                visit = form.save(commit=False)
                if not form.office and visit.assistant_id is None:
                    visit.assistant = form.own_assistant
                services.visit_update(
                    visit=visit,
                    user=request.user,
                    topics=form.cleaned_data["topics"],
                    officers=form.cleaned_data["officers"] if "officers" in form.fields else visit.officers.all(),
                    new_followups=formset.items(),
                    close_followups=form.cleaned_data["close_followups"],
                    **self.files(form),
                )
        except ValidationError as error:  # a rule only the save sees: shown, never a 500
            form.add_service_error(error)
            return self.invalid(form, formset)
        if wants_json(request):
            return JsonResponse({"status": "saved", "duplicate": False, "id": visit.pk, "url": visit.get_absolute_url()})
        messages.success(request, gettext("Tersimpan."))
        return redirect(visit)


class VisitOpenFollowUpsView(PermissionRequiredMixin, View):
    """The open follow-ups of the cooperative picked on the visit form (fetched by the
    form's script when the cooperative changes)."""

    permission_required = "assistants.add_coachingvisit"

    def get(self, request):
        form = forms.VisitForm(user=request.user, initial={"cooperative": request.GET.get("cooperative")})
        return render(request, "assistants/_open_followups.html", {"form": form})


class VisitAttachmentView(PermissionRequiredMixin, View):
    """Photos and documents are served only to those who may see the visit."""

    permission_required = "assistants.view_visitattachment"
    def get(self, request, pk):
        attachment = get_object_or_404(
            VisitAttachment.objects.filter(visit__in=CoachingVisit.objects.visible_to(request.user).values("pk")), pk=pk
        )
        return FileResponse(attachment.file.open("rb"), as_attachment=not attachment.is_image, filename=str(attachment))
