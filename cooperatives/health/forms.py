"""The assessment entry form: header fields plus one score row per aspect of the chosen
instrument (and, for checklist instruments, optional "items met / items" counts)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koperasi_registry.widgets import SearchSelect

from ..models import Cooperative
from .models import HealthAssessment, HealthInstrument, InstrumentKind
from .rules import checklist_percentage, score_assessment
from .selectors import instrument_choices, instrument_rules


class InstrumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} – {obj.get_applies_to_display()}"


class AssessmentForm(forms.ModelForm):
    """Validates what was typed; the service computes and stores the result."""

    class Meta:
        model = HealthAssessment
        fields = ["cooperative", "year", "instrument", "assessed_on", "notes", "worksheet"]
        field_classes = {"instrument": InstrumentChoiceField}
        widgets = {
            "assessed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "cooperative": SearchSelect("search_cooperatives"),  # every visible one: a search field
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cooperatives = Cooperative.objects.visible_to(user)
        self.fields["cooperative"].queryset = cooperatives.only("id", "name", "jenis", "is_syariah")
        self.fields["instrument"].queryset = instrument_choices()
        self.fields["instrument"].empty_label = _("– pilih instrumen –")
        self.fields["cooperative"].empty_label = _("– pilih koperasi –")
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("year", today.year - 1)
            self.initial.setdefault("assessed_on", today)
        self.chosen_instrument = self._chosen_instrument()
        self.rules = instrument_rules(instrument=self.chosen_instrument) if self.chosen_instrument else None
        self.aspect_rows = []
        for aspect in self.rules.aspects if self.rules else ():
            self._add_aspect_fields(aspect)

    # -- building the aspect rows ------------------------------------------------------
    def _chosen_instrument(self):
        raw = self.data.get("instrument") if self.is_bound else self.initial.get("instrument")
        if isinstance(raw, HealthInstrument):
            return raw
        try:
            return self.fields["instrument"].queryset.get(pk=int(raw)) if raw else None
        except (ValueError, TypeError, HealthInstrument.DoesNotExist):
            return None

    @property
    def is_checklist(self) -> bool:
        return bool(self.chosen_instrument and self.chosen_instrument.kind == InstrumentKind.CHECKLIST)

    def _add_aspect_fields(self, aspect):
        max_score = self.rules.max_score
        name = f"aspect_{aspect.id}"
        self.fields[name] = forms.DecimalField(
            label=aspect.name,
            min_value=Decimal(0),
            max_value=max_score,
            max_digits=7,
            decimal_places=2,
            required=not self.is_checklist,
            localize=False,
            widget=forms.NumberInput(
                attrs={"step": "0.01", "min": "0", "max": str(max_score),
                       "inputmode": "decimal", "class": "text-end"}
            ),
            error_messages={
                "required": _("Isi nilai aspek ini."),
                "max_value": _("Nilai paling tinggi %(limit_value)s."),
                "min_value": _("Nilai paling rendah %(limit_value)s."),
                "invalid": _("Isi angka."),
            },
        )
        row = {"aspect": aspect, "score": name, "met": None, "items": None}
        if self.is_checklist:
            for suffix, label in (("met", _("butir terpenuhi")), ("items", _("jumlah butir"))):
                self.fields[f"{name}_{suffix}"] = forms.IntegerField(
                    label=f"{aspect.name}: {label}",
                    min_value=0,
                    max_value=1000,
                    required=False,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "class": "text-end"}),
                    error_messages={"invalid": _("Isi bilangan bulat.")},
                )
                row[suffix] = f"{name}_{suffix}"
        self.aspect_rows.append(row)

    def bound_rows(self):
        """The aspect rows with their bound fields, for the template."""
        return [
            {
                "aspect": row["aspect"],
                "score": self[row["score"]],
                "met": self[row["met"]] if row["met"] else None,
                "items": self[row["items"]] if row["items"] else None,
            }
            for row in self.aspect_rows
        ]

    # -- validation ---------------------------------------------------------------------
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("instrument") and not self.rules:
            self.add_error("instrument", _("Pilih ulang instrumen."))
        cooperative, instrument = cleaned.get("cooperative"), cleaned.get("instrument")
        if cooperative and instrument and not instrument.applies(cooperative):
            self.add_error(
                "instrument",
                _("Instrumen ini berlaku untuk %(scope)s; koperasi ini tidak termasuk.")
                % {"scope": instrument.get_applies_to_display()},
            )
        for row in self.aspect_rows:
            self._clean_row(row, cleaned)
        return cleaned

    def _clean_row(self, row, cleaned):
        if not row["met"]:
            return
        met, items = cleaned.get(row["met"]), cleaned.get(row["items"])
        if met is None and items is None:
            if cleaned.get(row["score"]) is None and row["score"] not in self.errors:
                self.add_error(row["score"], _("Isi nilai aspek ini, atau jumlah butir terpenuhi dan jumlah butir."))
            return
        if met is None or items is None:
            self.add_error(
                row["items"] if items is None else row["met"], _("Isi keduanya: butir terpenuhi dan jumlah butir.")
            )
            return
        try:
            cleaned[row["score"]] = checklist_percentage(met=met, items=items)
        except ValidationError as error:
            self.add_error(row["met"], error)

    def scores(self) -> dict:
        """Aspect name -> typed score (checklist counts go separately, see ``checklists``)."""
        return {
            row["aspect"].name: self.cleaned_data[row["score"]]
            for row in self.aspect_rows
            if self.cleaned_data.get(row["score"]) is not None
        }

    def checklists(self) -> dict:
        return {
            row["aspect"].name: (self.cleaned_data[row["met"]], self.cleaned_data[row["items"]])
            for row in self.aspect_rows
            if row["met"]
            and self.cleaned_data.get(row["met"]) is not None
            and self.cleaned_data.get(row["items"]) is not None
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "cooperative": data["cooperative"],
            "year": data["year"],
            "instrument": data["instrument"],
            "assessed_on": data["assessed_on"],
            "notes": data.get("notes", ""),
            "worksheet": data.get("worksheet") or None,
            "scores": self.scores(),
            "checklists": self.checklists(),
        }

    def preview(self):
        """The result for the aspect scores typed so far, or None while any is missing or invalid.

        Only the aspect fields matter here: a preview never waits for the header fields.
        """
        if not self.rules:
            return None
        self.is_valid()  # runs every field's checks; the header's errors are ignored below
        names = {name for row in self.aspect_rows for name in (row["score"], row["met"], row["items"]) if name}
        if names & set(self.errors):
            return None
        scores = {row["aspect"].name: self.cleaned_data.get(row["score"]) for row in self.aspect_rows}
        if any(value is None for value in scores.values()):
            return None
        try:
            return score_assessment(rules=self.rules, scores=scores)
        except ValidationError:
            return None
