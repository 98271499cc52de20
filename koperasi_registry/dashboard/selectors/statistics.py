"""The ministry's national statistics table, per kecamatan and for the kabupaten.

Columns (domain brief, section 4): aktif, tidak aktif, RAT, NIK, anggota, manajer,
karyawan, modal sendiri, modal luar, volume usaha, SHU. "Aktif" is the national reading
(a RAT within the window: our Aktif + Kurang aktif); Baru (no RAT due yet) gets its own
column so that the three add up to the cooperatives counted; cooperatives dissolved or
being dissolved are left out. Statuses are those on the period's day; RAT, people and
money come from the filings for the period's reference book year.

One query grouped by kecamatan (the book year's filing is a LEFT JOIN through a
``FilteredRelation``: at most one filing a cooperative and year, so no row is counted
twice); the kabupaten total is the sum of its rows, which partition the office (a second
pass over the cooperatives cost 400 ms at national scale).
"""

from decimal import Decimal

from django.db.models import Count, DecimalField, F, FilteredRelation, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce

from cooperatives.choices import Status

from ...access import office_scope
from ...scopes import REGENCY
from .cache import cached_figures

# The statuses the table counts, by column; dissolution statuses are not counted.
AKTIF_NASIONAL = (Status.AKTIF, Status.KURANG_AKTIF)
COLUMN_STATUSES = {
    "aktif": AKTIF_NASIONAL,
    "tidak_aktif": (Status.TIDAK_AKTIF,),
    "baru": (Status.BARU,),
}
COUNTED = (*AKTIF_NASIONAL, Status.TIDAK_AKTIF, Status.BARU)
NOT_COUNTED = (Status.PEMBUBARAN, Status.DIBUBARKAN)

FILING = "book_filing"  # the FilteredRelation: the cooperative's filing for the book year
PEOPLE = ("members", "managers", "employees")
MONEY = ("modal_sendiri", "modal_luar", "volume_usaha", "shu")
MONEY_FIELD = DecimalField(max_digits=20, decimal_places=2)


def _people_sum(*fields: str):
    expression = F(f"{FILING}__{fields[0]}")
    for field in fields[1:]:
        expression = expression + F(f"{FILING}__{field}")
    return Coalesce(Sum(expression), Value(0), output_field=IntegerField())


def statistics_aggregates() -> dict:
    """The aggregate expressions of one table row (kecamatan or kabupaten)."""
    counts = {column: Count("pk", filter=Q(status__in=statuses)) for column, statuses in COLUMN_STATUSES.items()}
    people = {}
    for name in PEOPLE:
        people[f"{name}_male"] = _people_sum(f"{name}_male")
        people[f"{name}_female"] = _people_sum(f"{name}_female")
        people[name] = _people_sum(f"{name}_male", f"{name}_female")
    money = {
        name: Coalesce(Sum(f"{FILING}__{name}"), Value(Decimal("0")), output_field=MONEY_FIELD) for name in MONEY
    }
    return {
        "registered": Count("pk"),
        **counts,
        "rat": Count(f"{FILING}__pk"),
        "nik": Count("pk", filter=~Q(nik="")),
        **people,
        **money,
    }


def statistics_rows(*, user, period):
    """The cooperatives the table counts (statuses on ``period.day``, kecamatan of the
    period if chosen), each joined to its filing for ``period.book_year``."""
    return (
        period.cooperatives(user)
        .filter(status__in=COUNTED)
        .annotate(**{FILING: FilteredRelation("rat_filings", condition=Q(rat_filings__book_year=period.book_year))})
    )


@cached_figures
def ministry_statistics(*, user, period) -> dict:
    """``{"rows": [one dict a kecamatan], "total": dict or None, "book_year": int}``.

    Rows: every kecamatan of the office (zeros where none), or only the period's kecamatan;
    ``total`` (the kabupaten) only when no kecamatan is chosen. Money in Rupiah (Decimal).
    Two queries: kecamatan names and the grouped rows (the total is their sum). A province office's rows
    are its kabupaten/kota, a national office's its provinces (``scorecard_units``, grouped
    on ``Scope.unit_path``; ``row["district"]`` is then None and ``row["region"]`` the row's
    region); ``level`` says which."""
    from .office import scorecard_units

    aggregates = statistics_aggregates()
    cooperatives = statistics_rows(user=user, period=period)
    scope = period.scope if period.region else office_scope(user)
    units = [period.district] if period.district is not None else scorecard_units(scope)
    unit = scope.unit_path("village__district")
    grouped = {row.pop(unit): row for row in cooperatives.values(unit).annotate(**aggregates).order_by()}
    empty = {name: Decimal("0") if name in MONEY else 0 for name in aggregates}
    rows = [
        {**empty, **grouped.get(region.pk, {}), "district": region if scope.level == REGENCY else None, "region": region}
        for region in units
    ]
    total = None
    if period.district is None:  # the rows partition the office: their sum is its total, exactly
        total = {name: sum((row[name] for row in grouped.values()), empty[name]) for name in aggregates}
    return {"rows": rows, "total": total, "book_year": period.book_year, "level": scope.child_level}
