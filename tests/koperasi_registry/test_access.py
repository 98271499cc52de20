import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from koperasi_registry import access

pytestmark = pytest.mark.django_db


def test_the_four_role_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(access.ROLES)


def test_role_permissions_follow_the_declaration():
    perms = {
        g.name: set(g.permissions.values_list("content_type__app_label", "codename"))
        for g in Group.objects.prefetch_related("permissions")
    }
    assert ("auth", "change_user") in perms[access.ADMIN]
    assert ("cooperatives", "view_village") in perms[access.KABID]
    assert not any(code.startswith(("add_", "change_", "delete_")) for _, code in perms[access.KABID])
    assert ("cooperatives", "delete_village") not in perms[access.STAF]
    assert ("auth", "change_user") not in perms[access.STAF]
    assert ("cooperatives", "view_district") in perms[access.PENDAMPING]


def test_sync_is_idempotent_and_repairs_drift():
    kabid = Group.objects.get(name=access.KABID)
    kabid.permissions.clear()
    access.sync_role_groups()
    access.sync_role_groups()
    assert kabid.permissions.filter(codename="view_village").exists()
    assert Group.objects.filter(name=access.KABID).count() == 1


@pytest.mark.parametrize("url", ["/", "/admin/", "/accounts/password_change/"])
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_login_page_is_open_and_in_bahasa_indonesia(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="id"' in html
    assert "Masuk" in html
    assert "Nama pengguna" in html  # Django's own Indonesian catalogue
    assert "Sandi" in html


@pytest.mark.parametrize("role", access.ROLES)
def test_every_role_reaches_the_home_page(client_as, role_users, sintang, role):
    response = client_as(role_users[role]).get(reverse("dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert role in html  # the role badge
    if role == access.PENDAMPING:  # today's work instead of region counts (issue 15)
        assert 'data-testid="due-visits"' in html
    else:
        assert 'data-testid="count-districts">14<' in html
    assert "Keluar" in html


def test_a_user_without_a_role_sees_no_menu(client_as, make_user):
    response = client_as(make_user(None)).get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.context["menu"] == []


@pytest.mark.parametrize(
    ("role", "admin_status"),
    [(access.ADMIN, 200), (access.KABID, 302), (access.STAF, 302), (access.PENDAMPING, 302)],
)
def test_only_admin_reaches_django_admin(client_as, role_users, role, admin_status):
    response = client_as(role_users[role]).get(reverse("admin:index"))
    assert response.status_code == admin_status


def test_admin_manages_users_in_django_admin(client_as, admin, staf):
    client = client_as(admin)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    response = client.get(reverse("admin:auth_user_change", args=[staf.pk]))
    assert response.status_code == 200


def test_a_staff_flagged_non_admin_still_cannot_manage_users(client_as, staf):
    staf.is_staff = True
    staf.save()
    assert client_as(staf).get(reverse("admin:auth_user_changelist")).status_code == 403


def test_login_and_logout_round_trip(client, staf):
    from tests.factories import TEST_PASSWORD

    response = client.post(reverse("login"), {"username": staf.username, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_wrong_password_gets_an_indonesian_message(client, staf):
    response = client.post(reverse("login"), {"username": staf.username, "password": "salah"})
    assert response.status_code == 200
    assert "benar" in response.content.decode()  # "...nama pengguna dan sandi yang benar..."


def test_repeated_failures_lock_the_login(client, staf, settings):
    from tests.factories import TEST_PASSWORD

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": staf.username, "password": "salah"})
    response = client.post(reverse("login"), {"username": staf.username, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "terkunci" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_change_page(client_as, staf):
    response = client_as(staf).get(reverse("password_change"))
    assert response.status_code == 200
    assert "Ganti kata sandi" in response.content.decode()
    response = client_as(staf).post(
        reverse("password_change"),
        {"old_password": "salah", "new_password1": "x", "new_password2": "y"},
    )
    assert response.status_code == 200
    assert "Belum ada yang disimpan" in response.content.decode()


def test_english_can_be_switched_on(client, staf):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in html
    assert "Sign in" in html


def test_home_page_query_count_does_not_grow_with_regions(client_as, staf, django_assert_max_num_queries):
    from cooperatives.region_loader import load_regions
    from tests.query_budgets import QUERY_BUDGETS

    client = client_as(staf)
    load_regions(["13.11"])  # 7 kecamatan, 39 desa
    with django_assert_max_num_queries(QUERY_BUDGETS["dashboard"]):
        assert client.get(reverse("dashboard")).status_code == 200
    load_regions(["61.05"])  # 14 kecamatan, 406 villages
    with django_assert_max_num_queries(QUERY_BUDGETS["dashboard"]):
        assert client.get(reverse("dashboard")).status_code == 200


def test_an_english_browser_still_gets_bahasa_indonesia(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="id"' in html
    assert "Masuk" in html


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (access.ADMIN, {"Beranda", "Daftar koperasi", "Impor data", "Catat kunjungan", "Pendamping"}),
        (access.KABID, {"Beranda", "Daftar koperasi", "RAT terlambat", "Kunjungan", "Target pembinaan"}),
        (access.STAF, {"Beranda", "Daftar koperasi", "Impor data", "Catat kunjungan"}),
        (access.PENDAMPING, {"Beranda", "Daftar koperasi", "Catat kunjungan", "Koperasi saya"}),
    ],
)
def test_menu_follows_the_role(role, expected):
    from koperasi_registry.context_processors import build_menu

    menu = build_menu(access.RoleStandIn(role), "/koperasi/")
    labels = {str(item["label"]) for item in menu} | {
        str(child["label"]) for item in menu for child in item.get("children", [])
    }
    assert expected <= labels
    if role == access.KABID:
        assert not labels & {"Impor data", "Catat kunjungan"}  # reads only
    if role == access.PENDAMPING:
        assert not labels & {"RAT terlambat", "Pendamping", "Impor data", "Penilaian kesehatan"}
    koperasi = next(item for item in menu if str(item["label"]) == "Koperasi")
    assert koperasi["active"]  # /koperasi/ is inside the group


def test_the_access_page_shows_each_roles_permissions_in_bahasa_indonesia(client_as, admin):
    response = client_as(admin).get(reverse("permissions"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hak akses tiap peran" in html and "Cakupan data" in html
    assert all(role in html for role in access.ROLES)
    rows = {row["name"]: row for section in response.context["sections"] for row in section["rows"]}
    # Columns in access.ROLES order: Admin, Kabid, Staf, Pendamping.
    assert rows["koperasi_registry.import_data"]["roles"] == ["yes", "", "yes", ""]
    assert rows["koperasi_registry.import_data"]["label"] == "Impor data koperasi dan laporan RAT dari lembar kerja"
    assert "cooperatives:cooperative_import" in rows["koperasi_registry.import_data"]["pages"]
    assert rows["assistants.change_coachingvisit"]["roles"] == ["yes", "", "yes", "object"]  # only visits they logged
    assert rows["cooperatives.view_cooperative"]["roles"] == ["yes", "yes", "yes", "yes"]
    scopes = {str(scope["title"]): scope["roles"] for scope in response.context["scopes"]}
    assert [str(text) for text in scopes["Koperasi dan data yang melekat padanya"]] == [
        "semua koperasi kabupaten kantor", "semua koperasi kabupaten kantor", "semua koperasi kabupaten kantor",
        "hanya koperasi yang sedang didampinginya",
    ]


@pytest.mark.parametrize("role", access.ROLES)
def test_only_the_admin_menu_links_the_access_page(client_as, role_users, role):
    html = client_as(role_users[role]).get(reverse("dashboard")).content.decode()
    assert (f'href="{reverse("permissions")}"' in html) is (role == access.ADMIN)


def test_the_groups_store_exactly_the_declared_model_permissions():
    """The admin's group permissions are written from the declarations (sync_role_groups)."""
    for role in access.ROLES:
        stored = {
            f"{app}.{codename}"
            for app, codename in Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")
        }
        declared = {d.name for d in access.role_permissions(role) if d.model}
        assert stored and stored == declared
