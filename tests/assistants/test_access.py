"""What a role may do inside the pages it reaches: a Pendamping's rows, choices and writes."""

import pytest
from django.urls import reverse

from assistants.models import CoachingVisit, FinancingProposal, FollowUp

pytestmark = pytest.mark.django_db

# The page x role x object table (anonymous -> login, wrong role -> 403, another
# assistant's cooperative, visit or proposal -> 404, right role -> 200) is
# tests/koperasi_registry/test_url_access.py; these are the rules it cannot show.


def test_a_pendamping_cannot_edit_a_visit_someone_else_logged_on_their_cooperative(client_as, pendamping, staf, office):
    visit = CoachingVisit.objects.create(cooperative=office.mine, visit_date=office.my_visit.visit_date, findings="x", created_by=staf)
    client = client_as(pendamping)
    assert client.get(reverse("assistants:visit_detail", args=[visit.pk])).status_code == 200
    assert client.get(reverse("assistants:visit_edit", args=[visit.pk])).status_code == 404


def test_a_pendamping_sees_only_their_own_rows_in_lists_and_exports(client_as, pendamping, office):
    client = client_as(pendamping)
    visits = client.get(reverse("assistants:visit_list")).context["table"].data
    assert [v.pk for v in visits] == [office.my_visit.pk]
    followups = client.get(reverse("assistants:followup_list") + "?_export=csv").content.decode()
    assert office.my_followup.action in followups and office.other.name not in followups
    proposals = client.get(reverse("assistants:proposal_list")).context["table"].data
    assert [p.pk for p in proposals] == [office.my_proposal.pk]
    mine = client.get(reverse("assistants:my_cooperatives")).context["table"].data
    assert [c.pk for c in mine] == [office.mine.pk]


def test_a_pendamping_cannot_choose_another_cooperative_in_forms_or_filters(client_as, pendamping, office):
    client = client_as(pendamping)
    form = client.get(reverse("assistants:visit_add")).context["form"]
    assert list(form.fields["cooperative"].queryset) == [office.mine]
    response = client.get(reverse("assistants:visit_list"), {"cooperative": office.other.pk})
    assert response.status_code == 200
    assert response.context["filter"].form.errors  # not a valid choice for this user
    assert list(response.context["table"].data) == []


def test_a_pendamping_cannot_log_a_visit_to_another_cooperative(client_as, pendamping, office):
    before = CoachingVisit.objects.count()
    response = client_as(pendamping).post(
        reverse("assistants:visit_add"),
        {"submission_id": "6f1c3b7e-1111-4a5b-9c3d-123456789abc", "cooperative": office.other.pk,
         "visit_date": "2026-03-01", "kind": "pembinaan", "findings": "coba", "tl-TOTAL_FORMS": "0",
         "tl-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert "cooperative" in response.context["form"].errors
    assert CoachingVisit.objects.count() == before


def test_a_pendamping_cannot_close_another_assistants_followup(client_as, pendamping, office):
    response = client_as(pendamping).post(reverse("assistants:followup_close", args=[office.other_followup.pk]), {"status": "selesai"})
    assert response.status_code == 404
    office.other_followup.refresh_from_db()
    assert office.other_followup.status == "terbuka"


def test_kabid_is_read_only(client_as, kabid, office):
    client = client_as(kabid)
    assert client.post(reverse("assistants:followup_close", args=[office.my_followup.pk]), {"status": "selesai"}).status_code == 403
    assert client.post(reverse("assistants:proposal_edit", args=[office.my_proposal.pk]), {"purpose": "x"}).status_code == 403
    assert FollowUp.objects.get(pk=office.my_followup.pk).status == "terbuka"
    assert FinancingProposal.objects.get(pk=office.my_proposal.pk).purpose != "x"


def test_monthly_report_of_another_assistant_is_404_for_a_pendamping(client_as, pendamping, office):
    client = client_as(pendamping)
    assert client.get(reverse("assistants:monthly_report"), {"assistant": office.someone.pk, "month": "2026-03"}).status_code == 404
    own = client.get(reverse("assistants:monthly_report"), {"assistant": office.me.pk, "month": "2026-03"})
    assert own.status_code == 200
    assert [v.pk for v in own.context["visits"]] == [office.my_visit.pk]


def test_attachments_are_served_only_to_those_who_see_the_visit(client_as, pendamping, staf, office, tmp_path, settings):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    attachment = office.other_visit.attachments.create(kind="dokumen", file=ContentFile(b"%PDF-1.4 x", name="daftar.pdf"))
    assert client_as(pendamping).get(reverse("assistants:attachment", args=[attachment.pk])).status_code == 404
    response = client_as(staf).get(reverse("assistants:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
