"""Checking every row against the models' rules, then saving all rows or none.

The check builds a :class:`Plan`: the rows to create and to update (with each changed
field's old and new value), a ``preview`` of them for the job page and a ``fingerprint``
of exactly what saving would write. Saving is given the fingerprint the user saw: it
checks the sheet again against the data as it is, and writes only if the plan is the same
(the rows it updates locked and compared once more inside the saving transaction);
otherwise it returns the new plan, marked ``stale``, and writes nothing.
"""

from __future__ import annotations

from koperasi_registry.models import ImportJob

from .base import Importer, Plan, PlanChanged, Result
from .cooperative_rows import CooperativeImporter
from .rat_rows import RatImporter
from .sheets import Sheet

__all__ = ["CooperativeImporter", "Importer", "Plan", "PlanChanged", "RatImporter", "Result", "import_sheet"]

IMPORTERS = {ImportJob.Kind.COOPERATIVE: CooperativeImporter, ImportJob.Kind.RAT: RatImporter}


def import_sheet(
    *, kind: str, sheet: Sheet, user=None, save: bool, progress=None, expect: str | None = None
) -> tuple[Plan, Result | None]:
    """Check every row; when none failed and ``save`` is set, save them all in one transaction.

    ``expect``: the fingerprint of the plan the user confirmed. If the plan is now a
    different one (the data changed since the dry run), nothing is written and the new plan
    comes back with ``stale`` set, for the user to look at and confirm again.
    """
    importer = IMPORTERS[kind](sheet=sheet, user=user)
    plan = importer.check(progress)
    if plan.errors or not save:
        return plan, None
    if expect is not None and plan.fingerprint != expect:
        plan.stale = True
        return plan, None
    try:
        return plan, importer.save(plan)
    except PlanChanged:
        # Changed between this check and the lock: check once more and show that plan.
        importer = IMPORTERS[kind](sheet=sheet, user=user)
        plan = importer.check(progress)
        plan.stale = True
        return plan, None
