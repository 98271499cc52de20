"""Optimistic concurrency (issue 13): no edit is silently overwritten.

Two people open the same edit form; the first saves a change to field A, the second then
saves a change to field B from the page they loaded before. The second save is refused
(200, the conflict box names field A, the old and new value, who and when), nothing of it
is written, and what they typed is still in the form, now carrying the new version, so
that saving again works and keeps both changes. The same for an admin change form and for
a spreadsheet import between loading and saving; and, on PostgreSQL, for two saves sent at
the same moment.
"""

import html
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Callable

import pytest
from django.contrib.auth import get_user_model
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from cooperatives import imports
from cooperatives.models import Cooperative
from koperasi_registry.concurrency import current_version
from koperasi_registry.formatting import format_date
from tests.assistants.factories import (
    BusinessAssistantFactory,
    CoachingTargetFactory,
    CoachingVisitFactory,
    FinancingProposalFactory,
    ProgrammeFactory,
)
from tests.factories import CooperativeFactory, RatFilingFactory

pytestmark = pytest.mark.django_db


# --- A browser's view of a form ---------------------------------------------------------------


class FormParser(HTMLParser):
    """The values a browser would post for the page's ``<form method="post">`` (files and
    buttons left out, except a submit named ``submit_name``)."""

    def __init__(self, submit_name=None):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, list[str]]] = []
        self.data: dict[str, list[str]] = {}
        self.in_form = False
        self.select = None  # (name, options, selected)
        self.option = None
        self.textarea = None
        self.submit_name = submit_name

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.in_form = True
            self.data = {}
            self.forms.append(self.data)
        if not self.in_form:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            name = a.get("name")
            if not name or kind in ("file", "button", "reset", "image"):
                return
            if kind == "submit":
                if name == self.submit_name:
                    self.add(name, a.get("value") or "")
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.add(name, a.get("value", "on"))
                return
            self.add(name, a.get("value") or "")
        elif tag == "select" and a.get("name"):
            self.select = (a["name"], [], [], "multiple" in a)
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value"), ""]
            self.select[1].append(self.option)
            if "selected" in a:
                self.select[2].append(self.option)
        elif tag == "textarea" and a.get("name"):
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data
        if self.option is not None:
            self.option[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select is not None:
            name, options, selected, multiple = self.select
            chosen = selected if selected else ([] if multiple or not options else [options[0]])
            for option in chosen:
                self.add(name, option[0] if option[0] is not None else option[1].strip())
            self.select = self.option = None
        elif tag == "option":
            self.option = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.add(name, text[1:] if text.startswith("\n") else text)
            self.textarea = None


def form_data(response, submit_name=None) -> dict:
    assert response.status_code == 200, response.status_code
    parser = FormParser(submit_name)
    parser.feed(response.content.decode())
    data = max(parser.forms, key=len)  # the page's edit form, not the sign-out or language one
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def last_change_time(instance) -> str:
    return format_date(type(instance).history.filter(id=instance.pk).order_by("-history_id").first().history_date)


# --- The edit forms -------------------------------------------------------------------------------


@dataclass
class Case:
    """An edit form: how to make the record, its edit URL, field A (changed first) and
    field B (changed second) with their labels, typed values and stored values."""

    make: Callable
    url: Callable
    a: str
    a_label: str
    a_typed: str
    a_stored: object
    b: str
    b_typed: str
    b_stored: object
    a_old: str = ""  # as the conflict box shows the value before


@pytest.fixture
def users(staf, admin):
    staf.first_name, staf.last_name = "Sri", "Wahyuni"
    staf.save()
    admin.first_name, admin.last_name = "Agus", "Salim"
    admin.save()
    return staf, admin


def make_visit():
    visit = CoachingVisitFactory(cooperative=CooperativeFactory(), findings="Pembukuan belum rapi.", recommendations="")
    visit.officers.set(get_user_model().objects.filter(username="staf-uji"))  # the office's officer on the visit
    return visit


CASES = {
    "koperasi": Case(
        make=lambda: CooperativeFactory(chair_name="Budi", address="Jl. Lama 1"),
        url=lambda obj: reverse("cooperatives:cooperative_edit", args=[obj.pk]),
        a="chair_name", a_label="Nama ketua", a_typed="Siti Aminah", a_stored="Siti Aminah", a_old="Budi",
        b="address", b_typed="Jl. Lintas Melawi km 5", b_stored="Jl. Lama 1",
    ),
    "rat": Case(
        make=lambda: RatFilingFactory(cooperative=CooperativeFactory(), book_year=2023, members_male=40, notes=""),
        url=lambda obj: reverse("cooperatives:ratfiling_edit", args=[obj.pk]),
        a="members_male", a_label="Anggota laki-laki", a_typed="55", a_stored=55, a_old="40",
        b="notes", b_typed="Daftar hadir menyusul.", b_stored="",
    ),
    "kunjungan": Case(
        make=make_visit,
        url=lambda obj: reverse("assistants:visit_edit", args=[obj.pk]),
        a="findings", a_label="Temuan", a_typed="Kas sudah rapi.", a_stored="Kas sudah rapi.",
        a_old="Pembukuan belum rapi.",
        b="recommendations", b_typed="Latih bendahara.", b_stored="",
    ),
    "target": Case(
        make=lambda: CoachingTargetFactory(target_count=150, notes=""),
        url=lambda obj: reverse("assistants:target_edit", args=[obj.pk]),
        a="target_count", a_label="Target", a_typed="175", a_stored=175, a_old="150",
        b="notes", b_typed="Termasuk koperasi baru.", b_stored="",
    ),
    "program": Case(
        make=lambda: ProgrammeFactory(name="Pelatihan Akuntansi", description=""),
        url=lambda obj: reverse("assistants:programme_edit", args=[obj.pk]),
        a="name", a_label="Nama program", a_typed="Pelatihan Akuntansi Dasar", a_stored="Pelatihan Akuntansi Dasar",
        a_old="Pelatihan Akuntansi",
        b="description", b_typed="Dua hari di Sintang.", b_stored="",
    ),
    "proposal": Case(
        make=lambda: FinancingProposalFactory(cooperative=CooperativeFactory(), lender="", notes=""),
        url=lambda obj: reverse("assistants:proposal_edit", args=[obj.pk]),
        a="lender", a_label="Lembaga pembiayaan", a_typed="Bank Kalbar", a_stored="Bank Kalbar", a_old="–",
        b="notes", b_typed="Menunggu survei.", b_stored="",
    ),
}


def label_of(obj, name):
    from django.utils.text import capfirst

    return str(capfirst(type(obj)._meta.get_field(name).verbose_name))


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_second_save_from_an_older_page_is_refused_and_keeps_what_was_typed(users, sintang, case):
    staf, admin = users
    obj = case.make()
    first, second = signed_in(staf), signed_in(admin)
    url = case.url(obj)
    first_page, second_page = form_data(first.get(url)), form_data(second.get(url))
    assert first_page["edit_version"] == second_page["edit_version"] == current_version(obj)

    response = first.post(url, {**first_page, case.a: case.a_typed})
    assert response.status_code == 302, page_text(response)[:3000]
    when = last_change_time(obj)

    response = second.post(url, {**second_page, case.b: case.b_typed})
    assert response.status_code == 200
    text = page_text(response)
    assert 'data-testid="conflict"' in text
    assert "Sri Wahyuni" in text and when in text
    assert label_of(obj, case.a) in text
    assert case.a_old in text and case.a_typed in text
    assert "Isian Anda belum disimpan" in text

    obj.refresh_from_db()
    assert getattr(obj, case.a) == case.a_stored  # the first save stands
    assert getattr(obj, case.b) == case.b_stored  # the refused one wrote nothing

    again = form_data(response)
    assert again[case.b] == case.b_typed  # what the second user typed is still there
    assert again[case.a] == case.a_typed  # the other person's change, not the old value
    assert again["edit_version"] == current_version(obj) != second_page["edit_version"]

    response = second.post(url, again)
    assert response.status_code == 302, page_text(response)[:3000]
    obj.refresh_from_db()
    assert getattr(obj, case.a) == case.a_stored
    assert str(getattr(obj, case.b)) == case.b_typed


@pytest.mark.parametrize("case", [CASES["koperasi"]], ids=["koperasi"])
def test_the_same_field_changed_by_both_keeps_this_users_input_and_says_so(users, sintang, case):
    staf, admin = users
    obj = case.make()
    first, second = signed_in(staf), signed_in(admin)
    url = case.url(obj)
    first_page, second_page = form_data(first.get(url)), form_data(second.get(url))
    assert first.post(url, {**first_page, "chair_name": "Siti Aminah"}).status_code == 302
    response = second.post(url, {**second_page, "chair_name": "Rahmat"})
    assert response.status_code == 200
    assert "Anda juga mengubahnya" in page_text(response)
    assert form_data(response)["chair_name"] == "Rahmat"
    obj.refresh_from_db()
    assert obj.chair_name == "Siti Aminah"


def test_a_save_without_changes_in_between_is_no_conflict(users, sintang):
    staf, admin = users
    obj = CooperativeFactory(chair_name="Budi")
    url = reverse("cooperatives:cooperative_edit", args=[obj.pk])
    first_page = form_data(signed_in(staf).get(url))
    second_page = form_data(signed_in(admin).get(url))
    assert signed_in(staf).post(url, first_page).status_code == 302  # Simpan, nothing changed
    assert signed_in(admin).post(url, {**second_page, "address": "Jl. Baru"}).status_code == 302
    obj.refresh_from_db()
    assert obj.address == "Jl. Baru"


@pytest.mark.parametrize("version", ["abc", "-1", "99999999999999999999999", "0"])
def test_a_made_up_version_is_a_conflict_without_a_field_list_never_a_500(users, sintang, version):
    staf, admin = users
    cooperative = CooperativeFactory(chair_name="Budi")
    url = reverse("cooperatives:cooperative_edit", args=[cooperative.pk])
    client = signed_in(admin)
    page = form_data(client.get(url))
    response = client.post(url, {**page, "edit_version": version, "chair_name": "Rahmat"})
    assert response.status_code == 200 and "Isian Anda belum disimpan" in page_text(response)
    cooperative.refresh_from_db()
    assert cooperative.chair_name == "Budi"
    assert client.post(url, form_data(response)).status_code == 302  # now with the real version


def test_a_visit_posted_by_the_page_script_gets_invalid_so_the_page_shows_the_conflict(users, sintang):
    staf, admin = users
    visit = make_visit()
    url = reverse("assistants:visit_edit", args=[visit.pk])
    first_page, second_page = form_data(signed_in(staf).get(url)), form_data(signed_in(admin).get(url))
    assert signed_in(staf).post(url, {**first_page, "findings": "Baru"}).status_code == 302
    response = signed_in(admin).post(url, second_page, headers={"accept": "application/json"})
    assert response.status_code == 400 and response.json()["status"] == "invalid"


def test_a_spreadsheet_import_between_loading_and_saving_is_a_conflict(users, sintang):
    staf, admin = users
    cooperative = CooperativeFactory(nik="6105010020001", address="Jl. Lama 1", chair_name="Budi")
    url = reverse("cooperatives:cooperative_edit", args=[cooperative.pk])
    client = signed_in(admin)
    page = form_data(client.get(url))

    header = ["NIK", "Alamat"]
    columns = imports.match_header(header, imports.COLUMNS["koperasi"])
    sheet = imports.Sheet(columns=columns, rows=[(2, ("6105010020001", "Jl. Dari Impor 9"))])
    plan, result = imports.import_sheet(kind="koperasi", sheet=sheet, user=staf, save=True)
    assert not plan.errors and result is not None

    response = client.post(url, {**page, "chair_name": "Rahmat"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Alamat" in text and "Jl. Lama 1" in text and "Jl. Dari Impor 9" in text and "Sri Wahyuni" in text
    assert "Impor spreadsheet koperasi" in text  # the history row's reason
    cooperative.refresh_from_db()
    assert (cooperative.address, cooperative.chair_name) == ("Jl. Dari Impor 9", "Budi")
    again = form_data(response)
    assert again["address"] == "Jl. Dari Impor 9" and again["chair_name"] == "Rahmat"
    assert client.post(url, again).status_code == 302
    cooperative.refresh_from_db()
    assert (cooperative.address, cooperative.chair_name) == ("Jl. Dari Impor 9", "Rahmat")


def test_a_rat_filing_refreshing_last_rat_year_meanwhile_is_not_written_back(users, sintang):
    """``last_rat_year`` is maintained by a QuerySet.update (no history, no new version):
    a cooperative form loaded before still saves, and does not write the old value back."""
    staf, admin = users
    cooperative = CooperativeFactory()
    url = reverse("cooperatives:cooperative_edit", args=[cooperative.pk])
    client = signed_in(admin)
    page = form_data(client.get(url))
    RatFilingFactory(cooperative=cooperative, book_year=2024)
    assert client.post(url, {**page, "chair_name": "Rahmat"}).status_code == 302
    cooperative.refresh_from_db()
    assert (cooperative.chair_name, cooperative.last_rat_year) == ("Rahmat", 2024)


# --- Admin ------------------------------------------------------------------------------------------


def test_an_admin_change_form_refuses_a_save_from_an_older_page(users, sintang, make_user):
    staf, admin = users
    other_admin = make_user("Admin", username="admin-dua", first_name="Dewi", last_name="Lestari")
    cooperative = CooperativeFactory(chair_name="Budi", address="Jl. Lama 1")
    url = reverse("admin:cooperatives_cooperative_change", args=[cooperative.pk])
    first, second = signed_in(other_admin), signed_in(admin)
    first_page = form_data(first.get(url), submit_name="_save")
    second_page = form_data(second.get(url), submit_name="_save")
    assert first_page["edit_version"] == current_version(cooperative)

    assert first.post(url, {**first_page, "chair_name": "Siti Aminah"}).status_code == 302
    when = last_change_time(cooperative)
    response = second.post(url, {**second_page, "address": "Jl. Baru 2"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Dewi Lestari" in text and when in text
    assert "Ketua: Budi → Siti Aminah" in text
    cooperative.refresh_from_db()
    assert (cooperative.chair_name, cooperative.address) == ("Siti Aminah", "Jl. Lama 1")

    again = form_data(response, submit_name="_save")
    assert again["address"] == "Jl. Baru 2" and again["chair_name"] == "Siti Aminah"
    assert second.post(url, again).status_code == 302
    cooperative.refresh_from_db()
    assert (cooperative.chair_name, cooperative.address) == ("Siti Aminah", "Jl. Baru 2")


def test_reverting_from_the_admin_history_page_still_saves(users, sintang):
    staf, admin = users
    cooperative = CooperativeFactory(chair_name="Budi")
    first = cooperative.history.get()
    cooperative.chair_name = "Siti Aminah"
    cooperative.save()
    url = reverse("admin:cooperatives_cooperative_simple_history", args=[cooperative.pk, first.history_id])
    client = signed_in(admin)
    page = form_data(client.get(url), submit_name="_save")
    assert page["edit_version"] == current_version(cooperative) and page["chair_name"] == "Budi"
    assert client.post(url, page).status_code == 302
    cooperative.refresh_from_db()
    assert cooperative.chair_name == "Budi"


ADMIN_PAGES = [
    ("cooperatives", "kelompok", lambda: __import__("tests.factories", fromlist=["x"]).KelompokFactory(name="Kelompok Uji Versi")),
    ("cooperatives", "ratfiling", lambda: RatFilingFactory(cooperative=CooperativeFactory(), book_year=2022)),
    ("assistants", "coachingvisit", make_visit),
    ("assistants", "programme", lambda: ProgrammeFactory()),
    ("assistants", "financingproposal", lambda: FinancingProposalFactory(cooperative=CooperativeFactory())),
    ("assistants", "coachingtarget", lambda: CoachingTargetFactory()),
    ("assistants", "businessassistant", lambda: BusinessAssistantFactory()),
]


@pytest.mark.parametrize("app,model,make", ADMIN_PAGES, ids=[model for _app, model, _make in ADMIN_PAGES])
def test_every_admin_change_form_carries_the_version_and_saves_unchanged(users, sintang, app, model, make):
    staf, admin = users
    obj = make()
    url = reverse(f"admin:{app}_{model}_change", args=[obj.pk])
    client = signed_in(admin)
    page = form_data(client.get(url), submit_name="_save")
    assert page["edit_version"] == current_version(obj) != ""
    response = client.post(url, page)
    assert response.status_code == 302, page_text(response)[:4000]
    stale = {**page}
    type(obj).objects.get(pk=obj.pk).save()  # someone saves (a new history row, nothing changed)
    assert client.post(url, stale).status_code == 302  # no change in between: no conflict


# --- PostgreSQL: two saves at the same moment --------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_one_wins_the_other_sees_the_conflict(users):
    staf, admin = users
    from cooperatives.models import District, Regency, Village

    # One village by hand: loading all of Sintang's, then flushing them, would take a minute.
    regency = Regency.objects.create(code="61.05", name="Sintang", province_code="61", province_name="Kalimantan Barat")
    district = District.objects.create(code="61.05.01", name="Sintang", regency=regency)
    village = Village.objects.create(code="61.05.01.2001", name="Kapuas Kanan Hulu", kind="kelurahan", district=district)
    cooperative = CooperativeFactory(chair_name="Budi", address="Jl. Lama 1", village=village)
    url = reverse("cooperatives:cooperative_edit", args=[cooperative.pk])
    clients = [signed_in(staf), signed_in(admin)]
    pages = [form_data(client.get(url)) for client in clients]
    posts = [{**pages[0], "chair_name": "Siti Aminah"}, {**pages[1], "address": "Jl. Baru 2"}]
    barrier = threading.Barrier(2)
    results = [None, None]

    def post(i):
        try:
            barrier.wait()
            results[i] = clients[i].post(url, posts[i])
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(result.status_code for result in results)
    assert codes == [200, 302]
    loser = next(result for result in results if result.status_code == 200)
    assert 'data-testid="conflict"' in page_text(loser)
    cooperative.refresh_from_db()
    assert (cooperative.chair_name == "Siti Aminah") != (cooperative.address == "Jl. Baru 2")  # exactly one saved
    assert cooperative.history.count() == 2
