"""Optimistic concurrency for edit forms: no edit is silently overwritten.

The version of a record is the id of its latest django-simple-history row (every domain
model has ``HistoricalRecords``; no migration, no extra column). An edit form built for an
existing record carries it in a hidden ``edit_version`` field. When the form is saved, inside
``transaction.atomic()``:

1. the row is locked (``select_for_update()``; on SQLite the ``IMMEDIATE`` transaction
   mode set in the settings serialises writers instead),
2. the latest history id is compared with the submitted one,
3. on a mismatch nothing is written: the form gets a non-field error naming who changed
   what and when (``new.diff_against(old)`` over every history row in between, merged per
   field), a ``conflict`` attribute for the conflict box (``templates/includes/
   conflict.html``, shown by ``generic/form_errors.html``), and the new version in its
   hidden field. What the user typed stays in the form; a field the other person changed
   and this user did not touch is moved to its new value, so that saving again (allowed:
   the form now carries the new version) keeps the other person's change.

A history row whose tracked fields end up unchanged (someone pressed Simpan without
changing anything) is not a conflict.

Writes outside a form bump the version as long as they write history: ``save()``,
``bulk_update_with_history`` / ``bulk_create_with_history`` (the spreadsheet import), m2m
changes of tracked m2m fields. Writes that bypass history (``QuerySet.update`` of
maintained columns, e.g. ``Cooperative.last_rat_year`` refreshed by
``cooperative_refresh_rat_summary``, or the visit summaries, which live in their own
tables) do not bump it and need not: they are not fields of any form, and a form save
copies such non-form columns from the locked row, so it never writes back a stale value.

A POST without the ``edit_version`` field (an old page, a script) is not checked.

Pieces:

- ``VersionedModelForm``: the ModelForm base of every edit form (``check_version()``);
- ``VersionedFormViewMixin``: wraps a generic UpdateView's ``form_valid``;
- ``VersionedAdminMixin`` / ``VersionedHistoryAdmin``: the same for admin change forms
  (the check runs in the form's ``clean()``, inside the admin's own transaction).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.utils import get_m2m_reverse_field_name

from .formatting import EMPTY, format_date

# Not "version": HealthInstrument has a model field of that name.
VERSION_FIELD = "edit_version"


def history_manager(model):
    """The model's simple-history manager (``None`` for a model without history)."""
    manager = getattr(model, "_meta", None) and getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager) if manager else None


def current_version(instance) -> str:
    """The id of the instance's latest history row as text ("" for a new or untracked record)."""
    manager = history_manager(type(instance))
    if instance.pk is None or manager is None:
        return ""
    latest = (
        manager.filter(**{type(instance)._meta.pk.attname: instance.pk})
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    return str(latest or 0)


# --- The diff ------------------------------------------------------------------------------


def user_name(user) -> str:
    if user is None:
        return _("sistem")
    return user.get_full_name() or user.get_username()


def display_value(model, name: str, value) -> str:
    """A stored value (as ``diff_against`` gives it: raw pks for relations, rows for m2m)
    as a person reads it."""
    model_field = model._meta.get_field(name)
    if model_field.many_to_many:
        target = get_m2m_reverse_field_name(model_field)
        pks = [row[target] for row in value or []]
        objects = model_field.related_model._base_manager.in_bulk(pks)
        return ", ".join(str(objects.get(pk, f"#{pk}")) for pk in pks) or EMPTY
    if value is None or value == "":
        return EMPTY
    if model_field.is_relation:
        obj = model_field.related_model._base_manager.filter(pk=value).first()
        return str(obj) if obj is not None else f"#{value}"
    if model_field.flatchoices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return format_date(value)
    if isinstance(value, (int, float, Decimal)):
        return formats.number_format(value, force_grouping=True)
    if isinstance(model_field, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    return str(value)


@dataclass
class Change:
    """One field changed by someone else since the form was loaded."""

    name: str
    label: str
    old_raw: object  # as diff_against gives it
    new_raw: object
    user: object = None
    date: datetime.datetime | None = None
    old: str = ""
    new: str = ""
    mine: bool = False  # this user changed the field too: their input is kept

    @property
    def who(self) -> str:
        return user_name(self.user)

    @property
    def when(self) -> str:
        return format_date(self.date)


@dataclass
class Conflict:
    version: str
    changes: list[Change] = field(default_factory=list)
    users: list = field(default_factory=list)
    date: datetime.datetime | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def who(self) -> str:
        return ", ".join(dict.fromkeys(user_name(user) for user in self.users)) or user_name(None)

    @property
    def when(self) -> str:
        return format_date(self.date)

    def message(self, *, files=False) -> str:
        text = _(
            "Data ini sudah diubah oleh %(who)s pada %(when)s, setelah Anda membuka formulir ini. "
            "Isian Anda belum disimpan dan masih ada di formulir. Periksa perubahan mereka, "
            "sesuaikan isian Anda bila perlu, lalu simpan lagi."
        ) % {"who": self.who, "when": self.when}
        if files:
            text += " " + _("Berkas atau foto yang tadi dipilih perlu dipilih lagi.")
        return text


def _same(old, new) -> bool:
    if isinstance(old, list) and isinstance(new, list):  # m2m rows: order does not matter
        return sorted(map(repr, old)) == sorted(map(repr, new))
    return old == new


def find_conflict(model, pk, submitted: str) -> Conflict | None:
    """Compare the submitted version with the record's latest history row (locked by the
    caller). ``None`` when it is current or when nothing tracked changed since."""
    manager = history_manager(model)
    rows = manager.filter(**{model._meta.pk.attname: pk})
    latest = rows.order_by("-history_id").first()
    version = str(latest.history_id) if latest else "0"
    if submitted == version:
        return None
    try:
        base_id = int(submitted)
    except (TypeError, ValueError):
        base_id = None
    if base_id is not None and not 0 <= base_id < 2**63:  # a typed-in value SQLite can't even compare
        base_id = None
    base = rows.filter(history_id__lte=base_id).order_by("-history_id").first() if base_id is not None else None
    if base is None:  # an unknown version: say who saved last, without a field list
        return Conflict(version=version, users=[latest.history_user] if latest else [], date=latest and latest.history_date)
    newer = list(rows.filter(history_id__gt=base.history_id).order_by("history_id").select_related("history_user"))
    merged: dict[str, Change] = {}
    users, reasons, previous = [], [], base
    for row in newer:
        delta = row.diff_against(previous)
        previous = row
        for change in delta.changes:
            if change.field in merged:
                merged[change.field].new_raw = change.new
                merged[change.field].user, merged[change.field].date = row.history_user, row.history_date
            else:
                label = capfirst(model._meta.get_field(change.field).verbose_name)
                merged[change.field] = Change(
                    change.field, label, change.old, change.new, user=row.history_user, date=row.history_date
                )
        if delta.changes:
            users.append(row.history_user)
            if row.history_change_reason:
                reasons.append(row.history_change_reason)
    changes = [change for change in merged.values() if not _same(change.old_raw, change.new_raw)]
    if not changes:
        return None
    for change in changes:
        change.old = display_value(model, change.name, change.old_raw)
        change.new = display_value(model, change.name, change.new_raw)
    changes.sort(key=lambda change: change.date)
    return Conflict(
        version=version,
        changes=changes,
        users=[change.user for change in changes],
        date=changes[-1].date,
        reasons=list(dict.fromkeys(reasons)),
    )


# --- Forms -----------------------------------------------------------------------------------


def _form_initial(model, name, raw):
    """A value from ``diff_against`` as a form field's initial value."""
    model_field = model._meta.get_field(name)
    if model_field.many_to_many:
        target = get_m2m_reverse_field_name(model_field)
        return [row[target] for row in raw or []]
    return raw


def _as_data(form_field, value):
    """``value`` (as ``model_to_dict`` gives it) as the strings a browser would post back for
    ``form_field``, the way an unbound form renders it; ``None`` when it can't be said."""
    widget = form_field.widget
    if isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    if isinstance(widget, (forms.MultiWidget, forms.FileInput)):
        return None
    prepared = form_field.prepare_value(value)
    if isinstance(widget, forms.CheckboxInput):
        return ["on"] if widget.check_test(prepared) else []
    formatted = widget.format_value(prepared)
    if formatted is None:
        return [""]
    if isinstance(formatted, (list, tuple)):
        return [str(item) for item in formatted]
    return [str(formatted)]


class VersionedModelForm(forms.ModelForm):
    """Base of every edit form of a model with history: the hidden ``edit_version`` and the
    check. Views call ``check_version()`` inside ``transaction.atomic()`` after
    ``is_valid()`` and before writing; admin forms (``check_version_in_clean``) run it from
    ``clean()``, inside the admin's transaction."""

    edit_version = forms.CharField(required=False, widget=forms.HiddenInput)  # VERSION_FIELD
    check_version_in_clean = False
    conflict: Conflict | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is not None:
            self.initial[VERSION_FIELD] = current_version(self.instance)

    @property
    def changed_data(self):
        return [name for name in super().changed_data if name != VERSION_FIELD]

    def clean(self):
        cleaned = super().clean()
        if self.check_version_in_clean and not self.errors:
            self.check_version()
        return cleaned

    def check_version(self) -> bool:
        """Lock the row and compare versions. ``True``: go on and save. ``False``: a
        conflict, now shown on the form; nothing may be written."""
        instance, model = self.instance, type(self.instance)
        submitted = (getattr(self, "cleaned_data", None) or {}).get(VERSION_FIELD)
        if instance.pk is None or not submitted or history_manager(model) is None:
            return True
        rows = model._base_manager.all()
        if transaction.get_connection(rows.db).in_atomic_block:  # a lock lives as long as its transaction
            rows = rows.select_for_update()
        fresh = rows.get(pk=instance.pk)
        conflict = find_conflict(model, instance.pk, submitted)
        if conflict is None:
            # Columns the form does not edit as they are now (a QuerySet.update such as
            # last_rat_year may have run since the instance was read): never written back stale.
            for model_field in model._meta.concrete_fields:
                if model_field.name not in self.fields and not model_field.primary_key:
                    setattr(instance, model_field.attname, getattr(fresh, model_field.attname))
            return True
        self.show_conflict(conflict, fresh)
        return False

    def show_conflict(self, conflict: Conflict, fresh) -> None:
        self.conflict = conflict
        data = self.data.copy()
        for change in conflict.changes:
            form_field = self.fields.get(change.name)
            if form_field is None or form_field.disabled:
                continue
            if form_field.label:  # as the form names it
                change.label = capfirst(form_field.label)
            base = _form_initial(type(fresh), change.name, change.old_raw)
            change.mine = form_field.has_changed(base, self[change.name].data)
            if change.mine:
                continue
            values = _as_data(form_field, model_to_dict(fresh, [change.name]).get(change.name))
            if values is None:
                change.mine = True  # can't be put back: leave the user's input
            else:
                _set(data, self.add_prefix(change.name), values)
        _set(data, self.add_prefix(VERSION_FIELD), [conflict.version])
        self.data = data
        self.add_error(None, ValidationError(conflict.message(files=bool(self.files)), code="conflict"))
        if self.check_version_in_clean:  # the admin shows no conflict box: one line a change
            for change in conflict.changes:
                self.add_error(None, ValidationError(
                    _("%(field)s: %(old)s → %(new)s (%(who)s, %(when)s)")
                    % {"field": change.label, "old": change.old, "new": change.new, "who": change.who, "when": change.when},
                    code="conflict",
                ))


def _set(data, key, values):
    if hasattr(data, "setlist"):
        if values:
            data.setlist(key, values)
        else:
            data.pop(key, None)
    elif values:
        data[key] = values if len(values) > 1 else values[0]
    else:
        data.pop(key, None)


# --- Views ---------------------------------------------------------------------------------


class VersionedFormViewMixin:
    """For ``UpdateView``s whose form is a ``VersionedModelForm``: the save refuses an
    edit based on an older version (``form_invalid`` with the conflict shown). Put it first
    among the bases so that it wraps every other ``form_valid``."""

    def form_valid(self, form):
        with transaction.atomic():
            if not form.check_version():
                return self.form_invalid(form)
            return super().form_valid(form)


__all__ = [
    "VERSION_FIELD",
    "Change",
    "Conflict",
    "VersionedFormViewMixin",
    "VersionedModelForm",
    "current_version",
    "find_conflict",
]
