import os
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from koperasi_registry.settings.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[2]
# Set for the browser tests in this process; a deployment must not have it.
BASE_ENV = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def settings_value(name: str, module: str = "koperasi_registry.settings.base", **env) -> str:
    """Read one setting in a fresh interpreter with the given environment."""
    code = f"from django.conf import settings; print(settings.{name})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**BASE_ENV, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("true", True), ("Yes", True), ("0", False), ("off", False), ("", False)]
)
def test_env_bool_parses_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("KOPERASI_FLAG", raw)
    assert env_bool("KOPERASI_FLAG") is expected


def test_env_bool_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("KOPERASI_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("KOPERASI_FLAG")


def test_env_helpers_defaults_and_errors(monkeypatch):
    monkeypatch.delenv("KOPERASI_MISSING", raising=False)
    assert env_str("KOPERASI_MISSING", "x") == "x"
    assert env_int("KOPERASI_MISSING", 7) == 7
    assert env_list("KOPERASI_MISSING", "a, b,,c") == ["a", "b", "c"]
    with pytest.raises(ImproperlyConfigured):
        env_str("KOPERASI_MISSING")
    monkeypatch.setenv("KOPERASI_MISSING", "tujuh")
    with pytest.raises(ImproperlyConfigured):
        env_int("KOPERASI_MISSING", 7)


def test_sqlite_under_var_is_the_default_database():
    url = settings_value("DATABASES['default']['NAME']", DATABASE_URL="")
    assert url.endswith("var/koperasi.sqlite3")


def test_database_url_selects_postgresql():
    config = dj_database_url.parse("postgres://postgres@127.0.0.1:5432/koperasi")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    engine = settings_value(
        "DATABASES['default']['ENGINE']", DATABASE_URL="postgres://postgres@127.0.0.1:5432/koperasi"
    )
    assert engine == "django.db.backends.postgresql"


def test_time_zone_defaults_to_wib_and_an_office_can_change_it():
    env = {k: v for k, v in os.environ.items() if k != "TIME_ZONE" and k in BASE_ENV}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.TIME_ZONE)"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "koperasi_registry.settings.base"},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "Asia/Jakarta"
    assert settings_value("TIME_ZONE", TIME_ZONE="Asia/Makassar") == "Asia/Makassar"


def test_office_and_language_defaults():
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]
    assert settings_value("OFFICE_REGENCY_CODE", OFFICE_REGENCY_CODE="13.11") == "13.11"


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY" and k in BASE_ENV}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--settings=koperasi_registry.settings.production"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_pass_check_deploy_without_warnings():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings=koperasi_registry.settings.production",
        ],
        cwd=ROOT,
        env={
            **BASE_ENV,
            "SECRET_KEY": "a-long-random-production-secret-for-the-test-0123456789-abcdefghij",
            "ALLOWED_HOSTS": "koperasi.example.go.id",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
