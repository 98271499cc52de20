"""Office scope of the assistants' pages: the office (OFFICE_REGENCY_CODE, Sintang 61.05)
sees its own assistants, visits and follow-ups, never those of another kabupaten."""

import datetime

import pytest
from django.urls import reverse

from assistants import selectors
from assistants.forms import VisitForm, office_users
from assistants.plan_forms import FinancingProposalForm
from assistants.models import BusinessAssistant
from cooperatives.models import Cooperative, Village
from cooperatives.region_loader import load_regions
from koperasi_registry.access import office_scope
from tests.assistants.factories import (
    AssignmentFactory,
    BusinessAssistantFactory,
    CoachingVisitFactory,
    FollowUpFactory,
)
from tests.factories import CooperativeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(office, make_user):
    """An assistant whose only assignment is in Solok Selatan (13.11), with a visit and an
    open follow-up there; and an assistant registered but not assigned anywhere yet."""
    load_regions(["13.11"])
    far = CooperativeFactory(name="Koperasi Solok", village=Village.objects.filter(code__startswith="13.11.").first())
    stranger = BusinessAssistantFactory(user=make_user("Pendamping", username="pendamping-solok", first_name="Solok"))
    AssignmentFactory(assistant=stranger, cooperative=far, start_date=datetime.date(2025, 1, 1))
    visit = CoachingVisitFactory(cooperative=far, assistant=stranger, created_by=stranger.user)
    followup = FollowUpFactory(visit=visit, owner=stranger.user, due_date=datetime.date(2020, 1, 1))
    newcomer = BusinessAssistantFactory(user=make_user("Pendamping", username="pendamping-baru"))
    return far, stranger, visit, followup, newcomer


def test_the_office_sees_only_its_own_assistants(staf, office, elsewhere):
    far, stranger, *_, newcomer = elsewhere
    visible = set(BusinessAssistant.objects.visible_to(staf))
    assert {office.me, office.someone} <= visible
    assert stranger not in visible and newcomer not in visible  # newcomer: not assigned anywhere yet
    assert stranger not in set(selectors.assistant_list(user=staf))
    assert far not in set(Cooperative.objects.visible_to(staf))


def test_a_past_assignment_in_the_office_keeps_an_assistant_in_it(staf, office, elsewhere):
    _, stranger, *_ = elsewhere
    AssignmentFactory(
        assistant=stranger, cooperative=office.unassigned,
        start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2024, 6, 30),
    )
    assert stranger in set(BusinessAssistant.objects.visible_to(staf))


def test_another_kabupatens_assistant_is_in_no_choice_list(client_as, staf, office, elsewhere):
    _, stranger, *_ = elsewhere
    client = client_as(staf)
    for name in ("assistants:visit_list", "assistants:proposal_list"):
        choices = client.get(reverse(name)).context["filter"].form.fields["assistant"].queryset
        assert office.me in choices and stranger not in choices
    owners = client.get(reverse("assistants:followup_list")).context["filter"].form.fields["owner"].queryset
    assert office.me.user in owners and staf in owners and stranger.user not in owners
    assert stranger.user not in office_users(scope=office_scope(staf))
    assert list(client.get(reverse("assistants:assistant_list"), {"q": "Solok"}).context["table"].data) == []
    assert stranger not in VisitForm(user=staf).fields["assistant"].queryset
    assert stranger not in FinancingProposalForm(user=staf).fields["assistant"].queryset


def test_another_kabupatens_visits_and_followups_stay_out_of_the_lists_and_panel(client_as, staf, office, elsewhere):
    _, _, visit, followup, _ = elsewhere
    client = client_as(staf)
    visits = list(client.get(reverse("assistants:visit_list")).context["table"].data)
    assert office.my_visit in visits and visit not in visits
    response = client.get(reverse("assistants:followup_list"))
    assert followup not in list(response.context["table"].data)
    summary = response.context["summary"]
    assert sum(row["open"] for row in summary["by_district"]) == 2  # the two Sintang follow-ups
    assert followup.owner_id not in {row["owner_id"] for row in summary["by_owner"]}


def test_without_an_office_code_every_assistant_is_the_office_s(settings, staf, office, elsewhere):
    settings.OFFICE_REGENCY_CODE = ""
    _, stranger, *_ = elsewhere
    assert stranger in set(BusinessAssistant.objects.visible_to(staf))


# --- Offices as data: the scope is the user's (cooperatives.models.offices) -------------------


def _with_scope(user, code):
    from cooperatives.models import OfficeScope

    OfficeScope.objects.create(user=user, code=code)
    return type(user).objects.get(pk=user.pk)  # a fresh object: nothing cached


def test_each_user_sees_the_assistants_visits_and_followups_of_their_own_scope(client_as, make_user, office, elsewhere):
    _, stranger, visit, followup, _ = elsewhere
    solok = _with_scope(make_user("Staf", username="staf-solok"), "13.11")
    sumbar = _with_scope(make_user("Kabid", username="kabid-sumbar"), "13")
    national = _with_scope(make_user("Staf", username="staf-nasional"), "")
    for user in (solok, sumbar):
        visible = set(BusinessAssistant.objects.visible_to(user))
        assert stranger in visible and office.me not in visible
    assert {stranger, office.me} <= set(BusinessAssistant.objects.visible_to(national))
    client = client_as(solok)
    assert list(client.get(reverse("assistants:visit_list")).context["table"].data) == [visit]
    assert list(client.get(reverse("assistants:followup_list"), {"status": ""}).context["table"].data) == [followup]
    assert office_scope(solok).label == "Dinas Koperasi Kabupaten Solok Selatan"


def test_the_admin_lists_only_the_admin_users_scope(client_as, make_user, office, elsewhere):
    _, stranger, visit, followup, newcomer = elsewhere
    admin = _with_scope(make_user("Admin", username="admin-solok"), "13.11")
    client = client_as(admin)
    # Not Sintang's assistants; the newcomer (no assignment anywhere yet) is every Admin's to assign.
    assert set(client.get("/admin/assistants/businessassistant/").context["cl"].result_list) == {stranger, newcomer}
    assert client.get(f"/admin/assistants/businessassistant/{newcomer.pk}/change/").status_code == 200
    assert client.get(f"/admin/assistants/businessassistant/{office.me.pk}/change/").status_code in (302, 404)
    assert set(client.get("/admin/assistants/coachingvisit/").context["cl"].result_list) == {visit}
    assert set(client.get("/admin/assistants/followup/").context["cl"].result_list) == {followup}
    assert client.get(f"/admin/assistants/coachingvisit/{office.my_visit.pk}/change/").status_code in (302, 404)
