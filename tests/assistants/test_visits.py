"""Logging visits: retries never duplicate, follow-ups live from one visit to the next,
photos are reduced, errors keep what was typed."""

import datetime
import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from assistants import services
from assistants.models import CoachingVisit, FollowUp, VisitTopic
from assistants.selectors import followup_list, my_cooperatives
from tests.assistants.factories import CoachingVisitFactory, FollowUpFactory
from tests.factories import CooperativeFactory

pytestmark = pytest.mark.django_db


def jpeg(width=3200, height=2400, name="foto.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 60)).save(buffer, format="JPEG", quality=95)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def visit_post(office, **extra):
    data = {
        "submission_id": str(uuid.uuid4()),
        "cooperative": office.mine.pk,
        "visit_date": "2026-03-20",
        "kind": "pembinaan",
        "people_met": "Ketua dan bendahara",
        "findings": "Buku kas belum diisi sejak Januari.",
        "recommendations": "Isi buku kas tiap minggu.",
        "tl-TOTAL_FORMS": "2",
        "tl-INITIAL_FORMS": "0",
        "tl-MIN_NUM_FORMS": "0",
        "tl-MAX_NUM_FORMS": "10",
    }
    data.update(extra)
    return data


@pytest.fixture
def topics():
    return list(VisitTopic.objects.order_by("position")[:2])


def test_the_topic_list_is_seeded_by_migration():
    names = set(VisitTopic.objects.values_list("name", flat=True))
    assert {"Kelembagaan", "Keuangan dan pembukuan", "Persiapan RAT", "Digitalisasi", "Kemitraan"} <= names
    assert len(names) == 9


def test_a_pendamping_logs_a_visit_with_topics_a_followup_and_a_photo(client_as, pendamping, office, topics, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    data = visit_post(
        office,
        topics=[t.pk for t in topics],
        **{"tl-0-action": "Kirim foto buku kas", "tl-0-owner": pendamping.pk, "tl-0-due_date": "2026-04-01"},
    )
    data["photos"] = [jpeg()]
    response = client_as(pendamping).post(reverse("assistants:visit_add"), data)
    visit = CoachingVisit.objects.get(submission_id=data["submission_id"])
    assert response.status_code == 302 and response["Location"] == visit.get_absolute_url()
    assert visit.assistant == office.me  # set from the account, never typed
    assert visit.created_by == pendamping
    assert set(visit.topics.all()) == set(topics)
    assert visit.followups.get().action == "Kirim foto buku kas"
    photo = visit.attachments.get()
    with Image.open(photo.file.path) as stored:
        assert max(stored.size) == 1600 and stored.format == "JPEG"
    assert visit.history.filter(history_type="+").get().history_user == pendamping


def test_a_retry_with_the_same_submission_id_returns_the_saved_visit(client_as, pendamping, office, topics):
    client = client_as(pendamping)
    data = visit_post(office, topics=[topics[0].pk], **{"tl-0-action": "A", "tl-0-owner": pendamping.pk, "tl-0-due_date": "2026-04-01"})
    first = client.post(reverse("assistants:visit_add"), data, HTTP_ACCEPT="application/json")
    second = client.post(reverse("assistants:visit_add"), data, HTTP_ACCEPT="application/json")
    third = client.post(reverse("assistants:visit_add"), data)  # without the script
    assert first.status_code == 201 and first.json()["status"] == "saved" and first.json()["duplicate"] is False
    assert second.status_code == 200 and second.json()["duplicate"] is True
    assert first.json()["id"] == second.json()["id"]
    assert third.status_code == 302 and third["Location"] == first.json()["url"]
    assert CoachingVisit.objects.filter(submission_id=data["submission_id"]).count() == 1
    assert FollowUp.objects.filter(action="A").count() == 1


def test_a_copy_saved_while_the_retry_was_checked_is_the_duplicate_not_a_refusal(client_as, pendamping, office, topics, monkeypatch):
    """The phone sends again while its first send is still being saved: the first commits
    after the second one's look-ups (the view's and the service's). The second gets the
    visit saved the first time (the unique index), not a 400 that the outbox would show
    as refused."""
    from assistants.views.visits import VisitCreateView

    client = client_as(pendamping)
    data = visit_post(office, topics=[topics[0].pk])
    first = client.post(reverse("assistants:visit_add"), data, HTTP_ACCEPT="application/json")
    assert first.status_code == 201
    real, looked_up = services._saved_under, []

    def not_yet_then_saved(submission_id):
        looked_up.append(submission_id)
        return None if len(looked_up) == 1 else real(submission_id)

    monkeypatch.setattr(VisitCreateView, "already_saved", lambda self, submission_id: None)
    monkeypatch.setattr(services, "_saved_under", not_yet_then_saved)
    second = client.post(reverse("assistants:visit_add"), data, HTTP_ACCEPT="application/json")
    assert second.status_code == 200, second.content
    assert second.json()["duplicate"] is True and second.json()["id"] == first.json()["id"]
    assert len(looked_up) == 2  # the second look-up came after the unique index refused the copy
    assert CoachingVisit.objects.filter(submission_id=data["submission_id"]).count() == 1


def test_the_service_is_idempotent_too(pendamping, office):
    sid = uuid.uuid4()
    fields = {"cooperative": office.mine, "visit_date": datetime.date(2026, 3, 1), "kind": "monev", "findings": "x", "assistant": office.me}
    visit, created = services.visit_log(user=pendamping, submission_id=sid, fields=fields)
    again, created_again = services.visit_log(user=pendamping, submission_id=sid, fields=fields)
    assert (created, created_again) == (True, False)
    assert visit.pk == again.pk


def test_the_service_never_returns_another_users_visit_for_a_reused_submission_id(pendamping, staf, office):
    sid = office.other_visit.submission_id  # saved by the other assistant
    fields = {"cooperative": office.mine, "visit_date": datetime.date(2026, 3, 1), "kind": "monev", "findings": "x", "assistant": office.me}
    before = CoachingVisit.objects.count()
    for user in (pendamping, staf):
        with pytest.raises(ValidationError) as raised:
            services.visit_log(user=user, submission_id=sid, fields=fields)
        assert "submission_id" in raised.value.error_dict
    assert CoachingVisit.objects.count() == before


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_post_reusing_another_users_submission_id_gets_a_form_error_not_their_visit(client_as, staf, office, topics, accept):
    before = CoachingVisit.objects.count()
    taken = str(office.my_visit.submission_id)  # the Pendamping's visit, which the Staf may see
    data = visit_post(office, submission_id=taken, officers=[staf.pk], topics=[topics[0].pk])
    response = client_as(staf).post(reverse("assistants:visit_add"), data, HTTP_ACCEPT=accept)
    assert CoachingVisit.objects.count() == before
    if accept == "application/json":
        body = response.json()
        assert response.status_code == 400 and body["status"] == "invalid"
        assert "ID kiriman ini sudah dipakai kunjungan lain" in body["message"]  # the reason, for the outbox page
        return
    assert response.status_code == 200
    form = response.context["form"]
    assert "ID kiriman ini sudah dipakai kunjungan lain" in " ".join(form.non_field_errors())
    html = response.content.decode()
    assert "ID kiriman ini sudah dipakai kunjungan lain" in html
    assert taken not in html  # a fresh id, so the corrected form can be sent
    fresh = form["submission_id"].value()
    assert fresh != taken and uuid.UUID(fresh)
    again = client_as(staf).post(reverse("assistants:visit_add"), {**data, "submission_id": fresh})
    assert again.status_code == 302
    assert CoachingVisit.objects.get(submission_id=fresh).created_by == staf


def test_a_race_on_another_users_submission_id_is_a_form_error_too(client_as, staf, office, topics, monkeypatch):
    """The id is taken between the form's check and the save: the service's error shows."""
    data = visit_post(office, officers=[staf.pk])
    real = services.visit_log

    def taken_meanwhile(**kwargs):
        CoachingVisitFactory(cooperative=office.mine, submission_id=kwargs["submission_id"], created_by=office.someone.user)
        return real(**kwargs)

    monkeypatch.setattr(services, "visit_log", taken_meanwhile)
    response = client_as(staf).post(reverse("assistants:visit_add"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "ID kiriman ini sudah dipakai kunjungan lain" in " ".join(form.non_field_errors())
    assert form["submission_id"].value() != data["submission_id"]
    assert not CoachingVisit.objects.filter(created_by=staf).exists()


def test_a_bad_post_keeps_what_was_typed_including_ticked_topics_and_saves_nothing(client_as, pendamping, office, topics):
    before = CoachingVisit.objects.count()
    data = visit_post(office, findings="", topics=[topics[1].pk], people_met="Pak Lurah")
    response = client_as(pendamping).post(reverse("assistants:visit_add"), data)
    assert response.status_code == 200
    assert "findings" in response.context["form"].errors
    html = response.content.decode()
    assert "Pak Lurah" in html
    assert f'value="{topics[1].pk}"' in html
    checked = [line for line in html.split("<input") if f'value="{topics[1].pk}"' in line and 'name="topics"' in line]
    assert checked and "checked" in checked[0]
    assert data["submission_id"] in html  # the same id, so the corrected form is still one visit
    assert CoachingVisit.objects.count() == before


def test_a_bad_post_from_the_script_says_invalid_as_json(client_as, pendamping, office):
    response = client_as(pendamping).post(
        reverse("assistants:visit_add"), visit_post(office, findings=""), HTTP_ACCEPT="application/json"
    )
    body = response.json()
    assert response.status_code == 400 and body["status"] == "invalid"
    # The reasons, for the outbox page (H1, issue 15): field -> messages, and one line.
    assert list(body["errors"]) == ["findings"] and body["message"].startswith("Ditolak server: Temuan")


def test_visit_date_cannot_be_in_the_future(client_as, pendamping, office):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    response = client_as(pendamping).post(reverse("assistants:visit_add"), visit_post(office, visit_date=tomorrow))
    assert "visit_date" in response.context["form"].errors


def test_a_file_that_is_not_a_photo_is_refused(client_as, pendamping, office):
    data = visit_post(office)
    data["photos"] = [SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff not really a jpeg", content_type="image/jpeg")]
    response = client_as(pendamping).post(reverse("assistants:visit_add"), data)
    assert response.status_code == 200 and "photos" in response.context["form"].errors
    data["photos"] = [SimpleUploadedFile("skrip.exe", b"MZ....", content_type="application/octet-stream")]
    response = client_as(pendamping).post(reverse("assistants:visit_add"), data)
    assert "photos" in response.context["form"].errors
    assert not CoachingVisit.objects.filter(submission_id=data["submission_id"]).exists()


def test_photo_reduce_keeps_small_photos_small_and_turns_png_into_jpeg():
    small = services.photo_reduce(jpeg(800, 600))
    with Image.open(small) as image:
        assert image.size == (800, 600)
    buffer = io.BytesIO()
    Image.new("RGBA", (2000, 1000), (0, 0, 0, 0)).save(buffer, format="PNG")
    reduced = services.photo_reduce(SimpleUploadedFile("layar.png", buffer.getvalue()))
    assert reduced.name == "layar.jpg"
    with Image.open(reduced) as image:
        assert image.size == (1600, 800) and image.format == "JPEG"


def test_distance_to_the_cooperative_point_is_computed(pendamping, office):
    office.mine.latitude, office.mine.longitude = 0.0, 111.5
    office.mine.save()
    visit, _ = services.visit_log(
        user=pendamping, submission_id=uuid.uuid4(),
        fields={"cooperative": office.mine, "visit_date": datetime.date(2026, 3, 1), "findings": "x",
                "assistant": office.me, "latitude": 0.01, "longitude": 111.5},
    )
    assert 1100 <= visit.distance_m <= 1125


def test_followup_lifecycle_open_then_shown_on_the_next_visit_then_closed_there(client_as, pendamping, office):
    client = client_as(pendamping)
    followup = office.my_followup
    form_page = client.get(reverse("assistants:visit_add"), {"cooperative": office.mine.pk})
    assert followup.action in form_page.content.decode()
    assert list(form_page.context["form"].fields["close_followups"].queryset) == [followup]
    partial = client.get(reverse("assistants:visit_open_followups"), {"cooperative": office.mine.pk})
    assert followup.action in partial.content.decode()

    data = visit_post(office, close_followups=[followup.pk], visit_date="2026-04-05")
    client.post(reverse("assistants:visit_add"), data)
    next_visit = CoachingVisit.objects.get(submission_id=data["submission_id"])
    followup.refresh_from_db()
    assert followup.status == "selesai"
    assert followup.closed_in_visit == next_visit
    assert followup.closed_on == datetime.date(2026, 4, 5)
    assert followup.closed_by == pendamping
    later = client.get(reverse("assistants:visit_add"), {"cooperative": office.mine.pk})
    assert followup.action not in later.content.decode()


def test_a_followup_of_another_cooperative_cannot_be_closed_on_this_visit(client_as, staf, office):
    data = visit_post(office, close_followups=[office.other_followup.pk], officers=[staf.pk])
    response = client_as(staf).post(reverse("assistants:visit_add"), data)
    assert response.status_code == 200 and "close_followups" in response.context["form"].errors
    office.other_followup.refresh_from_db()
    assert office.other_followup.status == "terbuka"


def test_staff_close_a_followup_from_the_visit_page(client_as, staf, office):
    response = client_as(staf).post(
        reverse("assistants:followup_close", args=[office.my_followup.pk]), {"status": "batal", "next": "/pendampingan/tindak-lanjut/"}
    )
    assert response.status_code == 302 and response["Location"] == "/pendampingan/tindak-lanjut/"
    office.my_followup.refresh_from_db()
    assert office.my_followup.status == "batal" and office.my_followup.closed_on == datetime.date.today()


@pytest.mark.parametrize(
    ("status", "due_offset", "overdue"),
    [("terbuka", -1, True), ("terbuka", 0, False), ("terbuka", 3, False), ("selesai", -10, False), ("batal", -10, False)],
)
def test_overdue_in_sql_agrees_with_the_rule(staf, office, status, due_offset, overdue):
    from assistants.coaching import followup_is_overdue

    today = datetime.date(2026, 5, 1)
    followup = FollowUpFactory(
        visit=office.my_visit, due_date=today + datetime.timedelta(days=due_offset), status=status,
        closed_on=None if status == "terbuka" else today,
    )
    annotated = followup_list(user=staf, today=today).get(pk=followup.pk)
    assert annotated.is_overdue is overdue
    assert followup_is_overdue(status=followup.status, due_date=followup.due_date, today=today) is overdue


def test_overdue_followups_show_in_the_list_after_the_due_date(client_as, staf, office):
    overdue = client_as(staf).get(reverse("assistants:followup_list"), {"overdue": "true"})
    # The fixtures' follow-ups were due on 10 April 2026, before today's date in these tests.
    assert {f.pk for f in overdue.context["table"].data} == {office.my_followup.pk, office.other_followup.pk}
    summary = overdue.context["summary"]
    assert sum(row["overdue"] for row in summary["by_owner"]) == 2


def test_the_followup_summaries_show_the_most_overdue_kecamatan_and_owners_in_a_bounded_page(
    client_as, staf, office
):
    """Two grouped queries whatever the number of kecamatan or owners: the first
    ``SUMMARY_ROWS`` by overdue count (then name), each linking to the filtered list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assistants.selectors import SUMMARY_ROWS
    from cooperatives.models import Village

    url = reverse("assistants:followup_list")
    client_as(staf).get(url)  # the first request's one-off queries (session, caches)
    with CaptureQueriesContext(connection) as before:
        client_as(staf).get(url)
    seen = {}  # one village of each kecamatan, by kecamatan name
    for village in Village.objects.select_related("district").order_by("district__name", "code"):
        seen.setdefault(village.district_id, village)
    villages = list(seen.values())
    assert len(villages) > SUMMARY_ROWS
    overdue_day = datetime.date(2026, 4, 10)  # before the tests' today
    for n, village in enumerate(villages):
        visit = CoachingVisitFactory(cooperative=CooperativeFactory(village=village))
        for _ in range(5 if n == len(villages) - 1 else 1):  # the last kecamatan by name has five
            FollowUpFactory(visit=visit, due_date=overdue_day)
    FollowUpFactory(visit=CoachingVisitFactory(cooperative=CooperativeFactory(village=villages[0])), due_date=datetime.date(2027, 1, 1))
    with CaptureQueriesContext(connection) as after:
        page = client_as(staf).get(url)
    assert len(after) == len(before)
    summary = page.context["summary"]
    by_district = summary["by_district"]
    assert len(by_district) == SUMMARY_ROWS and len(summary["by_owner"]) == SUMMARY_ROWS
    today = datetime.date.today()
    expected = {}
    for followup in FollowUp.objects.open().select_related("district"):
        row = expected.setdefault(followup.district_id, [0, 0, followup.district.name])
        row[0] += 1
        row[1] += followup.due_date < today
    ranked = sorted(expected.items(), key=lambda item: (-item[1][1], item[1][2], item[0]))[:SUMMARY_ROWS]
    assert [(row["district_id"], row["open"], row["overdue"], row["district__name"]) for row in by_district] == [
        (pk, *figures) for pk, figures in ranked
    ]
    first = by_district[0]
    assert (first["district_id"], first["overdue"]) == (villages[-1].district_id, 5)
    html = page.content.decode()
    assert f'?district={first["district_id"]}&amp;overdue=true">5</a>' in html
    assert first["district__name"] in html
    filtered = client_as(staf).get(url, {"district": first["district_id"], "overdue": "true"})
    assert {f.district_id for f in filtered.context["table"].data} == {first["district_id"]}
    assert len(filtered.context["table"].data) == 5


def test_my_cooperatives_flags_a_visit_due(pendamping, office):
    today = datetime.date(2026, 3, 30)
    rows = {c.pk: c for c in my_cooperatives(user=pendamping, today=today, interval_days=30)}
    assert rows[office.mine.pk].last_visit == datetime.date(2026, 3, 10)
    assert rows[office.mine.pk].is_due is False
    assert rows[office.mine.pk].open_followups == 1
    later = {c.pk: c for c in my_cooperatives(user=pendamping, today=datetime.date(2026, 4, 9), interval_days=30)}
    assert later[office.mine.pk].is_due is True  # 30 days since 10 March
    CoachingVisitFactory(cooperative=office.mine, visit_date=datetime.date(2026, 4, 8))
    again = {c.pk: c for c in my_cooperatives(user=pendamping, today=datetime.date(2026, 4, 9), interval_days=30)}
    assert again[office.mine.pk].is_due is False


def test_editing_a_visit_keeps_its_submission_id_and_records_history(client_as, pendamping, office, topics):
    visit = office.my_visit
    original = visit.submission_id
    data = visit_post(office, findings="Diperbarui", topics=[topics[0].pk])
    data.pop("submission_id")
    response = client_as(pendamping).post(reverse("assistants:visit_edit", args=[visit.pk]), data)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.findings == "Diperbarui" and visit.submission_id == original
    assert visit.history.first().history_user == pendamping
