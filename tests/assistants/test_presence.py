"""Proof of presence (issue 15 item 5) and the printable visit record (item 6): the rule at
its edges, the same rule in SQL, the visit list's distance column, filter and export, the
visit page, a cooperative taking its point from a visit, and the berita acara page."""

import csv
import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from assistants import locations
from assistants.forms import VisitForm
from assistants.models import CoachingVisit
from assistants.presence import Presence, presence
from cooperatives.models import Cooperative
from tests.assistants.factories import CoachingVisitFactory, FollowUpFactory
from tests.assistants.test_visits import visit_post
from koperasi_registry import access
from tests.factories import CooperativeFactory
from tests.koperasi_registry.test_office_scope import country, scoped  # noqa: F401 (a fixture)
from tests.query_budgets import QUERY_BUDGETS

D, J, TP, TL, KT = (
    Presence.DEKAT, Presence.JAUH, Presence.TIDAK_PASTI, Presence.TANPA_LOKASI, Presence.KOPERASI_TANPA_TITIK,
)

# (distance_m, has_fix, accuracy, expected) with the limit at 1000 m.
CASES = [
    (None, False, None, TL),  # no fix at all
    (None, False, 15, TL),
    (None, True, None, KT),  # a fix, but the cooperative has no point
    (None, True, 5000, KT),
    (0, True, None, D),
    (1000, True, None, D),  # exactly at the limit: near
    (1001, True, None, J),
    (999, True, 1000, D),  # an accuracy circle as wide as the limit is still trusted
    (1000, True, 1000, D),
    (1001, True, 1000, J),
    (10, True, 1001, TP),  # a circle wider than the limit cannot say "near"
    (2001, True, 1001, TP),  # its nearest edge at exactly the limit: still uncertain
    (2002, True, 1001, J),  # its nearest edge beyond the limit: certainly far
    (50_000, True, 100_000, TP),
    (250_000, True, 100_000, J),
]


@pytest.mark.parametrize("distance, has_fix, accuracy, expected", CASES)
def test_the_rule_at_its_edges(distance, has_fix, accuracy, expected):
    assert presence(distance_m=distance, has_fix=has_fix, accuracy=accuracy, max_distance=1000) == expected


def test_the_limit_is_a_setting(settings):
    settings.ASSISTANTS_VISIT_MAX_DISTANCE_M = 300
    visit = CoachingVisit(latitude=Decimal("0.1"), longitude=Decimal("111.5"), distance_m=301)
    assert visit.presence_flag == J
    settings.ASSISTANTS_VISIT_MAX_DISTANCE_M = 301
    assert visit.presence_flag == D


@pytest.mark.django_db
@pytest.mark.parametrize("distance, has_fix, accuracy, expected", CASES)
def test_sql_agrees_with_the_rule(sintang, distance, has_fix, accuracy, expected):
    visit = CoachingVisitFactory()
    point = {"latitude": Decimal("0.1"), "longitude": Decimal("111.5")} if has_fix else {}
    CoachingVisit.objects.filter(pk=visit.pk).update(distance_m=distance, location_accuracy=accuracy, **point)
    row = CoachingVisit.objects.with_presence(max_distance=1000).get(pk=visit.pk)
    assert row.presence == expected == row.presence_flag
    assert CoachingVisit.objects.with_presence(max_distance=1000).filter(presence=expected).count() == 1


# --- The form field --------------------------------------------------------------------


@pytest.mark.parametrize("raw, cleaned", [("", None), ("12", 12), ("12.3", 13), (" 7.0 ", 7), ("100000", 100_000)])
def test_the_accuracy_field_takes_the_phones_decimal_reading_rounded_up(raw, cleaned):
    field = CoachingVisit._meta.get_field("location_accuracy").formfield()
    assert field.clean(raw) == cleaned


@pytest.mark.parametrize("raw", ["-1", "100000.5", "100001", "abc", "NaN", "Infinity", "1e400", "1e999999999", "-1e999999999"])
def test_the_accuracy_field_refuses_what_no_phone_reports(raw):
    from django.core.exceptions import ValidationError

    field = CoachingVisit._meta.get_field("location_accuracy").formfield()
    with pytest.raises(ValidationError):
        field.clean(raw)


@pytest.mark.django_db
def test_a_visit_posted_with_its_fix_stores_the_accuracy_and_the_distance(client_as, pendamping, office):
    office.mine.latitude, office.mine.longitude = Decimal("0.100000"), Decimal("111.500000")
    office.mine.save()
    assert VisitForm(user=pendamping).fields["location_accuracy"].widget.is_hidden
    data = visit_post(office, latitude="0.105000", longitude="111.500000", location_accuracy="23.7")
    response = client_as(pendamping).post(reverse("assistants:visit_add"), data)
    assert response.status_code == 302
    visit = CoachingVisit.objects.get(submission_id=data["submission_id"])
    assert visit.location_accuracy == 24
    assert 550 <= visit.distance_m <= 560 and visit.presence_flag == D
    assert visit.history.latest().location_accuracy == 24


# --- The visit list --------------------------------------------------------------------


@pytest.fixture
def flagged(sintang, staf):
    """Four visits: near, far, without a fix, and with a fix at a cooperative without a point."""
    located = CooperativeFactory(name="Koperasi Bertitik", latitude=Decimal("0.1"), longitude=Decimal("111.5"))
    bare = CooperativeFactory(name="Koperasi Tanpa Titik")
    fix = {"latitude": Decimal("0.1"), "longitude": Decimal("111.5")}
    visits = {
        D: CoachingVisitFactory(cooperative=located, visit_date=datetime.date(2026, 3, 1), **fix),
        J: CoachingVisitFactory(cooperative=located, visit_date=datetime.date(2026, 3, 2), **fix),
        TL: CoachingVisitFactory(cooperative=located, visit_date=datetime.date(2026, 3, 3)),
        KT: CoachingVisitFactory(cooperative=bare, visit_date=datetime.date(2026, 3, 4), **fix),
    }
    CoachingVisit.objects.filter(pk=visits[D].pk).update(distance_m=120, location_accuracy=8)
    CoachingVisit.objects.filter(pk=visits[J].pk).update(distance_m=4500, location_accuracy=12)
    return visits


@pytest.mark.django_db
@pytest.mark.parametrize("flag", [D, J, TL, KT, TP])
def test_the_list_filters_by_presence(client_as, staf, flagged, flag):
    response = client_as(staf).get(reverse("assistants:visit_list"), {"presence": flag.value})
    rows = list(response.context["table"].data)
    assert [row.pk for row in rows] == ([flagged[flag].pk] if flag in flagged else [])


@pytest.mark.django_db
def test_the_list_shows_the_distance_with_its_flag(client_as, staf, flagged):
    html = client_as(staf).get(reverse("assistants:visit_list")).content.decode()
    assert "4500 m" in html and "120 m" in html
    for label in ("Dekat", "Jauh", "Tanpa lokasi", "Koperasi tanpa titik"):
        assert f'data-testid="presence">{label}</span>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("sort, expected", [("distance_m", [D, J, KT, TL]), ("-distance_m", [J, D, KT, TL])])
def test_the_list_sorts_by_distance_with_unknown_distances_last(client_as, staf, flagged, sort, expected):
    response = client_as(staf).get(reverse("assistants:visit_list"), {"sort": sort})
    pks = [row.pk for row in response.context["table"].page.object_list.data]
    # Without a distance: the newest first (the no-point visit of 4 March, then 3 March).
    assert pks == [flagged[flag].pk for flag in expected]


@pytest.mark.django_db
def test_the_export_carries_distance_flag_and_accuracy_and_honours_the_filter(client_as, staf, flagged):
    response = client_as(staf).get(reverse("assistants:visit_list"), {"_export": "csv", "presence": "jauh"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["Jarak"] == "4500" and rows[0]["Kehadiran"] == "Jauh" and rows[0]["Akurasi lokasi (m)"] == "12"


@pytest.mark.django_db
@pytest.mark.parametrize("n", [3, 30])
def test_the_list_query_count_stays_constant(client_as, staf, sintang, django_assert_max_num_queries, n):
    cooperative = CooperativeFactory(latitude=Decimal("0.1"), longitude=Decimal("111.5"))
    for i in range(n):
        CoachingVisitFactory(cooperative=cooperative, latitude=Decimal("0.1"), longitude=Decimal("111.5"),
                             distance_m=i * 100, location_accuracy=10)
    client = client_as(staf)
    with django_assert_max_num_queries(QUERY_BUDGETS["assistants:visit_list"]):
        client.get(reverse("assistants:visit_list"), {"sort": "-distance_m", "presence": "jauh"})


# --- The visit page and "Jadikan titik koperasi" ----------------------------------------


@pytest.mark.django_db
def test_the_visit_page_shows_point_accuracy_distance_and_flag(client_as, staf, flagged):
    html = client_as(staf).get(reverse("assistants:visit_detail", args=[flagged[J].pk])).content.decode()
    assert "0.100000, 111.500000" in html and "± 12 m" in html
    assert "4500 m dari titik koperasi" in html and 'data-testid="presence">Jauh<' in html
    assert "Jadikan titik koperasi" not in html  # the cooperative has a point
    assert reverse("assistants:visit_print", args=[flagged[J].pk]) in html


@pytest.fixture
def unlocated(sintang, office):
    """``office.mine`` without a point: one visit with a fix (to take), one with another fix,
    one without."""
    Cooperative.objects.filter(pk=office.mine.pk).update(latitude=None, longitude=None)
    source = CoachingVisitFactory(
        cooperative=office.mine, assistant=office.me, visit_date=datetime.date(2026, 3, 12),
        latitude=Decimal("0.100000"), longitude=Decimal("111.500000"), location_accuracy=9,
    )
    later = CoachingVisitFactory(
        cooperative=office.mine, assistant=office.me, visit_date=datetime.date(2026, 3, 20),
        latitude=Decimal("0.110000"), longitude=Decimal("111.500000"),
    )
    return source, later


@pytest.mark.django_db
def test_staf_sees_the_offer_and_a_pendamping_does_not(client_as, staf, pendamping, unlocated):
    source, _ = unlocated
    url = reverse("assistants:visit_detail", args=[source.pk])
    offer = reverse("assistants:visit_take_location", args=[source.pk])
    staf_html = client_as(staf).get(url).content.decode()
    assert offer in staf_html and 'data-testid="presence">Koperasi tanpa titik<' in staf_html
    assert offer not in client_as(pendamping).get(url).content.decode()


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client, unlocated):
    url = reverse("assistants:visit_take_location", args=[unlocated[0].pk])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Cooperative.objects.get(pk=unlocated[0].cooperative_id).latitude is None


@pytest.mark.django_db
def test_a_pendamping_may_not_take_the_location(client_as, pendamping, unlocated):
    url = reverse("assistants:visit_take_location", args=[unlocated[0].pk])
    client = client_as(pendamping)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert Cooperative.objects.get(pk=unlocated[0].cooperative_id).latitude is None


@pytest.mark.django_db
def test_staf_confirms_and_the_cooperative_takes_the_point_with_history_and_new_distances(client_as, staf, unlocated):
    source, later = unlocated
    url = reverse("assistants:visit_take_location", args=[source.pk])
    client = client_as(staf)
    confirm = client.get(url)
    assert confirm.status_code == 200 and "0.100000, 111.500000" in confirm.content.decode()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == source.get_absolute_url()
    cooperative = Cooperative.objects.get(pk=source.cooperative_id)
    assert (cooperative.latitude, cooperative.longitude) == (Decimal("0.100000"), Decimal("111.500000"))
    record = cooperative.history.latest()
    assert record.history_user == staf and record.history_type == "~"
    assert record.history_change_reason == f"Titik dari kunjungan #{source.pk} tanggal 12-03-2026"
    assert CoachingVisit.objects.get(pk=source.pk).distance_m == 0
    later_distance = CoachingVisit.objects.get(pk=later.pk).distance_m
    assert 1100 <= later_distance <= 1125  # 0.01 degree of latitude
    assert CoachingVisit.objects.get(pk=later.pk).history.latest().history_change_reason == record.history_change_reason
    assert CoachingVisit.objects.with_presence().get(pk=later.pk).presence == J


@pytest.mark.django_db
def test_an_already_located_cooperative_keeps_its_point(client_as, staf, unlocated):
    source, _ = unlocated
    Cooperative.objects.filter(pk=source.cooperative_id).update(latitude=Decimal("0.3"), longitude=Decimal("111.9"))
    url = reverse("assistants:visit_take_location", args=[source.pk])
    client = client_as(staf)
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="not-possible"' in page.content.decode()
    history_before = Cooperative.history.count()
    response = client.post(url, follow=True)
    assert "sudah punya titik lokasi" in response.content.decode()
    cooperative = Cooperative.objects.get(pk=source.cooperative_id)
    assert (cooperative.latitude, cooperative.longitude) == (Decimal("0.300000"), Decimal("111.900000"))
    assert Cooperative.history.count() == history_before


@pytest.mark.django_db
def test_a_point_recorded_after_the_confirm_page_opened_wins(client_as, staf, unlocated):
    """Optimistic concurrency: the service reads the cooperative again, locked."""
    source, _ = unlocated
    client = client_as(staf)
    assert "Ya, jadikan titik koperasi" in client.get(reverse("assistants:visit_take_location", args=[source.pk])).content.decode()
    Cooperative.objects.filter(pk=source.cooperative_id).update(latitude=Decimal("0.2"), longitude=Decimal("111.6"))
    client.post(reverse("assistants:visit_take_location", args=[source.pk]))
    assert Cooperative.objects.get(pk=source.cooperative_id).latitude == Decimal("0.200000")


@pytest.mark.django_db
def test_a_visit_without_a_fix_gives_no_point(staf, unlocated, office):
    from django.core.exceptions import ValidationError

    bare = CoachingVisitFactory(cooperative=office.mine)
    with pytest.raises(ValidationError):
        locations.cooperative_locate_from_visit(visit=bare, user=staf)
    assert Cooperative.objects.get(pk=office.mine.pk).latitude is None


@pytest.mark.django_db
def test_a_point_outside_the_office_bounds_is_refused(staf, unlocated, office):
    from django.core.exceptions import ValidationError

    abroad = CoachingVisitFactory(cooperative=office.mine, latitude=Decimal("48.85"), longitude=Decimal("2.35"))
    with pytest.raises(ValidationError):
        locations.cooperative_locate_from_visit(visit=abroad, user=staf)
    assert Cooperative.objects.get(pk=office.mine.pk).latitude is None


# --- The printable visit record ------------------------------------------------------------


def photo(name="foto.jpg"):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 60)).save(buffer, format="JPEG")
    return ContentFile(buffer.getvalue(), name=name)


@pytest.fixture
def record(sintang, office, staf, kabid, tmp_path, settings):
    """A typical visit: officers, topics, a fix, two new follow-ups, one closed, photos."""
    from assistants.models import VisitTopic

    settings.MEDIA_ROOT = tmp_path
    kabid.first_name, kabid.last_name = "Yohanes", "Kabid"
    kabid.save()
    Cooperative.objects.filter(pk=office.mine.pk).update(
        nik="6105010010001", legal_entity_number="AHU-0001234.AH.01.26.TAHUN 2021", chair_name="Ibu Ketua",
        latitude=Decimal("0.1"), longitude=Decimal("111.5"),
    )
    visit = CoachingVisitFactory(
        cooperative=Cooperative.objects.get(pk=office.mine.pk), assistant=office.me, created_by=office.me.user,
        visit_date=datetime.date(2026, 3, 10), people_met="Ketua dan bendahara",
        findings="Buku kas belum diisi sejak Januari.", recommendations="Isi buku kas tiap minggu.",
        latitude=Decimal("0.101"), longitude=Decimal("111.5"), location_accuracy=14, distance_m=111,
        topics=list(VisitTopic.objects.all()[:2]),
    )
    visit.officers.set([staf])
    FollowUpFactory(visit=visit, owner=staf, action="Rapikan buku kas", due_date=datetime.date(2026, 4, 10))
    office.my_followup.status, office.my_followup.closed_on, office.my_followup.closed_in_visit = (
        "selesai", datetime.date(2026, 3, 10), visit,
    )
    office.my_followup.save()
    return visit


def add_rows(visit, staf, n):
    for i in range(n):
        visit.attachments.create(kind="foto", file=photo(f"foto-{i}.jpg"))
        FollowUpFactory(visit=visit, owner=staf, action=f"Tindak lanjut {i}", due_date=datetime.date(2026, 4, 10))


@pytest.mark.django_db
def test_the_record_has_everything_the_office_signs(client_as, staf, record, settings):
    add_rows(record, staf, 2)
    response = client_as(staf).get(reverse("assistants:visit_print", args=[record.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        settings.OFFICE_NAME, "Berita acara kunjungan", "Koperasi Milik Saya", "6105010010001",
        "AHU-0001234.AH.01.26.TAHUN 2021", record.cooperative.village.name, record.cooperative.village.district.name,
        "Selasa, 10 Maret 2026", "Pembinaan", str(record.assistant), "Ketua dan bendahara",
        "Buku kas belum diisi sejak Januari.", "Isi buku kas tiap minggu.", "Rapikan buku kas", "10 April 2026",
        "0.101000, 111.500000 (± 14 m); 111 m dari titik koperasi – Dekat",
        "Pendamping / petugas", "Pengurus koperasi", "Mengetahui,", "(Ibu Ketua)", "(Yohanes Kabid)",
    ):
        assert text in html, text
    assert html.count('data-testid="followup-new"') == 3 and html.count('data-testid="followup-closed"') == 1
    for attachment in record.attachments.all():
        assert f'src="{reverse("assistants:attachment", args=[attachment.pk])}"' in html
    assert "js/print_button.js" in html and "data-print" in html


@pytest.mark.django_db
def test_the_record_is_seen_by_whoever_sees_the_visit(client_as, pendamping, office, record):
    client = client_as(pendamping)
    assert client.get(reverse("assistants:visit_print", args=[record.pk])).status_code == 200
    assert client.get(reverse("assistants:visit_print", args=[office.other_visit.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 12])
def test_the_record_query_count_does_not_grow_with_photos_or_followups(
    client_as, staf, record, django_assert_max_num_queries, n
):
    add_rows(record, staf, n)
    client = client_as(staf)
    with django_assert_max_num_queries(QUERY_BUDGETS["assistants:visit_print"]):
        client.get(reverse("assistants:visit_print", args=[record.pk]))


@pytest.mark.django_db
def test_a_point_changed_elsewhere_recomputes_the_distances_and_an_unchanged_one_writes_nothing(staf, flagged):
    cooperative = flagged[D].cooperative
    versions = CoachingVisit.history.count()
    cooperative.name = "Koperasi Bertitik Baru"
    cooperative.save()  # the point unchanged (its form, the admin): no visit is written
    assert CoachingVisit.history.count() == versions
    cooperative.latitude = Decimal("0.11")  # 0.01 degree north of the visits' fix
    cooperative._history_user = staf
    cooperative.save()
    near, far = (CoachingVisit.objects.get(pk=flagged[flag].pk) for flag in (D, J))
    assert 1100 <= near.distance_m == far.distance_m <= 1125
    assert near.history.latest().history_user == staf
    assert CoachingVisit.objects.get(pk=flagged[TL].pk).distance_m is None  # no fix, nothing to measure


@pytest.mark.django_db
def test_the_admin_shows_the_accuracy_read_only(client_as, admin, flagged):
    html = client_as(admin).get(reverse("admin:assistants_coachingvisit_change", args=[flagged[J].pk])).content.decode()
    assert "Akurasi lokasi (m)" in html and 'name="location_accuracy"' not in html


@pytest.mark.django_db
def test_a_spreadsheet_import_that_moves_points_recomputes_their_visits_distances(staf, flagged):
    from cooperatives import imports

    located, bare = flagged[D].cooperative, flagged[KT].cooperative
    steady = CooperativeFactory(latitude=Decimal("0.2"), longitude=Decimal("111.6"))
    for number, each in enumerate((located, bare, steady), start=1):
        each.nik = f"6105-{number}"
        Cooperative.objects.filter(pk=each.pk).update(nik=each.nik)
    steady_visit = CoachingVisitFactory(cooperative=steady, latitude=Decimal("0.2"), longitude=Decimal("111.6"))
    CoachingVisit.objects.filter(pk=steady_visit.pk).update(distance_m=0)
    rows = [
        (located.nik, "0.11", "111.5"),  # 0.01 degree north of the visits' fix
        (bare.nik, "0.1", "111.5"),  # the point its visit was taken at
        (steady.nik, "0.2", "111.6"),  # unchanged
    ]
    sheet = imports.Sheet(
        columns=imports.match_header(["NIK", "Lintang", "Bujur"], imports.COOPERATIVE_COLUMNS),
        rows=list(enumerate(rows, start=2)),
    )
    importer = imports.CooperativeImporter(sheet=sheet, user=staf)
    plan = importer.check()
    assert not plan.errors and len(plan.update) == 2 and plan.unchanged == 1
    versions = CoachingVisit.history.filter(id=steady_visit.pk).count()
    importer.save(plan)

    near, far, at_point = (CoachingVisit.objects.get(pk=flagged[flag].pk) for flag in (D, J, KT))
    assert 1100 <= near.distance_m == far.distance_m <= 1125
    assert at_point.distance_m == 0 and at_point.presence_flag == D
    latest = near.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (staf, "Impor spreadsheet koperasi")
    assert CoachingVisit.objects.get(pk=flagged[TL].pk).distance_m is None  # no fix, nothing to measure
    assert CoachingVisit.history.filter(id=steady_visit.pk).count() == versions  # its point unchanged


@pytest.mark.django_db
def test_distances_are_recomputed_a_chunk_of_cooperatives_at_a_time(staf, sintang):
    cooperatives = [CooperativeFactory(latitude=Decimal("0.1"), longitude=Decimal("111.5")) for _ in range(5)]
    visits = [
        CoachingVisitFactory(cooperative=each, latitude=Decimal("0.11"), longitude=Decimal("111.5"))
        for each in cooperatives
    ]
    CoachingVisit.objects.update(distance_m=None)
    written = locations.visits_distances_refresh(cooperative_ids=[c.pk for c in cooperatives], user=staf, chunk_size=2)
    assert written == 5
    assert {CoachingVisit.objects.get(pk=v.pk).distance_m for v in visits} == {1112}
    assert locations.visits_distances_refresh(cooperative_ids=[c.pk for c in cooperatives], chunk_size=2) == 0


@pytest.mark.django_db
def test_the_record_names_the_visits_own_office_and_its_kabid(client_as, make_user, country, settings):  # noqa: F811
    """In an installation shared by several offices the berita acara of a Melawi visit is
    Melawi's: its header and its Kabid, never Sintang's; an office without a Kabid leaves
    the line to be written by hand."""
    settings.OFFICE_REGENCY_CODE = ""
    scoped(make_user(access.KABID, username="kabid-sintang", first_name="Kabid", last_name="Sintang"), "61.05")
    scoped(make_user(access.KABID, username="kabid-melawi", first_name="Kabid", last_name="Melawi"), "61.10")
    client = client_as(scoped(make_user(access.ADMIN, username="admin-nasional"), ""))

    html = client.get(reverse("assistants:visit_print", args=[CoachingVisitFactory(cooperative=country["61.10"]).pk])).content.decode()
    assert 'data-testid="office">Dinas Koperasi Kabupaten Melawi<' in html
    assert 'data-testid="sign-kabid">(Kabid Melawi)' in html and "Kabid Sintang" not in html

    html = client.get(reverse("assistants:visit_print", args=[CoachingVisitFactory(cooperative=country["13.11"]).pk])).content.decode()
    assert 'data-testid="office">Dinas Koperasi Kabupaten Solok Selatan<' in html
    assert 'data-testid="sign-kabid">(<span class="dots"></span>)' in html
