"""Health assessment scoring (domain brief section 6) as pure functions on plain values.

An instrument weighs its aspects; the weights add up to ``WEIGHT_TOTAL`` (100). Each
aspect score lies in ``0..max_score`` (100 for the percentage instruments, 5 for the 2007
rating's 1-5 scale). The total rescales every aspect to its weight and the sum to
``max_total``::

    total = sum(score / max_score * weight) * max_total / 100

so a percentage instrument (max_score 100, max_total 100) gives ``sum(score * weight) /
100`` in 0..100, and the 2007 rating (max_score 5, max_total 500) gives ``sum(score *
weight)`` in 0..500, the "skor x bobot" sum its cut-offs (180, 260, 340, above 419) refer to.

A category is the label of the highest lower bound not above the value. The rule for
every instrument's bands, also where a regulation writes them as integer ranges: a band's
lower bound is inclusive and the band runs up to the next band's lower bound, exclusive.
So 80 is Sehat and 79.99 Cukup Sehat (Perdep 06/2016: 80-100, 66-<80, ...); 75.50 is
nilai 2 (Juknis 15/2021: 76-100 nilai 1, 51-75 nilai 2: 51 up to 76); 339.50 is Cukup
Berkualitas (2007: 260-339, 340-419: 260 up to 340). "Above 419" is the one bound written
exclusive: totals carry two decimals, so it is stored as the inclusive bound 419.01 and
419.50 is Sangat Berkualitas (migration 0007). Totals are rounded to two decimals, half
up, before the category is looked up, so the category always matches the total shown and
no fractional total falls between two bands.

No database here: the service (``services.assessment_create``) passes in the
instrument's rows as plain values and stores the result with a snapshot of them.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHT_TOTAL = Decimal("100")
CENT = Decimal("0.01")


def to_decimal(value) -> Decimal:
    """A Decimal from an int, str or Decimal (floats via their shortest repr)."""
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError(_("%(value)s bukan angka.") % {"value": value}, code="not_a_number") from error


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def validate_weights(weights: Mapping[str, Decimal] | Iterable, *, total: Decimal = WEIGHT_TOTAL) -> None:
    """Every weight is positive and together they make ``total`` (100); else ValidationError."""
    values = [to_decimal(w) for w in (weights.values() if isinstance(weights, Mapping) else weights)]
    if not values:
        raise ValidationError(_("Instrumen belum punya aspek penilaian."), code="no_aspects")
    if any(value <= 0 for value in values):
        raise ValidationError(_("Setiap bobot aspek harus lebih dari 0."), code="weight_not_positive")
    weight_sum = sum(values, Decimal(0))
    if weight_sum != total:
        raise ValidationError(
            _("Jumlah bobot aspek harus %(total)s, sekarang %(sum)s.")
            % {"total": _plain(total), "sum": _plain(weight_sum)},
            code="weights_sum",
        )


def validate_thresholds(thresholds: Sequence[tuple], *, max_total: Decimal) -> None:
    """Lower bounds are distinct, within ``0..max_total``, and one of them is 0 (no gap at the bottom)."""
    bounds = [to_decimal(lower) for lower, _label in thresholds]
    if not bounds:
        raise ValidationError(_("Instrumen belum punya batas kategori."), code="no_thresholds")
    if len(set(bounds)) != len(bounds):
        raise ValidationError(_("Batas bawah kategori tidak boleh sama."), code="threshold_duplicate")
    if any(bound < 0 or bound > to_decimal(max_total) for bound in bounds):
        raise ValidationError(
            _("Batas bawah kategori harus antara 0 dan %(max)s.") % {"max": _plain(to_decimal(max_total))},
            code="threshold_range",
        )
    if min(bounds) != 0:
        raise ValidationError(_("Kategori terendah harus berbatas bawah 0."), code="threshold_bottom")


def validate_score(score, *, max_score: Decimal = Decimal(100)) -> Decimal:
    """The score as a Decimal, if it lies in ``0..max_score``; else ValidationError."""
    value = to_decimal(score)
    if value < 0 or value > to_decimal(max_score):
        raise ValidationError(
            _("Nilai harus antara 0 dan %(max)s.") % {"max": _plain(to_decimal(max_score))}, code="score_range"
        )
    return value


def weighted_total(
    *,
    scores: Mapping[str, Decimal],
    weights: Mapping[str, Decimal],
    max_score: Decimal = Decimal(100),
    max_total: Decimal = Decimal(100),
) -> Decimal:
    """The instrument's total, rounded to two decimals (see the module docstring).

    ``scores`` and ``weights`` are keyed by aspect name and must name the same aspects.
    """
    validate_weights(weights)
    missing = [name for name in weights if name not in scores]
    if missing:
        raise ValidationError(
            _("Nilai aspek %(names)s belum diisi.") % {"names": ", ".join(missing)}, code="score_missing"
        )
    unknown = [name for name in scores if name not in weights]
    if unknown:
        raise ValidationError(
            _("Aspek %(names)s tidak ada dalam instrumen.") % {"names": ", ".join(unknown)}, code="score_unknown"
        )
    max_score, max_total = to_decimal(max_score), to_decimal(max_total)
    raw = sum(
        (
            validate_score(scores[name], max_score=max_score) / max_score * to_decimal(weight)
            for name, weight in weights.items()
        ),
        Decimal(0),
    )
    return quantize(raw * max_total / WEIGHT_TOTAL)


def aspect_contribution(*, score, weight, max_score=Decimal(100), max_total=Decimal(100)) -> Decimal:
    """One aspect's share of the total (what the worksheet calls the aspect's "skor")."""
    share = to_decimal(score) / to_decimal(max_score) * to_decimal(weight)
    return quantize(share * to_decimal(max_total) / WEIGHT_TOTAL)


def health_category(*, total, thresholds: Iterable[tuple]) -> str:
    """The label of the highest lower bound at or below ``total``.

    ``thresholds`` are ``(lower_bound, label)`` pairs in any order; a total below every
    bound (only possible with a malformed instrument) gets the lowest bound's label.
    """
    ordered = sorted(((to_decimal(lower), label) for lower, label in thresholds), key=lambda pair: pair[0])
    if not ordered:
        raise ValidationError(_("Instrumen belum punya batas kategori."), code="no_thresholds")
    value = quantize(to_decimal(total))
    label = ordered[0][1]
    for lower, candidate in ordered:
        if value >= lower:
            label = candidate
    return label


def category_rank(*, total, thresholds: Iterable[tuple]) -> int:
    """1 for the best category, 2 for the next ... (the Juknis 15/2021 "nilai" 1-4)."""
    ordered = sorted((to_decimal(lower) for lower, _label in thresholds), reverse=True)
    value = quantize(to_decimal(total))
    for rank, lower in enumerate(ordered, start=1):
        if value >= lower:
            return rank
    return len(ordered)


def checklist_percentage(*, met, items) -> Decimal:
    """Checklist items scored 1/0 (Juknis 15/2021): the share met, as a percentage."""
    met, items = int(met), int(items)
    if items <= 0:
        raise ValidationError(_("Jumlah butir harus lebih dari 0."), code="items_positive")
    if met < 0 or met > items:
        raise ValidationError(
            _("Butir terpenuhi harus antara 0 dan %(items)s.") % {"items": items}, code="met_range"
        )
    return quantize(Decimal(met) * 100 / Decimal(items))


@dataclass(frozen=True)
class Aspect:
    name: str
    weight: Decimal
    id: int | None = None
    order: int = 0


@dataclass(frozen=True)
class InstrumentRules:
    """An instrument's rules as plain values: what a result is computed with and stored as."""

    code: str
    version: int
    kind: str
    aspects: tuple[Aspect, ...]
    thresholds: tuple[tuple[Decimal, str], ...]  # (lower bound, label) for the total
    aspect_thresholds: tuple[tuple[Decimal, str], ...] = ()  # for each aspect's score, if any
    max_score: Decimal = Decimal(100)
    max_total: Decimal = Decimal(100)

    @property
    def weights(self) -> dict[str, Decimal]:
        return {aspect.name: aspect.weight for aspect in self.aspects}

    def snapshot(self) -> dict:
        """JSON-ready copy, stored with every assessment."""
        return {
            "instrument": self.code,
            "version": self.version,
            "kind": self.kind,
            "max_score": str(self.max_score),
            "max_total": str(self.max_total),
            "weights": {name: str(weight) for name, weight in self.weights.items()},
            "thresholds": [[str(lower), label] for lower, label in self.thresholds],
            "aspect_thresholds": [[str(lower), label] for lower, label in self.aspect_thresholds],
        }

    def validate(self) -> None:
        validate_weights(self.weights)
        validate_thresholds(self.thresholds, max_total=self.max_total)
        if self.aspect_thresholds:
            validate_thresholds(self.aspect_thresholds, max_total=self.max_score)


@dataclass(frozen=True)
class AspectResult:
    aspect: Aspect
    score: Decimal
    contribution: Decimal
    category: str = ""
    rank: int | None = None


@dataclass(frozen=True)
class AssessmentResult:
    total: Decimal
    category: str
    rank: int
    max_total: Decimal
    aspects: tuple[AspectResult, ...] = field(default_factory=tuple)


def score_assessment(*, rules: InstrumentRules, scores: Mapping[str, Decimal]) -> AssessmentResult:
    """Total, category and per-aspect results for ``scores`` (keyed by aspect name).

    The one computation behind the live preview and the stored result.
    """
    rules.validate()
    total = weighted_total(
        scores=scores, weights=rules.weights, max_score=rules.max_score, max_total=rules.max_total
    )
    aspects = []
    for aspect in rules.aspects:
        score = to_decimal(scores[aspect.name])
        aspects.append(
            AspectResult(
                aspect=aspect,
                score=score,
                contribution=aspect_contribution(
                    score=score, weight=aspect.weight, max_score=rules.max_score, max_total=rules.max_total
                ),
                category=health_category(total=score, thresholds=rules.aspect_thresholds)
                if rules.aspect_thresholds
                else "",
                rank=category_rank(total=score, thresholds=rules.aspect_thresholds)
                if rules.aspect_thresholds
                else None,
            )
        )
    return AssessmentResult(
        total=total,
        category=health_category(total=total, thresholds=rules.thresholds),
        rank=category_rank(total=total, thresholds=rules.thresholds),
        max_total=rules.max_total,
        aspects=tuple(aspects),
    )


def _plain(value: Decimal) -> str:
    """``Decimal('100.00')`` as ``100``, ``Decimal('99.50')`` as ``99,5`` (Indonesian comma)."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")
