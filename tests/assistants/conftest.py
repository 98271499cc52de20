"""A small office: two assistants, each with assigned cooperatives, and one cooperative
assigned to nobody. ``office.mine`` is the ``pendamping`` fixture's cooperative."""

import datetime
from types import SimpleNamespace

import pytest

from tests.assistants.factories import (
    AssignmentFactory,
    BusinessAssistantFactory,
    CoachingVisitFactory,
    FinancingProposalFactory,
    FollowUpFactory,
    ProgrammeFactory,
)
from tests.factories import CooperativeFactory


@pytest.fixture
def office(sintang, pendamping, make_user, staf):
    mine = CooperativeFactory(name="Koperasi Milik Saya")
    other = CooperativeFactory(name="Koperasi Pendamping Lain")
    unassigned = CooperativeFactory(name="Koperasi Tanpa Pendamping")
    me = BusinessAssistantFactory(user=pendamping)
    someone = BusinessAssistantFactory(user=make_user("Pendamping", username="pendamping-lain"))
    AssignmentFactory(assistant=me, cooperative=mine, start_date=datetime.date(2025, 1, 1))
    AssignmentFactory(assistant=someone, cooperative=other, start_date=datetime.date(2025, 1, 1))
    my_visit = CoachingVisitFactory(cooperative=mine, assistant=me, created_by=pendamping)
    other_visit = CoachingVisitFactory(cooperative=other, assistant=someone, created_by=someone.user)
    my_followup = FollowUpFactory(visit=my_visit, owner=pendamping)
    other_followup = FollowUpFactory(visit=other_visit, owner=someone.user)
    programme = ProgrammeFactory()
    programme.participations.create(cooperative=mine)
    my_proposal = FinancingProposalFactory(cooperative=mine, assistant=me)
    other_proposal = FinancingProposalFactory(cooperative=other, assistant=someone)
    return SimpleNamespace(
        mine=mine, other=other, unassigned=unassigned, me=me, someone=someone, my_visit=my_visit,
        other_visit=other_visit, my_followup=my_followup, other_followup=other_followup, programme=programme,
        my_proposal=my_proposal, other_proposal=other_proposal,
    )
