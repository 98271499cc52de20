"""Roles and what each may do: the one place that says who sees and changes what.

Four groups, named in ``../shared/conventions.md``: Admin, Kabid, Staf, Pendamping. Their
model permissions are declared below and written to the database after every
``migrate`` (so a new model gets its permissions without a hand step). Row-level scope
(a Pendamping sees only assigned cooperatives) lives in each app's ``visible_to``
queryset methods, which call :func:`has_office_scope` from here.
"""

from django.apps import apps as global_apps
from django.contrib.auth.mixins import UserPassesTestMixin
from django.db.models import Q

ADMIN = "Admin"
KABID = "Kabid"
STAF = "Staf"
PENDAMPING = "Pendamping"
ROLES = (ADMIN, KABID, STAF, PENDAMPING)

# Apps whose models the roles work with.
DOMAIN_APPS = ("cooperatives", "assistants")

ALL = ("add", "change", "delete", "view")
EDIT = ("add", "change", "view")
VIEW = ("view",)

# (app_label, model_name or "*", actions). "*" means every model of that app, present or
# future. Specific models listed after a "*" entry widen it.
ROLE_PERMISSIONS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    ADMIN: [
        ("cooperatives", "*", ALL),
        ("assistants", "*", ALL),
        ("auth", "user", ALL),
        ("auth", "group", VIEW),
        ("axes", "*", ALL),
    ],
    KABID: [
        ("cooperatives", "*", VIEW),
        ("assistants", "*", VIEW),
    ],
    STAF: [
        ("cooperatives", "*", EDIT),
        ("assistants", "*", EDIT),
    ],
    PENDAMPING: [
        ("cooperatives", "district", VIEW),
        ("cooperatives", "village", VIEW),
        ("cooperatives", "cooperative", VIEW),
        ("cooperatives", "ratfiling", VIEW),
        ("assistants", "businessassistant", VIEW),
        ("assistants", "coachingvisit", EDIT),
        ("assistants", "visitattachment", EDIT),
        ("assistants", "visittopic", VIEW),
        ("assistants", "followup", EDIT),
        ("assistants", "financingproposal", EDIT),
    ],
}


def _permission_filter(spec) -> Q:
    query = Q(pk__in=[])
    for app_label, model, actions in spec:
        codenames = Q()
        for action in actions:
            codenames |= (
                Q(codename__startswith=f"{action}_")
                if model == "*"
                else Q(codename=f"{action}_{model}")
            )
        where = Q(content_type__app_label=app_label) & codenames
        if model != "*":
            where &= Q(content_type__model=model)
        query |= where
    return query


def sync_role_groups(sender=None, apps=global_apps, using="default", **kwargs):
    """Create the four role groups and set their permissions exactly as declared.

    Connected to ``post_migrate``; idempotent.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, spec in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        permissions = Permission.objects.using(using).filter(_permission_filter(spec))
        group.permissions.set(permissions)


def user_roles(user) -> set[str]:
    """The role groups of ``user``, cached on the user object for the request."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_role_cache"):
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            names.add(ADMIN)
        user._role_cache = names & set(ROLES)
    return user._role_cache


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def has_office_scope(user) -> bool:
    """True for roles that see every cooperative of the office (not only assigned ones)."""
    return has_role(user, ADMIN, KABID, STAF)


class RoleRequiredMixin(UserPassesTestMixin):
    """Allow a view to the listed roles only; others get 403 (anonymous: login page)."""

    allowed_roles: tuple[str, ...] = ROLES

    def test_func(self):
        return has_role(self.request.user, *self.allowed_roles)
