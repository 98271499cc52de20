"""Forms of the office's plans: yearly coaching targets, programmes and their participants,
financing proposals. Every choice list is scoped to the user (``forms`` holds the visit form)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Cooperative
from cooperatives.permissions import sees_whole_office
from koperasi_registry import access
from koperasi_registry.concurrency import VersionedModelForm
from koperasi_registry.formfields import PK_MAX, BoundedModelMultipleChoiceField
from koperasi_registry.widgets import BoundedSelect, SearchSelect, SearchSelectMultiple

from . import selectors
from .forms import AssistantChoiceField, DateInput
from .models import BusinessAssistant, CoachingTarget, FinancingProposal, Programme


class CoachingTargetForm(VersionedModelForm):
    class Meta:
        model = CoachingTarget
        fields = ["year", "district", "target_count", "notes"]
        widgets = {"district": BoundedSelect("search_districts", limit=100)}  # a search field beyond a kabupaten

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["district"].queryset = selectors.district_choices(scope=scope)
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        cleaned = super().clean()
        # The office before the constraints are checked (one office-wide target per year and office).
        self.instance.set_office(district=cleaned.get("district"), scope_code=self.scope.code)
        return cleaned

    def _get_validation_exclusions(self):
        # ``office_code`` is no form field but is part of a constraint the form must check.
        return super()._get_validation_exclusions() - {"office_code"}


class ProgrammeForm(VersionedModelForm):
    """A programme and the cooperatives to *add* to it: a search field holding only what is
    chosen here, never the participants already in (a programme may have thousands). They
    are listed, 25 a page, on the programme's page, where each can be taken out
    (``programme_participant_remove``); saving this form removes none."""

    participants = BoundedModelMultipleChoiceField(
        queryset=Cooperative.objects.none(), required=False, label=_("Koperasi peserta"),
        widget=SearchSelectMultiple("search_cooperatives"),
        help_text=_("Ketik nama, NIK atau kode dinas untuk menambah koperasi."),
    )

    class Meta:
        model = Programme
        fields = ["name", "kind", "aid_kind", "funding", "budget", "year", "start_date", "end_date", "description"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Cooperative.objects.visible_to(user)
        if self.instance.pk is None:  # the creating user's office; a changed programme keeps its own
            self.instance.office_code = access.office_scope(user).code
            self.fields["year"].initial = timezone.localdate().year
        else:
            self.fields["participants"].label = _("Tambah koperasi peserta")
            self.fields["participants"].help_text = _(
                "Koperasi yang dipilih ditambahkan; peserta yang sudah ada tetap. "
                "Peserta dikeluarkan dari tabel peserta di halaman program."
            )


class ProgrammeParticipantRemoveForm(forms.Form):
    """Which participant to take out: one of ``participations`` (the programme's, those the
    user sees). ``cleaned_data["participation"]`` is the row."""

    participation = forms.IntegerField(min_value=1, max_value=PK_MAX)  # SQLite overflows beyond 64 bits

    def __init__(self, *args, participations, **kwargs):
        super().__init__(*args, **kwargs)
        self.participations = participations

    def clean_participation(self):
        row = self.participations.filter(pk=self.cleaned_data["participation"]).select_related("cooperative").first()
        if row is None:
            raise ValidationError(_("Peserta itu tidak ditemukan."), code="invalid_choice")
        return row


class FinancingProposalForm(VersionedModelForm):
    assistant = AssistantChoiceField(
        queryset=BusinessAssistant.objects.none(), required=False, label=_("Pendamping"),
        widget=SearchSelect("search_assistants"),
    )

    class Meta:
        model = FinancingProposal
        fields = ["cooperative", "assistant", "kind", "purpose", "amount", "lender", "status", "submitted_on", "decided_on", "notes"]
        widgets = {
            "submitted_on": DateInput(), "decided_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3}),
            "cooperative": SearchSelect("search_cooperatives"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cooperative"].queryset = Cooperative.objects.visible_to(user)
        if sees_whole_office(user):
            self.fields["assistant"].queryset = (
                BusinessAssistant.objects.in_office(scope=access.office_scope(user)).select_related("user")
            )
        else:
            del self.fields["assistant"]
            self.own_assistant = selectors.assistant_for_user(user)
            if self.instance.pk is None:
                self.instance.assistant = self.own_assistant
