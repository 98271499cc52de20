"""A programme's participant is taken out only after the user confirms it (a misplaced tap
on "Keluarkan" on a phone changes nothing)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assistants.models import ProgrammeParticipation
from tests.assistants.factories import ProgrammeFactory
from tests.e2e.conftest import log_in
from tests.factories import CooperativeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_participant_leaves_the_programme_only_after_a_confirmation(open_page, live_server, staf, sintang):
    programme = ProgrammeFactory(name="Pelatihan Akuntansi", office_code="61.05")
    for name in ("Koperasi Peserta Satu", "Koperasi Peserta Dua"):
        programme.participations.create(cooperative=CooperativeFactory(name=name))
    page = open_page()
    log_in(page, live_server, staf)
    page.goto(live_server.url + programme.get_absolute_url())
    participants = page.get_by_test_id("participants")
    button = participants.get_by_role("button", name="Keluarkan Koperasi Peserta Satu dari program")

    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    button.click()
    assert questions == [
        "Keluarkan Koperasi Peserta Satu dari program ini? Keikutsertaannya tetap tercatat di riwayat program."
    ]
    remove_url = reverse("assistants:programme_participant_remove", args=[programme.pk])
    assert [url for url in page.requests if url.endswith(remove_url)] == []  # nothing was sent
    assert ProgrammeParticipation.objects.filter(programme=programme).count() == 2

    page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    expect(page.get_by_role("alert")).to_contain_text("Koperasi Peserta Satu dikeluarkan dari program.")
    expect(participants).not_to_contain_text("Koperasi Peserta Satu")
    assert list(programme.participations.values_list("cooperative__name", flat=True)) == ["Koperasi Peserta Dua"]
