"""Demo data for the example office, Kabupaten Sintang: ``seed(stdout)``, run by
``manage.py seed_demo``. Idempotent.

Writes the demo logins (``users``), then runs the SEEDERS in order: the registry
(``registry``: cooperatives and RAT filings), health assessments (``health``), coaching
work (``assistants``). Each seeder is idempotent and takes ``stdout``.
"""

from . import assistants, health, registry
from .users import DEMO_PASSWORD, DEMO_USERS, login_lines, seed_users, site_url

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "SEEDERS", "login_lines", "seed", "site_url"]

SEEDERS = [registry.seed, health.seed, assistants.seed]


def seed(stdout) -> list[tuple[str, str]]:
    """Seed everything; returns the demo logins as (username, role)."""
    users = seed_users()
    for seeder in SEEDERS:
        seeder(stdout=stdout)
    return users
