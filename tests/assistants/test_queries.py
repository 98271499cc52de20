"""Every list and detail page runs the same number of queries for 3 rows as for 30."""

import datetime

import pytest
from django.urls import reverse

from assistants.models import VisitTopic
from tests.assistants.factories import (
    AssignmentFactory,
    BusinessAssistantFactory,
    CoachingTargetFactory,
    CoachingVisitFactory,
    FinancingProposalFactory,
    FollowUpFactory,
    ProgrammeFactory,
)
from tests.factories import CooperativeFactory
from tests.query_budgets import QUERY_BUDGETS

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(sintang, pendamping, staf):
    """``rows(n)``: n cooperatives assigned to the pendamping, each with a visit (two
    topics), a follow-up and a proposal, in one programme; plus n more assistants."""

    def make(n):
        me = BusinessAssistantFactory(user=pendamping)
        topics = list(VisitTopic.objects.all()[:2])
        programme = ProgrammeFactory()
        visits = []
        for i in range(n):
            cooperative = CooperativeFactory()
            AssignmentFactory(assistant=me, cooperative=cooperative)
            BusinessAssistantFactory()
            visit = CoachingVisitFactory(
                cooperative=cooperative, assistant=me, topics=topics, programme=programme,
                visit_date=datetime.date(2026, 3, 1 + i % 28), created_by=pendamping,
            )
            visit.officers.set([staf])
            FollowUpFactory(visit=visit, owner=staf)
            FinancingProposalFactory(cooperative=cooperative, assistant=me)
            programme.participations.create(cooperative=cooperative)
            visits.append(visit)
        target = CoachingTargetFactory(year=2026)
        return {"me": me, "visit": visits[0], "programme": programme, "target": target,
                "proposal": me.proposals.first()}

    return make


PAGES = [
    ("assistant_list", "assistants:assistant_list", None, "staf"),
    ("assistant_detail", "assistants:assistant_detail", "me", "staf"),
    ("my_cooperatives", "assistants:my_cooperatives", None, "pendamping"),
    ("visit_list", "assistants:visit_list", None, "staf"),
    ("visit_detail", "assistants:visit_detail", "visit", "staf"),
    ("visit_add", "assistants:visit_add", None, "pendamping"),
    ("visit_edit", "assistants:visit_edit", "visit", "pendamping"),
    ("followup_list", "assistants:followup_list", None, "staf"),
    ("target_list", "assistants:target_list", None, "staf"),
    ("target_progress", "assistants:target_progress", "target", "staf"),
    ("programme_list", "assistants:programme_list", None, "staf"),
    ("programme_detail", "assistants:programme_detail", "programme", "staf"),
    ("programme_edit", "assistants:programme_edit", "programme", "staf"),
    ("proposal_list", "assistants:proposal_list", None, "pendamping"),
    ("proposal_detail", "assistants:proposal_detail", "proposal", "pendamping"),
    ("monthly_report", "assistants:monthly_report", None, "pendamping"),
]


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize(("budget", "name", "attribute", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_query_count_does_not_grow_with_rows(
    client_as, request, django_assert_max_num_queries, rows, n, budget, name, attribute, who
):
    made = rows(n)
    client = client_as(request.getfixturevalue(who))
    url = reverse(name, args=[made[attribute].pk]) if attribute else reverse(name)
    if name == "assistants:monthly_report":
        url += f"?assistant={made['me'].pk}&month=2026-03"
    with django_assert_max_num_queries(QUERY_BUDGETS[f"assistants:{budget}"]):
        response = client.get(url)
    assert response.status_code == 200
