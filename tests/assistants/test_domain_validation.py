"""Issue 13 part 3: visit and follow-up dates within the domain, one rule on the model
(forms, admin and services all apply it), refused as a form error, never a 500."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assistants.models import CoachingVisit, FollowUp
from tests.assistants.factories import CoachingVisitFactory, FollowUpFactory
from tests.assistants.test_visits import visit_post

pytestmark = pytest.mark.django_db


def test_a_visit_dated_1900_is_refused(client_as, pendamping, office):
    before = CoachingVisit.objects.count()
    response = client_as(pendamping).post(reverse("assistants:visit_add"), visit_post(office, visit_date="1900-01-01"))
    assert response.status_code == 200
    assert "paling awal 01/01/2000" in str(response.context["form"].errors["visit_date"])
    assert CoachingVisit.objects.count() == before


def test_a_visit_before_the_cooperative_was_founded_is_refused(client_as, pendamping, office):
    office.mine.founded_on = datetime.date(2026, 3, 1)
    office.mine.save()
    response = client_as(pendamping).post(reverse("assistants:visit_add"), visit_post(office, visit_date="2026-02-27"))
    assert "sebelum koperasi berdiri" in str(response.context["form"].errors["visit_date"])


def test_the_future_check_is_the_model_validator_alone(client_as, pendamping, office):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    response = client_as(pendamping).post(reverse("assistants:visit_add"), visit_post(office, visit_date=tomorrow))
    assert response.context["form"].errors["visit_date"] == [
        f"Tanggal kunjungan {datetime.date.fromisoformat(tomorrow):%d/%m/%Y} belum terjadi: isi tanggal hari ini atau sebelumnya."
    ]


def test_a_followup_due_before_its_visit_is_refused_at_its_row(client_as, pendamping, office):
    before = (CoachingVisit.objects.count(), FollowUp.objects.count())
    data = visit_post(
        office, **{"tl-0-action": "Rapikan kas", "tl-0-owner": pendamping.pk, "tl-0-due_date": "2026-03-19"}
    )
    response = client_as(pendamping).post(reverse("assistants:visit_add"), data)
    assert response.status_code == 200
    assert "sebelum tanggal kunjungan" in str(response.context["followup_formset"].forms[0].errors["due_date"])
    assert (CoachingVisit.objects.count(), FollowUp.objects.count()) == before


def test_a_followup_due_before_its_visit_is_refused_on_the_edit_form_too(client_as, staf, office):
    visit = office.my_visit
    data = visit_post(
        office, visit_date=visit.visit_date.isoformat(), officers=[staf.pk],
        **{"tl-0-action": "Rapikan kas", "tl-0-owner": staf.pk, "tl-0-due_date": "2026-01-01"},
    )
    client = client_as(staf)
    client.raise_request_exception = False
    response = client.post(reverse("assistants:visit_edit", args=[visit.pk]), data)
    assert response.status_code == 200
    assert visit.followups.count() == 1


def test_the_model_refuses_a_followup_due_before_its_visit(office, staf):
    followup = FollowUp(visit=office.my_visit, action="A", owner=staf, due_date=office.my_visit.visit_date - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        followup.full_clean()
    assert "due_date" in error.value.message_dict


def test_moving_a_visit_after_its_followups_due_date_is_refused(office):
    visit = CoachingVisit.objects.get(pk=office.my_visit.pk)  # due 2026-04-10
    visit.visit_date = datetime.date(2026, 4, 11)
    with pytest.raises(ValidationError) as error:
        visit.full_clean()
    assert "visit_date" in error.value.message_dict


def test_a_followup_saved_before_the_rule_still_closes(office, staf):
    followup = FollowUpFactory(visit=CoachingVisitFactory(cooperative=office.mine), owner=staf, due_date=datetime.date(2026, 1, 1))
    followup = FollowUp.objects.get(pk=followup.pk)
    followup.status, followup.closed_on = "selesai", datetime.date(2026, 3, 20)
    followup.full_clean()


def test_a_cooperative_id_beyond_64_bits_is_a_form_error_not_a_500(client_as, staf, office):
    client = client_as(staf)
    client.raise_request_exception = False
    data = visit_post(office, cooperative="99999999999999999999", officers=[staf.pk], topics=["99999999999999999999"])
    response = client.post(reverse("assistants:visit_add"), data)
    assert response.status_code == 200
    assert {"cooperative", "topics"} <= set(response.context["form"].errors)
