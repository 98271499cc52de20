"""Issue 13: login throttling behind a proxy, password rules, sessions, the
Content-Security-Policy, password reset only with mail, error pages, and the history of
users' roles and active flag."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.template import loader
from django.urls import reverse

from koperasi_registry import access
from tests.factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.1"  # the reverse proxy: every request reaches the app from it
CLIENT_A = "36.66.1.10"
CLIENT_B = "36.66.1.20"

BEHIND_ONE_PROXY = {
    # What TRUSTED_PROXY_COUNT=1 sets (test_trusted_proxy_count_sets_axes checks it).
    "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
    "AXES_IPWARE_PROXY_COUNT": 0,
}


def _login(client, username, password, xff=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _fail(client, username, times, **kwargs):
    for _ in range(times):
        response = _login(client, username, "salah-sekali", **kwargs)
        assert response.status_code in (200, 429)


def _settings_with(env: dict) -> dict:
    """Base settings as a fresh process reads them from ``env``."""
    code = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE']='koperasi_registry.settings.base';"
        "from django.conf import settings as s;"
        "print(json.dumps({k: getattr(s, k) for k in ("
        "'AXES_IPWARE_META_PRECEDENCE_ORDER','AXES_IPWARE_PROXY_COUNT','TRUSTED_PROXY_COUNT',"
        "'SESSION_COOKIE_AGE','SESSION_EXPIRE_AT_BROWSER_CLOSE','CONTENT_SECURITY_POLICY')}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env},
        capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout)


# --- 1. Login throttling -------------------------------------------------------------

def test_trusted_proxy_count_sets_axes():
    direct = _settings_with({"TRUSTED_PROXY_COUNT": "0"})
    assert direct["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["REMOTE_ADDR"]
    behind = _settings_with({"TRUSTED_PROXY_COUNT": "1"})
    assert behind["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    assert behind["AXES_IPWARE_PROXY_COUNT"] == 0  # python-ipware counts the proxies in the header


@pytest.mark.django_db
def test_behind_proxy_one_client_does_not_lock_out_another(client, admin, settings):
    for name, value in BEHIND_ONE_PROXY.items():
        setattr(settings, name, value)
    _fail(client, admin.username, 5, xff=CLIENT_A)
    assert _login(client, admin.username, TEST_PASSWORD, xff=CLIENT_A).status_code == 429
    # The client's own X-Forwarded-For in front of the proxy's entry does not get it out.
    spoofed = _login(client, admin.username, TEST_PASSWORD, xff=f"8.8.8.8, {CLIENT_A}")
    assert spoofed.status_code == 429
    # Another office PC, through the same proxy, signs in to the same account.
    response = _login(client, admin.username, TEST_PASSWORD, xff=CLIENT_B)
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


@pytest.mark.django_db
def test_without_trusted_proxy_forwarded_for_is_ignored(client, admin):
    # TRUSTED_PROXY_COUNT=0 (the default): a made-up X-Forwarded-For per request does not
    # give an attacker fresh addresses.
    for n in range(5):
        _login(client, admin.username, "salah-sekali", xff=f"36.66.2.{n}", remote=CLIENT_A)
    assert _login(client, admin.username, TEST_PASSWORD, xff="36.66.3.1", remote=CLIENT_A).status_code == 429
    # Another address is not locked out.
    assert _login(client, admin.username, TEST_PASSWORD, remote=CLIENT_B).status_code == 302


@pytest.mark.django_db
def test_username_alone_locked_after_the_softer_limit(client, admin, settings):
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 8
    # 7 failures spread over 4 addresses (each under AXES_FAILURE_LIMIT): still open.
    for n in range(7):
        _login(client, admin.username, "salah-sekali", remote=f"36.66.4.{n % 4}")
    assert _login(client, admin.username, TEST_PASSWORD, remote="36.66.5.1").status_code == 302
    client.logout()
    # The success reset the account's failures; 8 more from 4 addresses lock it everywhere.
    for n in range(8):
        _login(client, admin.username, "salah-sekali", remote=f"36.66.6.{n % 4}")
    assert _login(client, admin.username, TEST_PASSWORD, remote="36.66.7.1").status_code == 429


# --- 2. Passwords --------------------------------------------------------------------

@pytest.mark.parametrize(
    "password",
    ["koperasi", "sintang2026", "Sintang-2026!", "dinaskoperasi", "KoperasiSintang1",
     "kalimantanbarat", "bismillah123", "Sayang2026!", "password123", "merdeka45", "indonesia1"],
)
@pytest.mark.django_db
def test_guessable_passwords_refused(password, make_user):
    user = make_user(username="petugas")
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.django_db
def test_username_office_name_and_other_regency_refused(make_user, settings):
    settings.OFFICE_NAME = "Disperindagkop dan UKM Melawi"
    settings.OFFICE_REGENCY_CODE = "61.10"  # Kabupaten Melawi
    user = make_user(username="rahmawati")
    for password in ("rahmawati2026", "melawi2026", "disperindagkopmelawi"):
        with pytest.raises(ValidationError) as caught:
            validate_password(password, user)
        assert any("mudah ditebak" in m for m in caught.value.messages), caught.value.messages
    validate_password("Rumah-Hijau-Kapuas-81", user)  # a real passphrase passes


@pytest.mark.django_db
def test_password_change_form_says_why_in_indonesian(client_as, staf):
    client = client_as(staf)
    response = client.post(reverse("password_change"), {
        "old_password": TEST_PASSWORD, "new_password1": "sintang2026", "new_password2": "sintang2026",
    })
    assert response.status_code == 200
    assert "mudah ditebak" in response.content.decode()


# --- 3. Sessions ---------------------------------------------------------------------

@pytest.mark.django_db
def test_session_lasts_a_working_day_and_ends_with_the_browser(client, admin, settings):
    assert settings.SESSION_COOKIE_AGE == 9 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    response = _login(client, admin.username, TEST_PASSWORD, remote=CLIENT_A)
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert client.session.get_expire_at_browser_close()


def test_session_settings_from_environment():
    values = _settings_with({"SESSION_COOKIE_AGE": "3600", "SESSION_EXPIRE_AT_BROWSER_CLOSE": "false"})
    assert values["SESSION_COOKIE_AGE"] == 3600
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is False


# --- 4. Content-Security-Policy ------------------------------------------------------

def _directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["dashboard", "dashboard_map", "dashboard_trends", "login"])
def test_csp_header_without_inline_script(client_as, kabid, url_name):
    response = client_as(kabid).get(reverse(url_name))
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"] + policy["style-src-elem"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["connect-src"] == ["'self'"]


def test_csp_allows_the_tile_server():
    values = _settings_with({"MAP_TILE_URL": "https://{s}.tiles.example.go.id/{z}/{x}/{y}.png"})
    img = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    assert "https://*.tiles.example.go.id" in img
    assert "'unsafe-inline'" not in values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["script-src"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def test_templates_have_no_inline_script_handlers_or_style_elements():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, re.compile(r"<style[\s>]", re.I),
                        re.compile(r"javascript:", re.I)):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern.pattern}")
    assert offenders == []


# --- 5. Password reset ---------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("name, args", [
    ("password_reset", ()), ("password_reset_done", ()), ("password_reset_complete", ()),
    ("password_reset_confirm", ("MQ", "set-password")),
])
def test_password_reset_off_without_mail(client, settings, name, args):
    settings.EMAIL_HOST = ""
    response = client.get(reverse(name, args=args), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Hubungi admin" in response.content.decode()
    assert reverse("password_reset") not in response.content.decode()  # no link on the login page


@pytest.mark.django_db
def test_password_reset_works_with_mail(client, settings, make_user):
    settings.EMAIL_HOST = "smtp.example.go.id"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = make_user(username="lupa", email="lupa@example.go.id")
    login_page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login_page
    response = client.post(reverse("password_reset"), {"email": "lupa@example.go.id"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session one
    new = "Rumah-Hijau-Kapuas-81"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new)


# --- 6. Error pages ------------------------------------------------------------------

@pytest.mark.django_db
def test_404_in_indonesian_with_the_shell(client, client_as, staf):
    anonymous = client.get("/tidak-ada-halaman-ini/")
    assert anonymous.status_code == 404
    text = anonymous.content.decode()
    assert "Halaman tidak ditemukan" in text and 'href="/"' in text and reverse("login") in text
    signed_in = client_as(staf).get("/tidak-ada-halaman-ini/")
    assert signed_in.status_code == 404
    text = signed_in.content.decode()
    assert "Halaman tidak ditemukan" in text and 'data-testid="user-menu"' in text


@pytest.mark.django_db
@pytest.mark.urls("tests.koperasi_registry.error_urls")
def test_403_in_indonesian(client_as, staf):
    response = client_as(staf).get("/uji/terlarang/")
    assert response.status_code == 403
    text = response.content.decode()
    assert "Akses ditolak" in text and "hubungi admin" in text and 'href="/"' in text


@pytest.mark.django_db
def test_400_in_indonesian(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/", HTTP_HOST="bukan.example.com")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Permintaan tidak dapat diproses" in text and 'href="/"' in text


@pytest.mark.django_db
@pytest.mark.urls("tests.koperasi_registry.error_urls")
def test_500_in_indonesian(client_as, staf):
    client = client_as(staf)
    client.raise_request_exception = False
    response = client.get("/uji/rusak/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "Terjadi kesalahan di server" in text and 'href="/"' in text


def test_500_template_renders_without_database_or_request():
    # No django_db mark: any database access here fails the test.
    html = loader.get_template("500.html").render()
    assert "Terjadi kesalahan di server" in html
    assert "bootstrap.min.css" in html and 'href="/"' in html


# --- 7. History of users' roles and active flag ---------------------------------------

# The user admin's office scope inline (cooperatives.admin_users): an empty one.
OFFICE_SCOPE_INLINE = {"office_scope-TOTAL_FORMS": "0", "office_scope-INITIAL_FORMS": "0"}

@pytest.mark.django_db
def test_adding_a_user_to_admin_is_recorded_with_who_and_when(client, make_user):
    boss = make_user(access.ADMIN, username="kepala-it", is_superuser=True)
    clerk = make_user(access.STAF, username="pegawai-baru")
    client.force_login(boss)
    admin_group = Group.objects.get(name=access.ADMIN)
    staf_group = Group.objects.get(name=access.STAF)
    before = clerk.history.count()
    response = client.post(reverse("admin:auth_user_change", args=[clerk.pk]), {
        "username": clerk.username, "first_name": clerk.first_name, "last_name": clerk.last_name,
        "email": "", "is_active": "on", "groups": [staf_group.pk, admin_group.pk],
        "date_joined_0": clerk.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": clerk.date_joined.strftime("%H:%M:%S"),
        **OFFICE_SCOPE_INLINE,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(clerk.groups.values_list("name", flat=True)) == {access.ADMIN, access.STAF}
    records = list(clerk.history.order_by("history_date", "history_id"))
    assert len(records) > before
    latest = records[-1]
    assert latest.history_user == boss
    assert latest.history_date is not None
    assert {g.group.name for g in latest.groups.all()} == {access.ADMIN, access.STAF}
    previous = records[before - 1]
    assert {g.group.name for g in previous.groups.all()} == {access.STAF}
    changed = {change.field for change in latest.diff_against(previous).changes}
    assert "groups" in changed
    # The admin shows it on the user's history page.
    page = client.get(reverse("admin:auth_user_history", args=[clerk.pk]))
    assert page.status_code == 200
    assert "kepala-it" in page.content.decode()


@pytest.mark.django_db
def test_deactivating_is_recorded_and_signing_in_is_not(client, make_user):
    boss = make_user(access.ADMIN, username="kepala-it2", is_superuser=True)
    clerk = make_user(access.STAF, username="pegawai-lama")
    count = clerk.history.count()
    _login(client, clerk.username, TEST_PASSWORD, remote=CLIENT_A)
    assert clerk.history.count() == count  # a sign-in is not a change of the account
    client.logout()
    client.force_login(boss)
    staf_group = Group.objects.get(name=access.STAF)
    response = client.post(reverse("admin:auth_user_change", args=[clerk.pk]), {
        "username": clerk.username, "first_name": clerk.first_name, "last_name": clerk.last_name,
        "email": "", "groups": [staf_group.pk],
        "date_joined_0": clerk.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": clerk.date_joined.strftime("%H:%M:%S"),
        **OFFICE_SCOPE_INLINE,
    })
    assert response.status_code == 302
    latest = clerk.history.order_by("-history_date", "-history_id").first()
    assert latest.is_active is False and latest.history_user == boss


@pytest.mark.django_db
def test_a_very_long_username_is_a_failed_sign_in_not_a_server_error(client):
    # Found by the fuzz suite on PostgreSQL: axes stored the whole name in a 255-character column.
    from axes.models import AccessAttempt
    from django.urls import reverse

    client.raise_request_exception = True
    response = client.post(reverse("login"), {"username": "a" * 300, "password": "salah"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "a" * 150
