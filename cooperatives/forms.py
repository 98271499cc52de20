"""Forms for the registry: the cooperative profile and a RAT filing with its attachments."""

import re
from decimal import Decimal, InvalidOperation
from itertools import groupby

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from koperasi_registry.concurrency import VersionedModelForm
from koperasi_registry.uploads import FileCheck
from koperasi_registry.widgets import BoundedSelect, SearchSelect

from .choices import VillageKind
from .models import Cooperative, District, Kelompok, RatAttachment, RatFiling, Village
from .selectors import office_districts, office_villages


class GroupedVillageIterator(ModelChoiceIterator):
    """Villages grouped by kecamatan (``<optgroup>``), in one query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # Village.__str__ looks up its kind's label each time; translate the three once.
        kinds = {value: str(label) for value, label in VillageKind.choices}
        for district, villages in groupby(self.queryset, key=lambda village: village.district):
            yield (
                district.name,
                [(ModelChoiceIteratorValue(v.pk, v), f"{kinds.get(v.kind, '')} {v.name}".strip()) for v in villages],
            )


class FastSelect(forms.Select):
    """A ``<select>`` built in one pass instead of one template render per option: the
    office's ~400 villages (83,762 for a national install) render in a millisecond or two."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if v not in (None, "")}

        def options(choices):
            return format_html_join(
                "",
                "<option value=\"{}\"{}>{}</option>",
                ((str(v), mark_safe(" selected") if str(v) in selected else "", label) for v, label in choices),
            )

        parts = []
        for group, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', group, options(label)))
            else:
                parts.append(options([(group, label)]))
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe("".join(parts)))


class VillageChoiceField(forms.ModelChoiceField):
    """A select of the office's desa/kelurahan, grouped by kecamatan."""

    iterator = GroupedVillageIterator
    widget = FastSelect


class DistrictPickerForm(forms.Form):
    """``?district=`` of a page read for one kecamatan or all: a select of a kabupaten's
    kecamatan, a search field beyond (7,285 nationally)."""

    district = forms.ModelChoiceField(
        queryset=District.objects.none(), required=False, label=_("Kecamatan"), empty_label=_("Semua"),
        widget=BoundedSelect("search_districts", limit=100, attrs={"class": "form-select"}),
    )

    def __init__(self, data=None, *, scope):
        super().__init__(data)
        self.fields["district"].queryset = office_districts(scope=scope)

    def chosen(self):
        """The valid kecamatan chosen, else None (all of them)."""
        return self.cleaned_data.get("district") if self.is_valid() else None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class RupiahField(forms.DecimalField):
    """Rupiah as typed in Indonesia: ``Rp1.500.000``, ``1.500.000,50`` or plain ``1500000``."""

    GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d{1,2})?$")

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().replace(" ", "").replace("\u00a0", "")
            text = re.sub(r"^(-?)Rp\.?", r"\1", text, flags=re.IGNORECASE)
            if self.GROUPED.match(text):
                text = text.replace(".", "").replace(",", ".")
            elif re.fullmatch(r"-?\d+,\d{1,2}", text):
                text = text.replace(",", ".")
            try:
                Decimal(text or "0")
            except InvalidOperation:
                raise ValidationError(_("Tulis jumlah rupiah, mis. 1.500.000."), code="invalid")
            value = text
        return super().to_python(value)


class CooperativeForm(VersionedModelForm):
    # Not stored: narrows the desa search (search_select.js sends it along) and is checked
    # against the chosen village. A select of a kabupaten's kecamatan, a search field beyond.
    district = forms.ModelChoiceField(
        queryset=District.objects.none(), required=False, label=_("kecamatan"), empty_label=_("Semua kecamatan"),
        widget=BoundedSelect("search_districts", limit=100),
    )
    village = VillageChoiceField(
        queryset=Village.objects.none(), label=_("desa/kelurahan"),
        widget=SearchSelect("search_villages", depends=("district",)),  # 83,762 nationally
    )

    class Meta:
        model = Cooperative
        fields = [
            "name",
            "nik",
            "office_code",
            "jenis",
            "bentuk",
            "kelompok",
            "is_syariah",
            "is_merah_putih",
            "village",
            "address",
            "latitude",
            "longitude",
            "founded_on",
            "recorded_rat_year",
            "legal_entity_number",
            "legal_entity_date",
            "legal_entity_authority",
            "chair_name",
            "secretary_name",
            "treasurer_name",
            "supervisor_names",
            "manager_name",
            "phone",
            "lifecycle",
            "dissolution_decree_number",
            "dissolution_decree_date",
        ]
        widgets = {
            "founded_on": DateInput(),
            "legal_entity_date": DateInput(),
            "dissolution_decree_date": DateInput(),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }
        help_texts = {
            "lifecycle": _("Hanya untuk pembubaran; isi nomor dan tanggal SK-nya."),
        }

    # Sections of the form page: (title, field names).
    SECTIONS = [
        (_("Identitas"), ["name", "nik", "office_code", "jenis", "bentuk", "kelompok", "is_syariah", "is_merah_putih"]),
        (_("Alamat"), ["district", "village", "address", "latitude", "longitude"]),
        (_("Badan hukum"), ["founded_on", "legal_entity_number", "legal_entity_date", "legal_entity_authority"]),
        (_("RAT"), ["recorded_rat_year"]),
        (_("Pengurus dan pengawas"), ["chair_name", "secretary_name", "treasurer_name", "supervisor_names", "manager_name", "phone"]),
        (_("Pembubaran"), ["lifecycle", "dissolution_decree_number", "dissolution_decree_date"]),
    ]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelompok"].queryset = Kelompok.objects.order_by("name")
        # Only the villages of the user's office scope (``access.office_scope``).
        self.fields["village"].queryset = office_villages(scope=scope)
        self.fields["district"].queryset = office_districts(scope=scope)
        if self.instance.pk and self.instance.village_id and "district" not in self.initial:
            self.initial["district"] = self.instance.village.district_id

    def clean(self):
        data = super().clean()
        district, village = data.get("district"), data.get("village")
        if district and village and village.district_id != district.pk:
            self.add_error("village", _("Desa/kelurahan ini tidak berada di kecamatan %(name)s.") % {"name": district.name})
        return data

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def show_conflict(self, conflict, fresh):
        super().show_conflict(conflict, fresh)
        if any(change.name == "village" and not change.mine for change in conflict.changes):
            # The village moved to the other person's: its kecamatan goes with it.
            self.data[self.add_prefix("district")] = str(fresh.village.district_id)


class RatFilingForm(VersionedModelForm):
    """All RAT fields (domain brief section 4); the cooperative comes from the URL."""

    class Meta:
        model = RatFiling
        fields = [
            "book_year",
            "rat_date",
            "reported_on",
            "members_male",
            "members_female",
            "pengurus_count",
            "pengawas_count",
            "managers_male",
            "managers_female",
            "employees_male",
            "employees_female",
            "modal_sendiri",
            "modal_luar",
            "total_aset",
            "volume_usaha",
            "shu",
            "notes",
        ]
        widgets = {
            "rat_date": DateInput(),
            "reported_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {name: RupiahField for name in ("modal_sendiri", "modal_luar", "total_aset", "volume_usaha", "shu")}

    SECTIONS = [
        (_("RAT"), ["book_year", "rat_date", "reported_on"]),
        (_("Anggota, pengurus dan karyawan"), [
            "members_male", "members_female", "pengurus_count", "pengawas_count",
            "managers_male", "managers_female", "employees_male", "employees_female",
        ]),
        (_("Keuangan (Rupiah)"), ["modal_sendiri", "modal_luar", "total_aset", "volume_usaha", "shu"]),
        (_("Catatan"), ["notes"]),
    ]

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cooperative = cooperative
        for name in ("members_male", "members_female", "pengurus_count", "pengawas_count",
                     "managers_male", "managers_female", "employees_male", "employees_female", "book_year"):
            self.fields[name].widget.attrs.setdefault("inputmode", "numeric")

    def clean_book_year(self):
        year = self.cleaned_data["book_year"]
        duplicate = (
            RatFiling.objects.filter(cooperative_id=self.instance.cooperative_id, book_year=year)
            .exclude(pk=self.instance.pk)
            .exists()
        )
        if duplicate:
            raise ValidationError(
                _("RAT tahun buku %(year)s untuk koperasi ini sudah dicatat. Ubah laporan yang ada."),
                code="duplicate",
                params={"year": year},
            )
        return year

    # Dates not in the future, book years closed: the model fields' validators
    # (cooperatives/validators.py), shared with the admin and the import.

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]


class RatAttachmentForm(forms.ModelForm):
    class Meta:
        model = RatAttachment
        fields = ["kind", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].validators.append(FileCheck())
        self.fields["file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.xlsx,.xls,.docx,.doc"


RatAttachmentFormSet = forms.inlineformset_factory(
    RatFiling, RatAttachment, form=RatAttachmentForm, extra=2, can_delete=True, max_num=20, validate_max=True
)
