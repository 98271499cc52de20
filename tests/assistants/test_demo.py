"""The demo seeder: assistants always; cooperative rows only when cooperatives exist;
deterministic and idempotent."""

import io

import pytest
from django.utils import timezone

from assistants.models import Assignment, BusinessAssistant, CoachingTarget, CoachingVisit, FinancingProposal, FollowUp, Programme
from koperasi_registry.devtools.demo import assistants as demo
from tests.factories import CooperativeFactory

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (BusinessAssistant, Assignment, CoachingVisit, FollowUp, FinancingProposal, Programme, CoachingTarget)]


def test_without_cooperatives_only_assistants_are_made(make_user, sintang):
    make_user("Pendamping", username="pendamping")
    demo.seed(stdout=io.StringIO())
    assert BusinessAssistant.objects.count() == 11
    assert BusinessAssistant.objects.filter(user__username="pendamping").exists()
    assert not Assignment.objects.exists() and not CoachingVisit.objects.exists()


def test_with_cooperatives_a_year_of_work_is_seeded_once(make_user, sintang):
    make_user("Pendamping", username="pendamping")
    CooperativeFactory.create_batch(200)
    demo.seed(stdout=io.StringIO())
    first = counts()
    per_assistant = [a.assignments.count() for a in BusinessAssistant.objects.all()]
    assert all(7 <= n <= 15 for n in per_assistant)
    assert BusinessAssistant.objects.get(user__username="pendamping").assignments.count() == 12
    assert CoachingVisit.objects.filter(topics__isnull=False).exists()
    assert FollowUp.objects.overdue(today=timezone.localdate()).exists()
    assert FollowUp.objects.filter(closed_in_visit__isnull=False).exists()
    assert set(FinancingProposal.objects.values_list("status", flat=True)) == {"draf", "diajukan", "disetujui", "ditolak", "dicairkan"}
    assert set(Programme.objects.values_list("funding", flat=True)) == {"apbd", "dak"}
    assert CoachingVisit.objects.filter(programme__isnull=False, kind="monev").exists()
    assert CoachingTarget.objects.get().target_count == 150
    demo.seed(stdout=io.StringIO())
    assert counts() == first
