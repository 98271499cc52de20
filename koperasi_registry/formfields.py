"""Form fields shared by the apps' forms."""

from django import forms
from django.core.exceptions import ValidationError

PK_MIN, PK_MAX = -(2**63), 2**63 - 1  # a 64-bit primary key


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice whose ids are refused as invalid when they cannot be a 64-bit
    integer key: Django's ``pk__in`` lookup hands a larger one to SQLite, which raises
    OverflowError (a 500) instead of finding nothing."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        if key == "pk":
            for pk in value if isinstance(value, (list, tuple, set, frozenset)) else [value]:
                try:
                    number = int(str(pk))
                except (TypeError, ValueError):
                    continue  # Django's own check names it
                if not PK_MIN <= number <= PK_MAX:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super()._check_values(value)
