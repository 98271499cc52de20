"""Search fields for choices that grow with the data (cooperatives, villages, assistants,
users; kecamatan beyond a kabupaten): the page holds only the chosen option(s), and
``static/js/search_select.js`` (over the vendored Tom Select) asks a JSON search endpoint
(``koperasi_registry/search_views.py``) for the rest as the user types.

The form field keeps its whole visible queryset, so validation is unchanged; only what is
*rendered* is bounded. Django's ``Select.optgroups`` iterates every choice: here it reads
the selected values only (one query, none without a value).

- :class:`SearchSelect` / :class:`SearchSelectMultiple`: always a search field.
- :class:`BoundedSelect`: a plain select while the choices are few (a kabupaten's < 100
  kecamatan, an office's < 50 users; one query reads at most ``limit + 1`` of them),
  otherwise a search field.
- :class:`LimitedSelect`: a plain select of the first ``limit`` choices and the chosen one,
  for a form that must work without a network (no search): the Pendamping's offline visit form.
"""

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from .formfields import PK_MAX, PK_MIN

RESULTS_PER_PAGE = 20


def _selected_keys(value, model_field) -> list:
    """The submitted values that can be keys of ``model_field`` (anything else cannot be
    selected: the form shows its error). An integer beyond 64 bits is left out too: SQLite
    raises OverflowError on it."""
    values = value if isinstance(value, (list, tuple)) else [value]
    keys = []
    for item in values:
        item = getattr(item, "value", item)  # ModelChoiceIteratorValue
        if item in (None, ""):
            continue
        try:
            key = model_field.to_python(item)
        except (ValidationError, TypeError, ValueError):
            continue
        if isinstance(key, int) and not PK_MIN <= key <= PK_MAX:
            continue
        keys.append(key)
    return keys


class SearchWidgetMixin:
    """Renders only the selected option(s) plus the data attributes the script reads:
    ``data-search-url``, ``data-search-min`` (characters before searching; an empty query
    lists the first page) and ``data-search-depends`` (names of fields of the same form
    whose values are sent along, e.g. the kecamatan narrowing a desa search)."""

    search_active = True

    def __init__(self, url_name: str, *, attrs=None, depends: tuple[str, ...] = (), params: dict | None = None,
                 min_chars: int = 2, placeholder: str = ""):
        super().__init__(attrs=attrs)
        self.url_name = url_name
        self.depends = tuple(depends)
        self.params = dict(params or {})
        self.min_chars = min_chars
        self.placeholder = placeholder

    def __deepcopy__(self, memo):
        obj = super().__deepcopy__(memo)
        obj.depends, obj.params = tuple(self.depends), dict(self.params)
        return obj

    def search_url(self) -> str:
        url = reverse(self.url_name)
        return f"{url}?{urlencode(self.params)}" if self.params else url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.search_active:
            extra = {
                "data-search-url": self.search_url(),
                "data-search-min": str(self.min_chars),
                "class": (context["widget"]["attrs"].get("class", "") + " search-select").strip(),
            }
            if self.depends:
                extra["data-search-depends"] = " ".join(self.depends)
            if self.placeholder:
                extra["data-placeholder"] = str(self.placeholder)
            context["widget"]["attrs"].update(extra)
        return context

    def selected_choices(self, value):
        """(value, label) of the selected options only, read in one query."""
        choices = self.choices
        field = getattr(choices, "field", None)
        key = field.to_field_name or "pk"  # a ModelForm's foreign key names "id"
        meta = field.queryset.model._meta
        keys = _selected_keys(value, meta.pk if key == "pk" else meta.get_field(key))
        options = []
        if getattr(field, "empty_label", None) is not None and not self.allow_multiple_selected:
            options.append(("", field.empty_label))
        if keys:
            queryset = field.queryset.filter(**{f"{key}__in": keys})
            options.extend(choices.choice(obj) for obj in queryset)
        return options

    def optgroups(self, name, value, attrs=None):
        if not self.search_active or not hasattr(getattr(self.choices, "field", None), "queryset"):
            return super().optgroups(name, value, attrs)
        selected = {str(v) for v in value}
        groups = []
        for index, (option_value, label) in enumerate(self.selected_choices(value)):
            option_value = "" if option_value is None else option_value
            chosen = str(option_value) in selected and (str(option_value) != "" or not selected - {""})
            groups.append((None, [self.create_option(name, option_value, label, chosen, index, attrs=attrs)], index))
        return groups


class SearchSelect(SearchWidgetMixin, forms.Select):
    pass


class SearchSelectMultiple(SearchWidgetMixin, forms.SelectMultiple):
    pass


class BoundedSelect(SearchSelect):
    """A plain ``<select>`` of every choice when there are at most ``limit`` of them, else
    a search field. One query decides and, when small, is the options."""

    def __init__(self, url_name: str, *, limit: int = 100, **kwargs):
        super().__init__(url_name, **kwargs)
        self.limit = limit

    def get_context(self, name, value, attrs):
        iterator = self.choices
        field = getattr(iterator, "field", None)
        self.search_active = True
        if field is None or not hasattr(field, "queryset"):
            return super().get_context(name, value, attrs)
        rows = list(field.queryset[: self.limit + 1])
        if len(rows) > self.limit:
            return super().get_context(name, value, attrs)
        self.search_active = False
        options = [("", field.empty_label)] if field.empty_label is not None else []
        options.extend(iterator.choice(obj) for obj in rows)
        self.choices = options  # rendered from the rows read; the iterator comes back after
        try:
            return super().get_context(name, value, attrs)
        finally:
            self.choices = iterator


class LimitedSelect(forms.Select):
    """A plain ``<select>`` of at most ``limit`` choices: the queryset's first (its ordering
    says which, e.g. the latest programmes) and, if it is not among them, the chosen value,
    so that an edit never drops it. One query (two when the chosen value is further down)."""

    def __init__(self, *, limit: int, attrs=None):
        super().__init__(attrs=attrs)
        self.limit = limit

    def get_context(self, name, value, attrs):
        iterator = self.choices
        field = getattr(iterator, "field", None)
        if field is None or not hasattr(field, "queryset"):
            return super().get_context(name, value, attrs)
        key = field.to_field_name or "pk"
        meta = field.queryset.model._meta
        rows = list(field.queryset[: self.limit])
        shown = {getattr(row, meta.pk.attname if key == "pk" else key) for row in rows}
        missing = [k for k in _selected_keys(value, meta.pk if key == "pk" else meta.get_field(key)) if k not in shown]
        if missing:
            rows += list(field.queryset.filter(**{f"{key}__in": missing}))
        options = [("", field.empty_label)] if field.empty_label is not None else []
        options.extend(iterator.choice(obj) for obj in rows)
        self.choices = options
        try:
            return super().get_context(name, value, attrs)
        finally:
            self.choices = iterator


def use_widget(field, widget):
    """Give a form field built already (e.g. a ``ModelForm``'s) another choice widget, set
    up as the field's own would have been."""
    widget.is_required = field.required
    widget.attrs.update(field.widget_attrs(widget))
    field.widget = widget
    widget.choices = field.choices
    return field
