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
