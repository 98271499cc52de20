"""Reads for the registry pages: every one starts from ``visible_to(user)``."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from koperasi_registry.scopes import Scope

from .choices import Lifecycle, Status
from .models import Cooperative, District, Kelompok, RatAttachment, RatFiling, Village
from .status import StatusRules, status_date, status_reason


def cooperative_list(*, user, today: datetime.date | None = None, year: int | None = None):
    """The cooperatives ``user`` may see, with the derived ``status`` and what list columns
    show (village, kecamatan, kelompok) joined in. With a past ``year``: those registered
    at its end, with their status then (``status.status_date``)."""
    today = today or timezone.localdate()
    return (
        Cooperative.objects.visible_to(user)
        .with_status_on(status_date(year=year, today=today), today=today)
        .select_related("village__district", "kelompok")
    )


def rat_overdue_list(*, user, today: datetime.date | None = None):
    """Cooperatives that owe the RAT of their reference book year: not dissolved, not Baru,
    and without a filing for that year (their status is Kurang aktif or Tidak aktif)."""
    return cooperative_list(user=user, today=today).filter(
        lifecycle=Lifecycle.BERJALAN, status__in=[Status.KURANG_AKTIF, Status.TIDAK_AKTIF]
    )


def cooperative_get(*, user, pk, today: datetime.date | None = None) -> Cooperative:
    """One cooperative ``user`` may see (404 otherwise), with its status."""
    return get_object_or_404(cooperative_list(user=user, today=today), pk=pk)


def ratfiling_get(*, user, pk) -> RatFiling:
    """One RAT filing of a cooperative ``user`` may see (404 otherwise)."""
    return get_object_or_404(
        RatFiling.objects.select_related("cooperative").filter(
            cooperative__in=Cooperative.objects.visible_to(user).values("pk")
        ),
        pk=pk,
    )


def ratattachment_get(*, user, pk) -> RatAttachment:
    """One attachment of a RAT filing of a cooperative ``user`` may see (404 otherwise)."""
    return get_object_or_404(
        RatAttachment.objects.filter(filing__cooperative__in=Cooperative.objects.visible_to(user).values("pk")),
        pk=pk,
    )


def last_rat_from_record(cooperative: Cooperative, *, filed_years) -> bool:
    """Is ``last_rat_year`` the office's ``recorded_rat_year`` rather than a filing?
    ``filed_years``: the book years it has filings for (a filing of the same year counts)."""
    year = cooperative.last_rat_year
    return year is not None and year == cooperative.recorded_rat_year and year not in filed_years


def explain_status(
    cooperative: Cooperative, *, rules: StatusRules | None = None, today=None, from_record: bool = False
) -> str:
    """The reason for an annotated cooperative's ``status`` ("RAT terakhir: tahun buku 2021 ...");
    ``from_record``: its last RAT year is the office's record (``last_rat_from_record``)."""
    rules = rules or StatusRules.from_settings()
    today = today or timezone.localdate()
    return status_reason(
        status=cooperative.status,
        founded=cooperative.founded_on,
        last_rat_year=cooperative.last_rat_year,
        reference_year=rules.reference_year(today=today, bentuk=cooperative.bentuk),
        window=rules.window,
        from_record=from_record,
    )


@dataclass
class TimelineRow:
    book_year: int
    deadline: datetime.date
    filing: RatFiling | None = None
    attachments: list = field(default_factory=list)

    @property
    def on_time(self) -> bool | None:
        if self.filing is None:
            return None
        return self.filing.reported_on <= self.deadline


def rat_timeline(*, cooperative: Cooperative, rules: StatusRules | None = None, today=None) -> list[TimelineRow]:
    """One row per book year, newest first: every filing (with attachments, two queries in
    all) plus the due years inside the status window that have none, and the office's
    recorded last RAT year."""
    rules = rules or StatusRules.from_settings()
    today = today or timezone.localdate()
    filings = list(
        RatFiling.objects.filter(cooperative=cooperative)
        .order_by("-book_year")
        .prefetch_related(Prefetch("attachments", queryset=RatAttachment.objects.order_by("kind", "pk")))
    )
    by_year = {filing.book_year: filing for filing in filings}
    reference = rules.reference_year(today=today, bentuk=cooperative.bentuk)
    years = set(by_year)
    if cooperative.lifecycle == Lifecycle.BERJALAN:
        first_due = reference - rules.window + 1
        if cooperative.founded_on:
            # The first book year it existed for in full (founded on 1 January counts).
            founded = cooperative.founded_on
            first_due = max(first_due, founded.year if (founded.month, founded.day) == (1, 1) else founded.year + 1)
        years |= set(range(first_due, reference + 1))
    if cooperative.recorded_rat_year:
        years.add(cooperative.recorded_rat_year)  # shown as the office's record
    return [
        TimelineRow(
            book_year=year,
            deadline=rules.deadline(book_year=year, bentuk=cooperative.bentuk),
            filing=by_year.get(year),
            attachments=list(by_year[year].attachments.all()) if year in by_year else [],
        )
        for year in sorted(years, reverse=True)
    ]


@dataclass
class HistoryEntry:
    when: datetime.datetime
    user: object
    action: str  # "+", "~", "-"
    subject: str
    changes: list  # (field label, old, new)
    model: type = Cooperative


def _display(model, name, value, lookups):
    field_ = model._meta.get_field(name)
    if value is None or value == "":
        return "–"
    if field_.choices:
        return dict(field_.flatchoices).get(value, value)
    if field_.is_relation:
        return lookups.get(name, {}).get(value, f"#{value}")
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _diffs(records, model, excluded, subject):
    """Entries from one object's history records (newest first): each against the one before."""
    entries = []
    for newer, older in zip(records, records[1:] + [None]):
        if older is None or newer.history_type != "~":
            changes = []
        else:
            delta = newer.diff_against(older, excluded_fields=excluded)
            changes = [(change.field, change.old, change.new) for change in delta.changes]
            if not changes:
                continue
        entries.append(
            HistoryEntry(
                when=newer.history_date,
                user=newer.history_user,
                action=newer.history_type,
                subject=subject(newer),
                changes=changes,
                model=model,
            )
        )
    return entries


def cooperative_history(*, cooperative: Cooperative, limit: int = 100) -> list[HistoryEntry]:
    """Who changed what and when, for the cooperative and its RAT filings, newest first.

    A fixed number of queries: the two history tables (users joined) and one lookup each
    for the kelompok and village names that appear in the changes.
    """
    excluded = ["created_at", "updated_at"]
    coop_records = list(
        Cooperative.history.filter(id=cooperative.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    filing_records = list(
        RatFiling.history.filter(cooperative_id=cooperative.pk)
        .select_related("history_user")
        .order_by("id", "-history_date", "-history_id")
    )
    entries = _diffs(coop_records, Cooperative, excluded, lambda record: _("Profil"))
    by_filing: dict[int, list] = {}
    for record in filing_records:
        by_filing.setdefault(record.id, []).append(record)
    for records in by_filing.values():
        entries += _diffs(records, RatFiling, excluded, lambda record: _("RAT tahun buku %(year)s") % {"year": record.book_year})

    # Resolve the foreign keys that appear in changes, one query per model.
    wanted = {"village": set(), "kelompok": set()}
    for entry in entries:
        for name, old, new in entry.changes:
            if name in wanted:
                wanted[name] |= {old, new} - {None}
    lookups = {
        "village": {v.pk: str(v) for v in Village.objects.filter(pk__in=wanted["village"])} if wanted["village"] else {},
        "kelompok": {k.pk: str(k) for k in Kelompok.objects.filter(pk__in=wanted["kelompok"])} if wanted["kelompok"] else {},
    }
    for entry in entries:
        model = entry.model
        entry.changes = [
            (
                str(model._meta.get_field(name).verbose_name),
                _display(model, name, old, lookups),
                _display(model, name, new, lookups),
            )
            for name, old, new in entry.changes
        ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def rat_compliance(*, book_year: int, user, district=None, rules: StatusRules | None = None) -> dict:
    """RAT compliance for one book year among the cooperatives ``user`` sees (optionally one
    kecamatan): ``{due, on_time, late, not_filed}``, in one aggregate query."""
    cooperatives = Cooperative.objects.visible_to(user)
    if district is not None:
        cooperatives = cooperatives.filter(village__district=district)
    return cooperatives.rat_compliance_counts(book_year=book_year, rules=rules)


def office_districts(*, scope: Scope):
    """The kecamatan inside an office ``scope`` (``access.office_scope(user)``), for filters
    and forms."""
    return District.objects.filter(scope.code_q()).order_by("name")


def office_villages(*, scope: Scope):
    """The villages inside an office ``scope``, with their kecamatan, ordered for a grouped
    select."""
    return (
        Village.objects.filter(scope.code_q())
        .select_related("district")
        .order_by("district__name", "name")
    )


# --- Village coverage (the village list and the dashboard share these definitions) -------------


def village_flags(*, day: datetime.date, today: datetime.date) -> dict:
    """Annotations for ``Village`` querysets: ``has_active``, some cooperative of the
    village Aktif on ``day``; ``has_merah_putih``, some Merah Putih cooperative of the
    village registered and still running on ``day`` (a dissolution decree dated later did
    not count yet, ``CooperativeQuerySet.running_on``). The dashboard counts villages with
    these (``flagged_villages``)."""
    active = Cooperative.objects.with_status_on(day, today=today).filter(village=OuterRef("pk"), status=Status.AKTIF)
    merah_putih = (
        Cooperative.objects.registered_on(day).running_on(day).filter(village=OuterRef("pk"), is_merah_putih=True)
    )
    return {"has_active": Exists(active), "has_merah_putih": Exists(merah_putih)}


def flagged_villages(*, day: datetime.date, today: datetime.date, scope: Scope):
    """The office's villages with the ``village_flags``: the rows behind every
    village-coverage figure. The village list shows them (its ``coverage`` filter: a flag
    false), the dashboard counts them (``village_coverage_counts``)."""
    return Village.objects.filter(scope.code_q()).annotate(**village_flags(day=day, today=today))


VILLAGE_COVERAGE_KEYS = ("villages", "without_active", "without_merah_putih")


def village_coverage_counts(villages, *, by: str = "district") -> dict:
    """``{value of by: {villages, without_active, without_merah_putih}}`` over
    ``flagged_villages`` rows, the village list's ``coverage`` filter counted: one query
    grouped by ``by`` and both flags (not a ``COUNT ... FILTER`` per figure: PostgreSQL
    copies each ``EXISTS`` into every filter, see the map's ``village_summary``)."""
    counts: dict = {}
    for row in villages.order_by().values(by, "has_active", "has_merah_putih").annotate(n=Count("pk")):
        found = counts.setdefault(row[by], dict.fromkeys(VILLAGE_COVERAGE_KEYS, 0))
        found["villages"] += row["n"]
        found["without_active"] += 0 if row["has_active"] else row["n"]
        found["without_merah_putih"] += 0 if row["has_merah_putih"] else row["n"]
    return counts


def _count_per_village(cooperatives):
    """A correlated ``COUNT`` of ``cooperatives`` (already filtered on ``OuterRef("pk")``):
    one number a village row, never more rows."""
    counted = cooperatives.order_by().values("village").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def village_list(*, day: datetime.date, today: datetime.date, scope: Scope):
    """The villages of an office ``scope`` with their kecamatan, the cooperatives registered on ``day``
    (``cooperative_count``, the rows the cooperative list shows for ``?village=``), how many
    of them were Aktif then (``active_count``) and the ``village_flags``."""
    cooperatives = Cooperative.objects.with_status_on(day, today=today).filter(village=OuterRef("pk"))
    return (
        flagged_villages(day=day, today=today, scope=scope)
        .select_related("district")
        .annotate(
            cooperative_count=_count_per_village(cooperatives),
            active_count=_count_per_village(cooperatives.filter(status=Status.AKTIF)),
        )
    )
