"""Small template helpers for the Bootstrap layout: ``{% load ui %}``."""

from django import forms
from django import template

register = template.Library()


@register.filter
def bootstrap_widget(field):
    """Render a bound field's widget with Bootstrap classes (and ``is-invalid`` on errors)."""
    widget = field.field.widget
    if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
        css = "form-check-input"
    elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.field.required or getattr(field.field, "marked_required", False):
        # The label's asterisk is for the eye (aria-hidden); a screen reader hears "required"
        # from the field itself, and the label keeps its plain name.
        attrs["aria-required"] = "true"
    return field.as_widget(attrs=attrs)
