"""Reads of the office's plans: coaching targets (the list, a target's progress), the
coaching programmes and financing proposals (their lists, a programme's participants
with its monitoring visits, a proposal's status changes)."""

from django.db.models import Count, OuterRef, Subquery

from cooperatives.models import Cooperative, Regency
from cooperatives.querysets import visible_cooperatives_q

from . import coaching, conf
from .models import CoachingTarget, CoachingVisit, FinancingProposal, Programme, ProgrammeParticipation
from .selectors import _count, coached_cooperative_ids


def target_list(*, user):
    """The targets of the offices inside the user's scope (``CoachingTargetQuerySet``), each
    with its office's kabupaten/kota (``office_regency``) or province (``office_province``)
    name, read in the same query."""
    return (
        CoachingTarget.objects.visible_to(user)
        .select_related("district")
        .annotate(
            office_regency=Subquery(Regency.objects.filter(code=OuterRef("office_code")).values("name")[:1]),
            office_province=Subquery(
                Regency.objects.filter(province_code=OuterRef("office_code")).values("province_name")[:1]
            ),
        )
    )


def target_progress(*, target: CoachingTarget, user) -> dict:
    """Progress of a target: coached cooperatives against it, and by kecamatan."""
    coached = Cooperative.objects.visible_to(user).filter(pk__in=coached_cooperative_ids(user=user, year=target.year))
    if target.district_id:
        coached = coached.filter(village__district_id=target.district_id)
    by_district = list(
        coached.order_by()
        .values("village__district_id", "village__district__name")
        .annotate(coached=Count("id"))
        .order_by("village__district__name")
    )
    total = sum(row["coached"] for row in by_district)  # a handful of kecamatan rows, not cooperatives
    return {
        "progress": coaching.target_progress(coached=total, target=target.target_count),
        "by_district": by_district,
        "min_visits": conf.coached_min_visits(),
        "kinds": conf.coached_visit_kinds(),
    }


def programme_list(*, user):
    """The programmes ``user`` sees (``ProgrammeQuerySet.visible_to``), with the participants
    and monitoring visits *the user sees* counted (a province's programme shown to a
    kabupaten user counts the kabupaten's, as its detail page and the linked visit list)."""
    participants = ProgrammeParticipation.objects.filter(visible_cooperatives_q(user, path="cooperative"))
    return Programme.objects.visible_to(user).annotate(
        participant_count=_count(participants.filter(programme=OuterRef("pk"))),
        monitoring_visit_count=_count(CoachingVisit.objects.visible_to(user).filter(programme=OuterRef("pk"))),
    )


def programme_participants(*, programme: Programme, user):
    visits = CoachingVisit.objects.filter(programme=programme, cooperative=OuterRef("cooperative"))
    return (
        programme.participations.filter(cooperative__in=Cooperative.objects.visible_to(user).values("pk"))
        .select_related("cooperative__village__district")
        .annotate(
            monitoring_visits=_count(visits),
            last_monitoring=Subquery(visits.order_by("-visit_date").values("visit_date")[:1]),
        )
        .order_by("cooperative__name")
    )


def proposal_list(*, user):
    return FinancingProposal.objects.visible_to(user).select_related(
        "cooperative__village__district", "assistant__user"
    )


def proposal_status_history(*, proposal: FinancingProposal):
    """Status changes only, oldest first, from the proposal's history table."""
    rows = list(proposal.history.select_related("history_user").order_by("history_date", "history_id"))
    changes, previous = [], None
    for row in rows:  # one proposal's own history, a few rows
        if row.status != previous:
            changes.append({"status": row.get_status_display(), "date": row.history_date, "user": row.history_user})
            previous = row.status
    return changes
