"""Forms: the phone visit form (with photos, new and closed follow-ups), closing a
follow-up, the monthly report. Every choice list is scoped to the user (the office's
plans: ``plan_forms``)."""

import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Cooperative
from cooperatives.permissions import sees_whole_office
from cooperatives.validators import due_not_before_visit
from koperasi_registry import access
from koperasi_registry.concurrency import VersionedModelForm
from koperasi_registry.formatting import format_date
from koperasi_registry.formfields import PK_MAX, PK_MIN, BoundedModelMultipleChoiceField
from koperasi_registry.scopes import default_scope
from koperasi_registry.uploads import DOCUMENT_EXTENSIONS, IMAGE_EXTENSIONS, FileCheck
from koperasi_registry.widgets import BoundedSelect, LimitedSelect, SearchSelect, SearchSelectMultiple, use_widget

from . import selectors, services
from .models import BusinessAssistant, CoachingVisit, FollowUp, Programme, VisitTopic

MAX_FILES = 10
OFFICERS_AS_BOXES = 50  # more office officers than this: a search field instead of checkboxes
OWNERS_AS_SELECT = 50  # more follow-up owners for a Pendamping than this: a search field
# More programmes than this: a search field for the office, the latest ones (and the chosen
# one) for a Pendamping, whose visit form works offline (no search there).
PROGRAMMES_AS_SELECT = 50
# More assigned cooperatives than this: a Pendamping's cooperative select becomes a search
# field, which without signal searches the offline copy of their cooperatives (search_select.js).
COOPERATIVES_AS_SELECT = 50


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern), each validated."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise ValidationError(_("Paling banyak %(n)s berkas sekali kirim."), params={"n": MAX_FILES})
        cleaned, errors = [], []
        for item in files:  # every refused file is named, not only the first
            try:
                cleaned.append(single(item, initial))
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)
        return cleaned


def users_in_scope_q(scope) -> Q:
    """``Q`` for users whose own office (``OfficeScope``; none: the installation's default,
    ``access.office_scope``) lies inside ``scope``: the office's own people and, for a
    province or the country, those of the offices below it."""
    if scope.is_national:
        return Q()
    inside = Q(office_scope__code=scope.code) | Q(office_scope__code__startswith=f"{scope.code}.")
    default = default_scope().code
    if default == scope.code or default.startswith(f"{scope.code}."):
        inside |= Q(office_scope__isnull=True)
    return inside


def office_officers(*, scope, keep=()):
    """Office people who can be named as a visit's officers (Admin, Staf, Kabid), of the
    office ``scope`` (``users_in_scope_q``); ``keep``: pks kept whatever their office (the
    officers a visit already names, so that editing it loses none)."""
    users = get_user_model().objects
    officers = users.filter(groups__name__in=[access.ADMIN, access.STAF, access.KABID]).filter(users_in_scope_q(scope))
    return users.filter(is_active=True).filter(Q(pk__in=officers.values("pk")) | Q(pk__in=list(keep)))


def office_users(*, scope):
    """People who can be named as officers or owners: users in the working roles; of those
    with an assistant record, only the office ``scope``'s (``BusinessAssistant.objects.in_office``);
    of the others (office staff), those whose own office lies inside ``scope`` (``users_in_scope_q``)."""
    users = get_user_model().objects
    office_assistants = BusinessAssistant.objects.in_office(scope=scope).order_by().values("user")
    not_assistants = (
        users.filter(~Exists(BusinessAssistant.objects.filter(user=OuterRef("pk"))))
        .filter(users_in_scope_q(scope)).order_by().values("pk")
    )
    return (
        users.filter(is_active=True, groups__name__in=[access.ADMIN, access.STAF, access.PENDAMPING])
        .filter(pk__in=office_assistants.union(not_assistants))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class UserMultipleChoiceField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class AssistantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.user.get_full_name() or obj.user.username


class OpenFollowUpField(BoundedModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})

    def label_from_instance(self, obj):
        owner = obj.owner.get_full_name() or obj.owner.username
        return _("%(action)s (%(owner)s, batas %(due)s)") % {"action": obj.action, "owner": owner, "due": format_date(obj.due_date)}


class VisitForm(VersionedModelForm):
    """A coaching visit as logged from a phone. ``submission_id`` comes from the page (the
    browser keeps it in its draft), so a retried POST is recognised."""

    submission_id = forms.UUIDField(widget=forms.HiddenInput)
    officers = UserMultipleChoiceField(
        queryset=get_user_model().objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}), label=_("Petugas dinas"),
    )
    assistant = AssistantChoiceField(queryset=BusinessAssistant.objects.none(), required=False, label=_("Pendamping"))
    topics = BoundedModelMultipleChoiceField(
        queryset=VisitTopic.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}), label=_("Topik")
    )
    photos = MultipleFileField(
        label=_("Foto"),
        validators=[FileCheck(extensions=IMAGE_EXTENSIONS)],  # each: type, size, pixel cap, decodes (ImageCheck)
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("Boleh beberapa foto; foto besar diperkecil otomatis."),
    )
    documents = MultipleFileField(
        label=_("Dokumen"),
        validators=[FileCheck(extensions=DOCUMENT_EXTENSIONS)],
        widget=MultipleFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx"}),
        help_text=_("PDF, Word atau Excel (mis. daftar hadir)."),
    )
    close_followups = OpenFollowUpField(
        queryset=FollowUp.objects.none(), required=False, label=_("Tindak lanjut sebelumnya yang sudah selesai")
    )

    class Meta:
        model = CoachingVisit
        fields = [
            "cooperative", "visit_date", "kind", "assistant", "officers", "programme", "topics", "people_met",
            "findings", "recommendations", "latitude", "longitude",
            "location_accuracy",  # metres, 0..100000 (model validators); filled by the page's script
        ]
        widgets = {
            "visit_date": DateInput(),
            "findings": forms.Textarea(attrs={"rows": 4}),
            "recommendations": forms.Textarea(attrs={"rows": 3}),
            "latitude": forms.HiddenInput,
            "longitude": forms.HiddenInput,
            "location_accuracy": forms.HiddenInput,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.office = sees_whole_office(user)
        self.own_assistant = selectors.assistant_for_user(user)
        fields = self.fields
        fields["cooperative"].queryset = Cooperative.objects.visible_to(user).select_related("village")
        in_use = Q(is_active=True)
        if self.instance.pk:  # a topic retired since still shows on the visits that used it
            in_use |= Q(pk__in=self.instance.topics.values("pk"))
        fields["topics"].queryset = VisitTopic.objects.filter(in_use)
        if self.office:
            # Office users choose among every visible programme (a search field beyond
            # PROGRAMMES_AS_SELECT), cooperative and assistant: search fields.
            fields["programme"].queryset = Programme.objects.visible_to(user)
            use_widget(fields["programme"], BoundedSelect("search_programmes", limit=PROGRAMMES_AS_SELECT))
            use_widget(fields["cooperative"], SearchSelect("search_cooperatives"))
            use_widget(fields["assistant"], SearchSelect("search_assistants", params={"active": "1"}))
            fields["assistant"].queryset = (
                BusinessAssistant.objects.in_office(scope=access.office_scope(user))
                .filter(is_active=True).select_related("user")
            )
            named = list(self.instance.officers.values_list("pk", flat=True)) if self.instance.pk else []
            fields["officers"].queryset = office_officers(scope=access.office_scope(user), keep=named).order_by(
                "first_name", "username"
            )
            if fields["officers"].queryset[: OFFICERS_AS_BOXES + 1].count() > OFFICERS_AS_BOXES:
                use_widget(fields["officers"], SearchSelectMultiple("search_users", params={"role": "officer"}))
            if not self.instance.pk:
                fields["officers"].initial = [user.pk]
        else:
            # A Pendamping: the programmes of their cooperatives, the latest first, a plain select
            # the offline form keeps; their assigned cooperatives a select (what the offline form
            # reads), beyond COOPERATIVES_AS_SELECT a search field that searches the server, or
            # without signal the offline copy of their cooperatives (data-search-offline).
            fields["programme"].queryset = Programme.objects.filter(
                participations__cooperative__in=fields["cooperative"].queryset.values("pk")
            ).distinct()
            use_widget(fields["programme"], LimitedSelect(limit=PROGRAMMES_AS_SELECT))
            attrs = {**fields["cooperative"].widget.attrs, "data-search-offline": "cooperatives"}
            use_widget(
                fields["cooperative"], BoundedSelect("search_cooperatives", limit=COOPERATIVES_AS_SELECT, attrs=attrs)
            )
            del fields["assistant"]
            del fields["officers"]
        if not self.instance.pk:
            fields["submission_id"].initial = uuid.uuid4()
            fields["visit_date"].initial = timezone.localdate()
        else:
            del fields["submission_id"]
        fields["close_followups"].queryset = selectors.open_followups(
            user=user, cooperative_id=self._cooperative_id()
        ).exclude(visit=self.instance.pk if self.instance.pk else None)

    def _cooperative_id(self):
        raw = self.data.get(self.add_prefix("cooperative")) if self.is_bound else None
        raw = raw or self.initial.get("cooperative") or self.instance.cooperative_id
        raw = getattr(raw, "pk", raw)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            return None
        return value if PK_MIN <= value <= PK_MAX else None  # SQLite overflows beyond 64 bits

    def clean(self):
        cleaned = super().clean()
        if self.office and not cleaned.get("assistant") and not cleaned.get("officers") and "officers" not in self.errors:
            self.add_error("officers", _("Pilih petugas dinas atau pendamping yang berkunjung."))
        if not self.office and self.own_assistant is None:
            raise ValidationError(_("Akun Anda belum terdaftar sebagai pendamping koperasi."))
        submission_id = cleaned.get("submission_id")
        if submission_id and CoachingVisit.objects.filter(submission_id=submission_id).exclude(created_by=self.user).exists():
            self.renew_submission_id()
            self.add_error(None, services.SUBMISSION_ID_TAKEN)
        return cleaned

    # Folded under "Lainnya" on the phone form: open when one of them holds data or errors.
    MORE_FIELDS = ("topics", "people_met", "recommendations", "programme", "documents")

    def more_open(self) -> bool:
        fields = [self[name] for name in self.MORE_FIELDS if name in self.fields]
        return any(f.errors or (f.name != "documents" and f.value() not in (None, "", [], ())) for f in fields)

    def renew_submission_id(self):
        """Show the form again with a fresh submission id, so that it can be sent."""
        if "submission_id" in self.fields:
            self.data = self.data.copy()
            self.data[self.add_prefix("submission_id")] = str(uuid.uuid4())

    def add_service_error(self, error: ValidationError):
        """A ``ValidationError`` from ``services.visit_log`` shown at the top of the form
        (a clash with another user's submission id also renews the id)."""
        if "submission_id" in getattr(error, "error_dict", {}):
            self.renew_submission_id()
        self.add_error(None, error.messages)

    def visit_fields(self) -> dict:
        """Field values for ``services.visit_log`` (the many-to-many ones go separately)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data and name not in ("topics", "officers")}
        if not self.office:
            data["assistant"] = self.own_assistant
        return data


class NewFollowUpForm(forms.Form):
    """One new follow-up; a row without an action is simply left out."""

    action = forms.CharField(label=_("Tindak lanjut"), max_length=255, required=False)
    owner = UserChoiceField(queryset=get_user_model().objects.none(), label=_("Penanggung jawab"), required=False)
    due_date = forms.DateField(
        label=_("Batas waktu"), widget=DateInput(), required=False,
        validators=FollowUp._meta.get_field("due_date").validators,  # the model's (plan_date)
    )

    def __init__(self, *args, user, owners, **kwargs):
        super().__init__(*args, **kwargs)
        if sees_whole_office(user):  # every office person: a search field
            use_widget(self.fields["owner"], SearchSelect("search_users"))
        else:
            # A Pendamping names themselves or their office's staff (``followup_owners``): a
            # plain select while they are few, which the offline copy of the form keeps whole;
            # beyond OWNERS_AS_SELECT a search field (offline, the preselected owner only).
            use_widget(self.fields["owner"], BoundedSelect("search_users", limit=OWNERS_AS_SELECT))
        self.fields["owner"].queryset = owners
        self.fields["owner"].initial = user.pk
        for name in ("owner", "due_date"):  # needed once an action is typed: marked as required
            self.fields[name].marked_required = True

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action"):
            if not cleaned.get("owner") and "owner" not in self.errors:
                self.add_error("owner", _("Pilih penanggung jawab."))
            if not cleaned.get("due_date") and "due_date" not in self.errors:
                self.add_error("due_date", _("Isi batas waktu."))
        return cleaned


class BaseNewFollowUpFormSet(forms.BaseFormSet):
    """The visit form's new follow-ups. Each is due on or after the visit's date (the
    model's rule, ``FollowUp.clean``): checked here against the date posted with the visit,
    so the error shows at the row rather than as a failed save."""

    def _visit_date(self):
        if not self.is_bound:
            return None
        try:
            return forms.DateField().clean(self.data.get("visit_date"))
        except ValidationError:
            return None  # the visit form shows that error

    def clean(self):
        super().clean()
        visit_date = self._visit_date()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("action"):
                error = due_not_before_visit(data.get("due_date"), visit_date)
                if error is not None:
                    form.add_error("due_date", error)

    def wanted(self) -> bool:
        """Open the folded follow-up part: a posted row has an action, or an error."""
        actions = (self.data.get(form.add_prefix("action"), "").strip() for form in self.forms)
        return self.is_bound and bool(self.total_error_count() or any(actions))

    def items(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("action")]


NewFollowUpFormSet = forms.formset_factory(NewFollowUpForm, formset=BaseNewFollowUpFormSet, extra=2, max_num=10)


def followup_owners(user):
    """Owners a user may name: Staf/Admin name anyone working; a Pendamping names
    themselves or office staff."""
    users = office_users(scope=access.office_scope(user))
    if sees_whole_office(user):
        return users
    return users.filter(Q(pk=user.pk) | Q(groups__name__in=[access.STAF, access.ADMIN])).distinct()


def new_followup_formset(*, user, data=None, prefix="tl"):
    owners = followup_owners(user)
    return NewFollowUpFormSet(data, prefix=prefix, form_kwargs={"user": user, "owners": owners})


class FollowUpCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Hasil"), choices=[("selesai", _("Selesai")), ("batal", _("Dibatalkan"))], initial="selesai"
    )
    note = forms.CharField(label=_("Catatan"), max_length=255, required=False)


class MonthlyReportForm(forms.Form):
    assistant = AssistantChoiceField(
        queryset=BusinessAssistant.objects.none(), label=_("Pendamping"), widget=BoundedSelect("search_assistants", limit=50)
    )
    month = forms.DateField(
        label=_("Bulan"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assistant"].queryset = BusinessAssistant.objects.visible_to(user).select_related("user")
