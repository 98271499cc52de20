"""``VisitSummary`` and ``AssistantVisitSummary`` stay equal to a count of the visits
themselves, whatever changes them; follow-ups keep their visit's cooperative."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from assistants.choices import VisitKind
from assistants.models import AssistantVisitSummary, CoachingVisit, FollowUp, VisitSummary
from assistants.models.summary import KIND_FIELDS, kinds_total
from assistants.services import visit_summary_refresh
from tests.assistants.factories import BusinessAssistantFactory, CoachingVisitFactory, FollowUpFactory
from tests.factories import CooperativeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sintang")]


def counted_from_visits() -> tuple[set, set, set]:
    """What the stored rows must hold, counted from the visits and their cooperatives:
    (cooperative, kecamatan, year, visits, per kind...), (assistant, cooperative,
    kecamatan, year, visits) and each follow-up's (id, cooperative, kecamatan)."""
    district = "cooperative__village__district_id"
    visits = CoachingVisit.objects.order_by().annotate(year=ExtractYear("visit_date"))
    by_cooperative = visits.values_list("cooperative_id", district, "year").annotate(
        n=Count("id"), **{kind: Count("id", filter=Q(kind=kind)) for kind in KIND_FIELDS}
    )
    by_assistant = (
        visits.filter(assistant__isnull=False)
        .values_list("assistant_id", "cooperative_id", district, "year")
        .annotate(n=Count("id"))
    )
    followups = FollowUp.objects.values_list("id", "visit__cooperative_id", f"visit__{district}")
    return set(by_cooperative), set(by_assistant), set(followups)


def stored() -> tuple[set, set, set]:
    return (
        set(VisitSummary.objects.values_list("cooperative_id", "district_id", "year", "visits", *KIND_FIELDS)),
        set(AssistantVisitSummary.objects.values_list("assistant_id", "cooperative_id", "district_id", "year", "visits")),
        set(FollowUp.objects.values_list("id", "cooperative_id", "district_id")),
    )


def summarised() -> set[tuple]:
    return set(VisitSummary.objects.values_list("cooperative_id", "year", "visits", *KIND_FIELDS))


def by_assistant() -> set[tuple]:
    return set(AssistantVisitSummary.objects.values_list("assistant_id", "cooperative_id", "year", "visits"))


def assert_in_step():
    assert stored() == counted_from_visits()


def test_one_column_per_visit_kind():
    assert KIND_FIELDS == tuple(VisitKind.values)
    for kind in KIND_FIELDS:
        VisitSummary._meta.get_field(kind)


def test_rows_by_cooperative_and_year_with_kinds_and_by_assistant():
    a, b = CooperativeFactory(), CooperativeFactory()
    rina = BusinessAssistantFactory()
    CoachingVisitFactory(cooperative=a, assistant=rina, visit_date=datetime.date(2026, 1, 5), kind="pembinaan")
    CoachingVisitFactory(cooperative=a, assistant=rina, visit_date=datetime.date(2026, 2, 5), kind="monev")
    CoachingVisitFactory(cooperative=a, assistant=None, visit_date=datetime.date(2026, 3, 5), kind="monev")
    CoachingVisitFactory(cooperative=a, assistant=rina, visit_date=datetime.date(2025, 12, 31), kind="pelatihan")
    CoachingVisitFactory(cooperative=b, assistant=rina, visit_date=datetime.date(2026, 1, 1), kind="pemeriksaan")

    assert summarised() == {
        # cooperative, year, visits, pembinaan, pendampingan_rat, monev, pemeriksaan, pelatihan
        (a.pk, 2026, 3, 1, 0, 2, 0, 0),
        (a.pk, 2025, 1, 0, 0, 0, 0, 1),
        (b.pk, 2026, 1, 0, 0, 0, 1, 0),
    }
    # the visit without an assistant has no assistant row
    assert by_assistant() == {(rina.pk, a.pk, 2026, 2), (rina.pk, a.pk, 2025, 1), (rina.pk, b.pk, 2026, 1)}
    assert_in_step()


def test_edits_moves_and_deletes_keep_it_equal_to_the_visits():
    here, there = two_villages_in_two_kecamatan()
    a, b = CooperativeFactory(village=here), CooperativeFactory(village=there)
    rina, budi = BusinessAssistantFactory(), BusinessAssistantFactory()
    visit = CoachingVisitFactory(cooperative=a, assistant=rina, visit_date=datetime.date(2026, 4, 1))
    other = CoachingVisitFactory(cooperative=a, assistant=rina, visit_date=datetime.date(2026, 5, 1))
    followup = FollowUpFactory(visit=visit)
    assert followup.cooperative_id == a.pk

    visit.kind, visit.assistant = "pendampingan_rat", budi
    visit.save()
    assert_in_step()
    assert (a.pk, 2026, 2, 1, 1, 0, 0, 0) in summarised()
    assert (budi.pk, a.pk, 2026, 1) in by_assistant()

    visit.visit_date = datetime.date(2024, 4, 1)  # another year
    visit.save()
    assert (a.pk, 2024, 1, 0, 1, 0, 0, 0) in summarised()
    assert_in_step()

    visit.cooperative = b  # moved to another cooperative and kecamatan: both are rewritten
    visit.save()
    assert summarised() == {(a.pk, 2026, 1, 1, 0, 0, 0, 0), (b.pk, 2024, 1, 0, 1, 0, 0, 0)}
    assert by_assistant() == {(rina.pk, a.pk, 2026, 1), (budi.pk, b.pk, 2024, 1)}
    moved = FollowUp.objects.get(pk=followup.pk)
    assert (moved.cooperative_id, moved.district_id) == (b.pk, there.district_id)
    assert_in_step()

    other.delete()
    assert summarised() == {(b.pk, 2024, 1, 0, 1, 0, 0, 0)}
    CoachingVisit.objects.filter(pk=visit.pk).delete()  # a queryset delete (the admin's action)
    assert (summarised(), by_assistant()) == (set(), set())


def test_visit_log_service_updates_the_summary(django_user_model):
    import uuid

    from assistants.services import visit_log

    cooperative = CooperativeFactory()
    assistant = BusinessAssistantFactory()
    user = django_user_model.objects.create_user("petugas")
    visit_log(
        user=user,
        submission_id=uuid.uuid4(),
        fields={
            "cooperative": cooperative, "assistant": assistant, "visit_date": datetime.date(2026, 6, 1),
            "kind": "monev", "findings": "x",
        },
        new_followups=[{"action": "Susun laporan", "owner": user, "due_date": datetime.date(2026, 7, 1)}],
    )
    assert summarised() == {(cooperative.pk, 2026, 1, 0, 0, 1, 0, 0)}
    assert by_assistant() == {(assistant.pk, cooperative.pk, 2026, 1)}
    assert FollowUp.objects.values_list("cooperative_id", "district_id").get() == (
        cooperative.pk, cooperative.village.district_id,
    )
    assert_in_step()


def test_refresh_and_rebuild_command_repair_bulk_inserts():
    cooperatives = [CooperativeFactory() for _ in range(3)]
    CoachingVisit.objects.bulk_create(  # bulk inserts send no signals
        CoachingVisit(cooperative=c, visit_date=datetime.date(2026, m, 1), kind="pembinaan", findings="x")
        for c in cooperatives
        for m in (1, 2)
    )
    assert summarised() == set()
    assert visit_summary_refresh(cooperative_ids=[]) == visit_summary_refresh(cooperative_ids=[None]) == 0
    assert visit_summary_refresh(cooperative_ids=[cooperatives[0].pk]) == 1
    assert summarised() == {(cooperatives[0].pk, 2026, 2, 2, 0, 0, 0, 0)}

    call_command("rebuild_visit_summary", verbosity=0)
    assert_in_step()
    assert len(summarised()) == 3


def test_kinds_total_sums_the_chosen_kind_columns():
    cooperative = CooperativeFactory()
    for kind in ("pembinaan", "monev", "monev", "pelatihan"):
        CoachingVisitFactory(cooperative=cooperative, kind=kind)
    row = VisitSummary.objects.annotate(
        coaching=kinds_total(["pembinaan", "monev"]), none=kinds_total([])
    ).get()
    assert (row.coaching, row.none, row.visits) == (3, 0, 4)
    with pytest.raises(ValueError):
        kinds_total(["kunjungan_fiktif"])


def districts_of_rows(cooperative) -> set:
    return {
        *VisitSummary.objects.filter(cooperative=cooperative).values_list("district_id", flat=True),
        *AssistantVisitSummary.objects.filter(cooperative=cooperative).values_list("district_id", flat=True),
        *FollowUp.objects.filter(cooperative=cooperative).values_list("district_id", flat=True),
    }


def two_villages_in_two_kecamatan():
    from cooperatives.models import Village

    first = Village.objects.order_by("code").first()
    other = Village.objects.exclude(district=first.district).order_by("code").first()
    return first, other


def test_rows_carry_the_kecamatan_and_follow_a_cooperative_moved_in_its_form_or_the_admin():
    here, there = two_villages_in_two_kecamatan()
    cooperative = CooperativeFactory(village=here)
    visit = CoachingVisitFactory(cooperative=cooperative, assistant=BusinessAssistantFactory())
    FollowUpFactory(visit=visit)
    assert districts_of_rows(cooperative) == {here.district_id}

    cooperative.name = "Koperasi Berganti Nama"  # no move: nothing rewritten
    cooperative.save()
    assert districts_of_rows(cooperative) == {here.district_id}

    cooperative.village = there
    cooperative.save()
    assert districts_of_rows(cooperative) == {there.district_id}
    assert_in_step()


def test_a_spreadsheet_import_moving_cooperatives_takes_their_rows_along(tmp_path, staf, settings):
    import csv

    settings.MEDIA_ROOT = tmp_path / "media"
    here, there = two_villages_in_two_kecamatan()
    cooperative = CooperativeFactory(village=here, nik="N-PINDAH")
    FollowUpFactory(visit=CoachingVisitFactory(cooperative=cooperative, assistant=BusinessAssistantFactory()))
    path = tmp_path / "koperasi.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["NIK", "Nama koperasi", "Kode desa (Kemendagri)"])
        writer.writerow(["N-PINDAH", cooperative.name, there.code])
    call_command("import_cooperatives", str(path), "--user", staf.username, stdout=__import__("io").StringIO())

    cooperative.refresh_from_db()
    assert cooperative.village_id == there.pk
    assert districts_of_rows(cooperative) == {there.district_id}
    assert_in_step()


def test_rebuild_repairs_follow_ups_kecamatan_too():
    from assistants.services import followup_place_refresh

    here, there = two_villages_in_two_kecamatan()
    cooperative = CooperativeFactory(village=here)
    followup = FollowUpFactory(visit=CoachingVisitFactory(cooperative=cooperative))
    FollowUp.objects.filter(pk=followup.pk).update(district=there.district)  # out of step
    assert followup_place_refresh(cooperative_ids=[cooperative.pk]) == 1
    assert districts_of_rows(cooperative) == {here.district_id}
    other = CooperativeFactory(village=there)
    FollowUp.objects.filter(pk=followup.pk).update(district=there.district, cooperative=other)
    call_command("rebuild_visit_summary", verbosity=0)
    assert districts_of_rows(cooperative) == {here.district_id}
    assert_in_step()


def test_a_cooperative_moved_in_its_edit_form_takes_its_rows_along(client_as, staf):
    from django.urls import reverse

    from tests.cooperatives.test_registry_forms import cooperative_data

    here, there = two_villages_in_two_kecamatan()
    cooperative = CooperativeFactory(village=here)
    FollowUpFactory(visit=CoachingVisitFactory(cooperative=cooperative, assistant=BusinessAssistantFactory()))
    data = cooperative_data(there, name=cooperative.name, nik="", office_code="")
    response = client_as(staf).post(reverse("cooperatives:cooperative_edit", args=[cooperative.pk]), data)
    assert response.status_code == 302
    assert districts_of_rows(cooperative) == {there.district_id}
    assert_in_step()


def test_after_a_move_the_scorecard_still_equals_the_visits_and_follow_ups_per_kecamatan(staf):
    """The figures read from the stored rows, against the same figures counted from the
    visits and follow-ups through their cooperatives (what the lists filter on)."""
    from koperasi_registry.dashboard.period import Period
    from koperasi_registry.dashboard.selectors import district_scorecard

    here, there = two_villages_in_two_kecamatan()
    cooperatives = [CooperativeFactory(village=here) for _ in range(3)]
    rina = BusinessAssistantFactory()
    for number, cooperative in enumerate(cooperatives):
        for month in range(1, number + 3):
            visit = CoachingVisitFactory(cooperative=cooperative, assistant=rina, visit_date=datetime.date(2026, month, 2))
            FollowUpFactory(visit=visit, due_date=datetime.date(2026, month, 20))
    cooperatives[1].village = there
    cooperatives[1].save()

    today = datetime.date(2026, 11, 29)
    rows = district_scorecard(user=staf, period=Period(year=2026, today=today, district=None))["rows"]
    for row in rows:
        district = row["district"]
        visits = CoachingVisit.objects.filter(cooperative__village__district=district, visit_date__year=2026)
        followups = FollowUp.objects.open().filter(visit__cooperative__village__district=district)
        assert (row["visits"], row["visited"], row["followups_open"], row["followups_overdue"]) == (
            visits.count(),
            visits.values("cooperative").distinct().count(),
            followups.count(),
            followups.filter(due_date__lt=today).count(),
        ), district.name
    assert {row["district"].pk: row["visits"] for row in rows if row["visits"]} == {
        here.district_id: 2 + 4, there.district_id: 3,
    }
