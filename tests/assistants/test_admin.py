"""Django admin: every model's list, change and history pages; the overload warning."""

import pytest
from django.urls import reverse

from assistants import models

pytestmark = pytest.mark.django_db

MODELS = [
    ("businessassistant", "me"), ("assignment", None), ("visittopic", None), ("coachingvisit", "my_visit"),
    ("visitattachment", None), ("followup", "my_followup"), ("coachingtarget", None), ("programme", "programme"),
    ("programmeparticipation", None), ("financingproposal", "my_proposal"),
]


@pytest.mark.parametrize(("model", "attribute"), MODELS)
def test_admin_pages_open(client_as, admin, office, model, attribute):
    client = client_as(admin)
    assert client.get(reverse(f"admin:assistants_{model}_changelist")).status_code == 200
    if attribute:
        pk = getattr(office, attribute).pk
        assert client.get(reverse(f"admin:assistants_{model}_change", args=[pk])).status_code == 200
        assert client.get(reverse(f"admin:assistants_{model}_history", args=[pk])).status_code == 200


def test_saving_an_assistant_above_the_maximum_warns(client_as, admin, office, settings):
    settings.ASSISTANTS_MAX_ASSIGNMENTS = 1
    assistant = office.me
    data = {
        "user": assistant.user_id, "phone": assistant.phone, "is_active": "on",
        "assignments-TOTAL_FORMS": "2", "assignments-INITIAL_FORMS": "1", "assignments-MIN_NUM_FORMS": "0",
        "assignments-MAX_NUM_FORMS": "1000",
        "assignments-0-id": assistant.assignments.get().pk, "assignments-0-assistant": assistant.pk,
        "assignments-0-cooperative": office.mine.pk, "assignments-0-start_date": "2025-01-01",
        "assignments-1-assistant": assistant.pk, "assignments-1-cooperative": office.unassigned.pk,
        "assignments-1-start_date": "2025-06-01",
    }
    response = client_as(admin).post(
        reverse("admin:assistants_businessassistant_change", args=[assistant.pk]), data, follow=True
    )
    assert response.status_code == 200
    assert models.Assignment.objects.filter(assistant=assistant).count() == 2
    assert "melebihi batas 1" in response.content.decode()
