"""A Pendamping's home page (issue 15, item 3): the monthly share rule, the due and
follow-up lists, the page itself and its query count at two sizes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assistants import today as today_mod
from assistants.models import CoachingTarget
from assistants.today import MonthlyShare, monthly_visit_share
from tests.assistants.factories import (
    AssignmentFactory,
    BusinessAssistantFactory,
    CoachingVisitFactory,
    FollowUpFactory,
)
from tests.factories import CooperativeFactory
from tests.query_budgets import QUERY_BUDGETS

TODAY = datetime.date(2026, 6, 15)


# --- The rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("assigned", "office_assigned", "target", "min_visits", "done", "expected"),
    [
        # The docstring's example: 12 of 120, target 60 -> 6 cooperatives, 12 visits a year.
        (12, 120, 60, 2, 0, MonthlyShare(cooperatives=6, visits=1, done=0, percent=0)),
        # No target: every assigned cooperative is the share; 12 x 2 / 12 = 2 a month.
        (12, 120, None, 2, 1, MonthlyShare(cooperatives=12, visits=2, done=1, percent=50)),
        # A share is rounded up: 60 x 7 / 120 = 3.5 -> 4 cooperatives, 8 a year -> 1 a month.
        (7, 120, 60, 2, 2, MonthlyShare(cooperatives=4, visits=1, done=2, percent=200)),
        # A target above the office's assigned count: never more than one's own.
        (10, 20, 500, 2, 0, MonthlyShare(cooperatives=10, visits=2, done=0, percent=0)),
        # Nobody assigned in the office (an assistant of another office): own count.
        (3, 0, 60, 2, 0, MonthlyShare(cooperatives=3, visits=1, done=0, percent=0)),
        # Nothing assigned: nothing due, counted as reached.
        (0, 120, 60, 2, 0, MonthlyShare(cooperatives=0, visits=0, done=0, percent=100)),
        # A target of 0.
        (12, 120, 0, 2, 0, MonthlyShare(cooperatives=0, visits=0, done=0, percent=100)),
        # min_visits below 1 counts as 1 (coaching.is_coached).
        (24, 24, None, 0, 3, MonthlyShare(cooperatives=24, visits=2, done=3, percent=150)),
        # 15 assigned (the maximum load), 2 visits: 30 a year -> 2.5 -> 3 a month.
        (15, 15, None, 2, 3, MonthlyShare(cooperatives=15, visits=3, done=3, percent=100)),
    ],
)
def test_monthly_visit_share(assigned, office_assigned, target, min_visits, done, expected):
    assert monthly_visit_share(
        assigned=assigned, office_assigned=office_assigned, target=target, min_visits=min_visits, done=done
    ) == expected


@pytest.mark.parametrize("kwargs", [{"assigned": -1}, {"office_assigned": -1}, {"target": -1}, {"done": -1}])
def test_monthly_visit_share_refuses_negative_counts(kwargs):
    values = {"assigned": 1, "office_assigned": 1, "target": 1, "min_visits": 2, "done": 0, **kwargs}
    with pytest.raises(ValueError):
        monthly_visit_share(**values)


# --- The lists ----------------------------------------------------------------------------


@pytest.fixture
def day(office, pendamping):
    """The ``office`` plus three more of the pendamping's cooperatives: never visited, last
    visited 40 days ago, visited 5 days ago (not due); and follow-ups due at three dates."""
    me = office.me
    never = CooperativeFactory(name="Belum Pernah")
    old = CooperativeFactory(name="Lama Tak Dikunjungi")
    recent = CooperativeFactory(name="Baru Dikunjungi")
    for cooperative in (never, old, recent):
        AssignmentFactory(assistant=me, cooperative=cooperative, start_date=datetime.date(2025, 1, 1))
    CoachingVisitFactory(cooperative=old, assistant=me, visit_date=TODAY - datetime.timedelta(days=40))
    recent_visit = CoachingVisitFactory(cooperative=recent, assistant=me, visit_date=TODAY - datetime.timedelta(days=5))
    late = FollowUpFactory(visit=recent_visit, owner=pendamping, due_date=TODAY - datetime.timedelta(days=2), action="Terlambat")
    soon = FollowUpFactory(visit=recent_visit, owner=pendamping, due_date=TODAY + datetime.timedelta(days=3), action="Segera")
    closed = FollowUpFactory(
        visit=recent_visit, owner=pendamping, due_date=TODAY - datetime.timedelta(days=9), action="Sudah",
        status="selesai", closed_on=TODAY,
    )
    return {"never": never, "old": old, "recent": recent, "late": late, "soon": soon, "closed": closed}


def test_due_cooperatives_never_visited_first_then_the_longest_unvisited(day, office, pendamping):
    names = [c.name for c in today_mod.due_cooperatives(user=pendamping, today=TODAY)]
    # office.mine was visited on 2026-03-10 (the factory's date): due, after "Lama" (40 days).
    assert names == ["Belum Pernah", "Koperasi Milik Saya", "Lama Tak Dikunjungi"]
    assert office.other.name not in names and "Baru Dikunjungi" not in names


def test_due_follows_the_interval_setting(day, pendamping, settings):
    settings.ASSISTANTS_VISIT_INTERVAL_DAYS = 5
    names = [c.name for c in today_mod.due_cooperatives(user=pendamping, today=TODAY)]
    assert "Baru Dikunjungi" in names  # visited exactly 5 days ago: due again


def test_open_followups_soonest_due_first_closed_and_others_left_out(day, office, pendamping):
    rows = list(today_mod.open_followups(user=pendamping, today=TODAY))
    assert [f.action for f in rows][:2] == ["Rapikan buku kas", "Terlambat"]  # office's: due 2026-04-10
    assert [f.due_date for f in rows] == sorted(f.due_date for f in rows)
    assert day["closed"] not in rows and office.other_followup not in rows
    assert rows[0].is_overdue and not rows[-1].is_overdue
    counts = today_mod.followup_counts(user=pendamping, today=TODAY)
    assert counts == {"open": 3, "overdue": 2, "upcoming": 1}


def test_month_share_counts_own_visits_of_the_month(day, office, pendamping):
    CoachingVisitFactory(cooperative=day["old"], assistant=office.me, visit_date=TODAY.replace(day=1))
    CoachingVisitFactory(cooperative=office.other, assistant=office.someone, visit_date=TODAY)  # not mine
    CoachingTarget.objects.create(year=TODAY.year, target_count=4)
    share = today_mod.month_share(user=pendamping, today=TODAY)
    # Mine: 4 assigned of the office's 5; target 4 -> ceil(4 x 4 / 5) = 4; 4 x 2 / 12 -> 1.
    # Done: the visit 5 days ago (10 June) and the one on 1 June.
    assert share == MonthlyShare(cooperatives=4, visits=1, done=2, percent=200)


def test_year_target_office_wide_else_the_kecamatan_sum(sintang):
    from cooperatives.models import District
    from koperasi_registry.scopes import Scope

    sintang_scope = Scope.of("61.05")
    assert today_mod.year_target(2026, scope=sintang_scope) is None
    first, second = District.objects.order_by("code")[:2]
    CoachingTarget.objects.create(year=2026, district=first, target_count=10, office_code="61.05")
    CoachingTarget.objects.create(year=2026, district=second, target_count=5, office_code="61.05")
    CoachingTarget.objects.create(year=2026, target_count=99, office_code="61.10")  # Melawi's: another office
    CoachingTarget.objects.create(year=2026, target_count=77, office_code="61")  # the province's: wider
    assert today_mod.year_target(2026, scope=sintang_scope) == 15
    CoachingTarget.objects.create(year=2026, target_count=40, office_code="61.05")
    assert today_mod.year_target(2026, scope=sintang_scope) == 40
    assert today_mod.year_target(2026, scope=Scope.of("61.10")) == 99


# --- The page -----------------------------------------------------------------------------


def test_the_pendamping_home_page_lists_today_s_work(client_as, pendamping, office):
    html = client_as(pendamping).get(reverse("dashboard")).content.decode()
    assert 'data-testid="outbox-summary"' in html and 'id="outbox-summary"' in html
    assert 'data-testid="due-row"' in html
    # One tap from a row to the visit form with that cooperative.
    assert f'{reverse("assistants:visit_add")}?cooperative={office.mine.pk}' in html
    assert office.my_followup.action in html and office.other_followup.visit.cooperative.name not in html
    assert 'data-testid="month-share"' in html
    # No region counts for a Pendamping.
    assert 'data-testid="count-districts"' not in html


def test_office_roles_keep_the_dashboard_and_region_counts(client_as, staf, office):
    html = client_as(staf).get(reverse("dashboard")).content.decode()
    assert 'data-testid="count-districts"' in html and 'data-testid="due-visits"' not in html


def test_the_pendamping_home_page_has_a_constant_query_count(client_as, pendamping, office, django_assert_max_num_queries):
    client = client_as(pendamping)
    me, today = office.me, timezone.localdate()

    def grow(n):
        for i in range(n):
            cooperative = CooperativeFactory()
            AssignmentFactory(assistant=me, cooperative=cooperative, start_date=datetime.date(2025, 1, 1))
            if i % 2:
                visit = CoachingVisitFactory(cooperative=cooperative, assistant=me, visit_date=today - datetime.timedelta(days=40 + i))
                FollowUpFactory(visit=visit, owner=pendamping, due_date=today + datetime.timedelta(days=i - 10))

    grow(2)  # 3 assigned with office.mine
    with django_assert_max_num_queries(QUERY_BUDGETS["dashboard_pendamping"]) as small:
        assert client.get(reverse("dashboard")).status_code == 200
    grow(27)  # 30 assigned
    with django_assert_max_num_queries(QUERY_BUDGETS["dashboard_pendamping"]) as large:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
    assert response.content.decode().count('data-testid="due-row"') == today_mod.DUE_ROWS


def test_a_pendamping_without_an_assistant_record_gets_an_empty_day(client_as, make_user, sintang):
    user = make_user("Pendamping", username="pendamping-baru")
    html = client_as(user).get(reverse("dashboard")).content.decode()
    assert 'data-testid="due-none"' in html and 'data-testid="month-target">0<' in html


def test_an_assistant_with_nothing_assigned_sees_no_rows(client_as, make_user, sintang):
    user = make_user("Pendamping", username="pendamping-kosong")
    BusinessAssistantFactory(user=user)
    html = client_as(user).get(reverse("dashboard")).content.decode()
    assert 'data-testid="due-row"' not in html and 'data-testid="followup-row"' not in html


# --- The follow-up list opens on open ones, soonest due first -----------------------------


@pytest.fixture
def followups(office, pendamping):
    visit = office.my_visit
    return {
        "late": FollowUpFactory(visit=visit, owner=pendamping, due_date=datetime.date(2026, 3, 20), action="Paling awal"),
        "later": FollowUpFactory(visit=visit, owner=pendamping, due_date=datetime.date(2026, 5, 1), action="Paling akhir"),
        "closed": FollowUpFactory(
            visit=visit, owner=pendamping, due_date=datetime.date(2026, 3, 11), action="Sudah ditutup",
            status="selesai", closed_on=datetime.date(2026, 3, 12),
        ),
    }


def _rows(response):
    return [row.action for row in response.context["table"].paginated_rows.data]


def test_followup_list_opens_on_open_ones_soonest_due_first(client_as, staf, office, followups):
    response = client_as(staf).get(reverse("assistants:followup_list"))
    assert _rows(response) == ["Paling awal", office.my_followup.action, office.other_followup.action, "Paling akhir"]
    html = response.content.decode()
    assert 'data-testid="followup-default-note"' in html
    assert '<option value="terbuka" selected>' in html


@pytest.mark.parametrize("query", [{"sort": "owner"}, {"page": "1"}])
def test_a_sort_or_a_page_alone_keeps_the_open_default(client_as, staf, office, followups, query):
    assert "Sudah ditutup" not in _rows(client_as(staf).get(reverse("assistants:followup_list"), query))


def test_semua_lists_every_status(client_as, staf, office, followups):
    response = client_as(staf).get(reverse("assistants:followup_list"), {"status": ""})
    assert "Sudah ditutup" in _rows(response) and _rows(response)[0] == "Sudah ditutup"  # due 11 March: first
    assert 'data-testid="followup-default-note"' not in response.content.decode()


def test_any_other_filter_is_taken_as_given(client_as, staf, office, followups):
    response = client_as(staf).get(reverse("assistants:followup_list"), {"q": "ditutup"})
    assert _rows(response) == ["Sudah ditutup"]
    response = client_as(staf).get(reverse("assistants:followup_list"), {"due_date_before": "2026-03-15"})
    assert _rows(response) == ["Sudah ditutup"]


def test_the_export_without_filters_honours_the_open_default(client_as, staf, office, followups):
    csv = client_as(staf).get(reverse("assistants:followup_list"), {"_export": "csv"}).content.decode()
    assert "Paling awal" in csv and "Sudah ditutup" not in csv


# --- The visit form for a thumb -----------------------------------------------------------


def _minimal_post(cooperative, **extra):
    import uuid

    return {
        "submission_id": str(uuid.uuid4()), "cooperative": cooperative.pk, "visit_date": timezone.localdate().isoformat(),
        "kind": "pembinaan", "findings": "Pengurus hadir.",
        "tl-TOTAL_FORMS": "2", "tl-INITIAL_FORMS": "0", "tl-MIN_NUM_FORMS": "0", "tl-MAX_NUM_FORMS": "10", **extra,
    }


def test_a_minimal_visit_needs_only_cooperative_kind_and_findings(client_as, pendamping, office):
    from assistants.models import CoachingVisit

    response = client_as(pendamping).post(reverse("assistants:visit_add"), _minimal_post(office.mine))
    assert response.status_code == 302
    assert CoachingVisit.objects.filter(cooperative=office.mine, findings="Pengurus hadir.").exists()


def test_the_form_opens_prefilled_short_and_marks_required_fields(client_as, pendamping, office):
    html = client_as(pendamping).get(reverse("assistants:visit_add"), {"cooperative": office.mine.pk}).content.decode()
    assert f'<option value="{office.mine.pk}" selected>' in html
    assert f'value="{timezone.localdate().isoformat()}"' in html
    # Required: an asterisk for the eye and aria-required on the field for screen readers;
    # the follow-up's owner and due date too.
    for field_id in ("id_cooperative", "id_visit_date", "id_kind", "id_findings", "id_tl-0-due_date", "id_tl-0-owner"):
        label = html.split(f'for="{field_id}"', 1)[1].split("</label>", 1)[0]
        assert 'class="text-danger required-mark" aria-hidden="true">*</span>' in label, field_id
        tag = html.split(f'id="{field_id}"', 1)[0].rsplit("<", 1)[1] + html.split(f'id="{field_id}"', 1)[1].split(">", 1)[0]
        assert 'aria-required="true"' in tag, field_id
    label = html.split('for="id_people_met"', 1)[1].split("</label>", 1)[0]
    assert "required-mark" not in label
    # Folded: the follow-up part and "Lainnya".
    assert '<details class="mb-3 form-section" data-testid="followup-section">' in html
    assert '<details class="mb-3 form-section" data-testid="more-section">' in html
    assert 'data-testid="error-summary"' not in html


def test_a_followup_without_a_due_date_is_summarised_at_the_top(client_as, pendamping, office):
    from assistants.models import CoachingVisit

    data = _minimal_post(office.mine, **{"tl-0-action": "Susun draf LPJ", "tl-0-owner": pendamping.pk})
    response = client_as(pendamping).post(reverse("assistants:visit_add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    summary = html.split('data-testid="error-summary"', 1)[1].split("</div>", 1)[0]
    assert '<a class="alert-link" href="#id_tl-0-due_date" data-field="tl-0-due_date">Baris 1, Batas waktu: Isi batas waktu.</a>' in summary
    # The summary comes before every field; the follow-up part is open, "Lainnya" folded.
    assert html.index('data-testid="error-summary"') < html.index('id="id_cooperative"')
    assert '<details class="mb-3 form-section" data-testid="followup-section" open>' in html
    assert '<details class="mb-3 form-section" data-testid="more-section">' in html
    assert 'data-has-errors="1"' in html
    assert not CoachingVisit.objects.filter(findings="Pengurus hadir.").exists()


def test_a_field_error_links_to_its_field_and_lainnya_opens_when_it_holds_data(client_as, pendamping, office):
    data = _minimal_post(office.mine, findings="", people_met="Ketua")
    html = client_as(pendamping).post(reverse("assistants:visit_add"), data).content.decode()
    assert '<a class="alert-link" href="#id_findings" data-field="findings">Temuan: Bidang ini tidak boleh kosong.</a>' in html
    assert '<details class="mb-3 form-section" data-testid="more-section" open>' in html
    assert '<details class="mb-3 form-section" data-testid="followup-section">' in html


def test_every_page_loads_the_form_error_script(client_as, staf, office):
    html = client_as(staf).get(reverse("cooperatives:cooperative_add")).content.decode()
    assert "js/form_errors.js" in html


# --- Koperasi saya and the lists as cards -------------------------------------------------


def test_koperasi_saya_lists_the_due_first_and_labels_every_cell(client_as, pendamping, day):
    response = client_as(pendamping).get(reverse("assistants:my_cooperatives"))
    names = [c.name for c in response.context["table"].paginated_rows.data]
    assert names[:3] == ["Belum Pernah", "Koperasi Milik Saya", "Lama Tak Dikunjungi"] and names[-1] == "Baru Dikunjungi"
    html = response.content.decode()
    assert 'class="card table-cards-wrap"' in html
    assert 'data-label="Perlu dikunjungi"' in html and 'data-label="Koperasi"' in html
    assert f'{reverse("assistants:visit_add")}?cooperative={day["never"].pk}' in html
