"""The demo logins: one user per role, all with ``DEMO_PASSWORD`` (printed by ``seed_demo``)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from koperasi_registry import access

DEMO_PASSWORD = "koperasi-demo-2026"
DEMO_USERS = [
    # username, first name, last name, role, is_staff (Django admin)
    ("admin", "Adi", "Admin", access.ADMIN, True),
    ("kabid", "Kartini", "Kabid", access.KABID, False),
    ("staf", "Sari", "Staf", access.STAF, False),
    ("pendamping", "Putra", "Pendamping", access.PENDAMPING, False),
]


def demo_user(username: str, first: str, last: str, role: str, *, is_staff: bool = False):
    """The user ``username`` in the group ``role``; a new one gets ``DEMO_PASSWORD``."""
    user, new = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "is_staff": is_staff}
    )
    if new:
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def seed_users() -> list[tuple[str, str]]:
    for username, first, last, role, is_staff in DEMO_USERS:
        demo_user(username, first, last, role, is_staff=is_staff)
    return [(username, role) for username, _, _, role, _ in DEMO_USERS]


DEFAULT_HOST = "127.0.0.1:8000"


def site_url(host: str | None = None) -> str:
    """The address to open for ``runserver``'s address argument (``make run HOST=…``):
    ``0.0.0.0:8080`` -> ``http://0.0.0.0:8080/``; a bare port ``8080`` ->
    ``http://127.0.0.1:8080/`` (runserver's own default address); empty -> the default."""
    host = (host or "").strip().removeprefix("http://").strip("/") or DEFAULT_HOST
    if host.isdigit():
        host = f"127.0.0.1:{host}"
    return f"http://{host}/"


def login_lines(users: list[tuple[str, str]], *, host: str | None = None) -> list[str]:
    """What ``seed_demo`` prints after seeding: the login address on ``host`` and the
    demo users."""
    lines = [f"Masuk di {site_url(host)}accounts/login/ dengan kata sandi '{DEMO_PASSWORD}':"]
    lines += [f"  {role:<11} {username}" for username, role in users]
    return lines
