"""Field work without a signal (README, "Kerja lapangan tanpa sinyal"): the outbox page
(rendered in the browser from IndexedDB by static/js/outbox_page.js) and the JSON the
service worker keeps for offline use: the user's cooperatives with their open follow-ups."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from cooperatives.models import Cooperative
from koperasi_registry.access import PermissionRequiredMixin, is_pendamping

from .. import forms
from ..models import FollowUp


class OutboxView(PermissionRequiredMixin, View):
    """The visits waiting on this device. The server knows nothing of them: the page is a
    shell that the script fills from the browser's IndexedDB (so it works offline too)."""

    permission_required = "assistants.add_coachingvisit"

    def get(self, request):
        return render(request, "pwa/outbox.html", {"title": _("Kotak keluar")})


class OfflineDataView(PermissionRequiredMixin, View):
    """``{"user": id, "cooperatives": [{id, name, village, open_followups: [...]}]}``: a
    Pendamping's assigned cooperatives (``visible_to``) with their open follow-ups, labelled
    as the visit form labels them. Office roles get an empty list (they see the whole
    office: the list would grow with the registry). Two queries after the session's."""

    permission_required = "assistants.add_coachingvisit"

    def get(self, request):
        user = request.user
        cooperatives = []
        if is_pendamping.test(user):
            rows = list(
                Cooperative.objects.visible_to(user).select_related("village").order_by("name", "pk")
            )
            by_cooperative: dict[int, list] = {row.pk: [] for row in rows}
            label = forms.OpenFollowUpField(queryset=FollowUp.objects.none()).label_from_instance
            followups = (
                FollowUp.objects.visible_to(user).open()
                .filter(visit__cooperative__in=[row.pk for row in rows])
                .select_related("owner", "visit")
                .order_by("due_date", "id")
            ) if rows else []
            for followup in followups:
                by_cooperative[followup.visit.cooperative_id].append(
                    {"id": followup.pk, "label": str(label(followup)), "due_date": followup.due_date.isoformat()}
                )
            cooperatives = [
                {
                    "id": row.pk,
                    "name": row.name,
                    "village": row.village.name if row.village_id else "",
                    "open_followups": by_cooperative[row.pk],
                }
                for row in rows
            ]
        response = JsonResponse(
            {"user": user.pk, "generated": timezone.now().isoformat(), "cooperatives": cooperatives}
        )
        response["Cache-Control"] = "private, no-cache"
        return response
