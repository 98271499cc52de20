"""Writes for health assessments: the result is computed here, on the server, and stored
with the inputs and a snapshot of the rules it was computed with."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Cooperative
from .models import HealthAspectScore, HealthAssessment, HealthInstrument
from .rules import checklist_percentage, score_assessment
from .selectors import instrument_rules


def aspect_scores_from_checklist(
    *, scores: Mapping[str, object], checklists: Mapping[str, tuple[int, int]] | None
) -> tuple[dict[str, object], dict[str, dict]]:
    """Replace the score of every aspect with a checklist ``(met, items)`` by its percentage.

    Returns the scores and the component values to store with each aspect.
    """
    scores = dict(scores)
    components: dict[str, dict] = {}
    for name, (met, items) in (checklists or {}).items():
        scores[name] = checklist_percentage(met=met, items=items)
        components[name] = {"butir_terpenuhi": int(met), "jumlah_butir": int(items)}
    return scores, components


@transaction.atomic
def assessment_create(
    *,
    cooperative: Cooperative,
    year: int,
    instrument: HealthInstrument,
    assessed_on: datetime.date,
    assessor,
    scores: Mapping[str, object],
    checklists: Mapping[str, tuple[int, int]] | None = None,
    notes: str = "",
    worksheet=None,
) -> HealthAssessment:
    """Record an assessment: validate, compute total and category, snapshot the rules, save.

    ``scores`` maps aspect names to their scores (0..max_score); ``checklists`` maps aspect
    names to ``(items met, items)`` and, where given, replaces that aspect's score by the
    percentage met (Juknis 15/2021). Whatever a client computed is ignored.
    """
    if not instrument.active:
        raise ValidationError({"instrument": _("Instrumen ini tidak aktif lagi.")})
    if not instrument.applies(cooperative):
        raise ValidationError(
            {
                "instrument": _("Instrumen ini berlaku untuk %(scope)s; koperasi ini tidak termasuk.")
                % {"scope": instrument.get_applies_to_display()}
            }
        )
    rules = instrument_rules(instrument=instrument)
    scores, components = aspect_scores_from_checklist(scores=scores, checklists=checklists)
    result = score_assessment(rules=rules, scores=scores)

    assessment = HealthAssessment(
        cooperative=cooperative,
        year=year,
        instrument=instrument,
        assessed_on=assessed_on,
        assessor=assessor,
        notes=notes,
        total=result.total,
        max_total=result.max_total,
        category=result.category,
        category_rank=result.rank,
        snapshot=rules.snapshot(),
    )
    if worksheet:
        assessment.worksheet = worksheet
    assessment.full_clean()
    assessment.save()
    rows = []
    for item in result.aspects:
        row = HealthAspectScore(
            assessment=assessment,
            aspect_id=item.aspect.id,
            order=item.aspect.order,
            name=item.aspect.name,
            weight=item.aspect.weight,
            score=item.score,
            contribution=item.contribution,
            category=item.category,
            components=components.get(item.aspect.name, {}),
        )
        row.full_clean(exclude=["assessment"])
        rows.append(row)
    for row in rows:
        row.save()
    return assessment
