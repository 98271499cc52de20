"""Who may do what: the access policy. A newcomer reads this module, then the three
declaration modules it names, and knows every rule.

**Decision: the ``rules`` library** (pinned ``rules==3.5``), not Django's model
permissions with an object-level backend of our own. Why:

- most of what the office asks is not "an action on a model" but a rule about a role (the
  dashboards, the import, the compliance pages, "Koperasi saya", the monthly report).
  With ``rules`` each is a *named predicate*, answered in memory from the user's role (one
  query a request, cached on the user), with no ``auth_permission`` rows to migrate and
  keep in step, and no second vocabulary beside the model permissions;
- predicates compose (``is_admin | is_staf``) and take the object where one matters (a
  Pendamping changes only the visits they logged), through the same
  ``user.has_perm(name, obj)`` and ``{{ perms.app.name }}`` Django already speaks;
- it is already a dependency, and its ``ObjectPermissionBackend`` sits in
  ``AUTHENTICATION_BACKENDS`` right after django-axes' backend (axes stays first), so the
  admin, ``PermissionRequiredMixin`` and ``perms`` in templates all ask these declarations.

Django's ``ModelBackend`` still signs users in and still answers for the admin from the
four groups' stored model permissions; :func:`sync_role_groups` writes those after every
``migrate`` *from the declarations* (each stored permission is one the declarations grant
that role), so the groups can never say something the declarations do not.

Where each part of the policy lives
-----------------------------------
- **Roles**: the four groups, fixed names (``../shared/conventions.md``): ``ROLES`` and the
  predicates ``is_admin``, ``is_kabid``, ``is_staf``, ``is_pendamping``, ``is_office``
  (Admin, Kabid, Staf), ``is_office_writer`` (Admin, Staf), ``is_field_writer`` (Admin,
  Staf, Pendamping), ``has_any_role`` below; ``covers_installation`` (the user's office
  holds the installation's own) and ``SHARED_LIST``, the permissions of the lists every
  office shares.
- **Permissions**, one module per app, each line ``declare("app.name", predicate, label)``
  (model permissions in a table through :func:`declare_models`):
  ``cooperatives/permissions.py`` (registry, RAT, health, villages),
  ``assistants/permissions.py`` (assistants, visits, follow-ups, targets, programmes,
  proposals, reports) and ``koperasi_registry/permissions.py`` (home, dashboard, import,
  export, this page, the admin's user and lock-out models).
- **Row scope**: the same modules say which rows each role sees
  (``cooperatives.permissions.cooperative_scope``, ``assistants.permissions.assistant_scope``
  ...); every ``visible_to`` in the querysets asks them and only builds the SQL. The lower
  layer (cooperatives) knows the assistants only by the reverse relation name
  ``assignments``.
- **Office scope**: which part of the country a user's office covers (a kabupaten/kota, a
  province, or national; ``cooperatives.models.offices``): :func:`office_scope` below, read
  with the roles in one query. The row scopes of the office roles, every region choice,
  the import's village matching, the dashboards and the admin's lists
  (``koperasi_registry.admin_scope``) are limited to it.
- **Views**: :class:`PermissionRequiredMixin` with ``permission_required = "app.name"``;
  the object is then looked up through ``visible_to`` (outside the scope: 404).
- **Menu and templates**: the menu (``context_processors.NAVIGATION``) shows a page when
  the user has the permission its view requires; templates test permissions by name
  (``{% if perms.cooperatives.add_healthassessment %}`` or ``{% if user|can:"..." %}``
  from ``{% load access %}``), never role names.
- **Admin**: ``ModelAdmin.has_*_permission`` call ``user.has_perm("app.change_model")``:
  the declarations (and the groups written from them).
- **Tests**: ``tests/koperasi_registry/test_url_access.py``, one table URL name x role x
  object generated from the URL conf (a new URL without a line fails it).
- **The effective permissions per role**: the page ``/akses/`` (URL name ``permissions``),
  for the Admin, read from the declarations here.

In code, ask :func:`can` (or the ``can`` template filter) rather than ``user.has_perm``
where a refusal is likely: the declarations answer it, where a refusal through
``user.has_perm`` falls through to ``ModelBackend``, which loads the stored permissions (two
queries) only to refuse again.
"""

from dataclasses import dataclass
from functools import cache

import rules
from django.apps import apps as global_apps
from django.contrib.auth import mixins
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, get_resolver

from .scopes import Scope, default_scope

ADMIN = "Admin"
KABID = "Kabid"
STAF = "Staf"
PENDAMPING = "Pendamping"
ROLES = (ADMIN, KABID, STAF, PENDAMPING)


# --- Roles -------------------------------------------------------------------------------


def _load_roles_and_scope(user) -> None:
    """Read the user's role groups and office scope in one query (a LEFT JOIN of both on
    the user's row) and cache them on the user object for the request."""
    from django.contrib.auth import get_user_model

    rows = list(
        get_user_model()._default_manager.filter(pk=user.pk)
        .values_list("groups__name", "office_scope__pk", "office_scope__code", "office_scope__label")
    )
    names = {name for name, *_ in rows if name}
    if user.is_superuser:
        names.add(ADMIN)
    user._role_cache = names & set(ROLES)
    if not hasattr(user, "_office_scope_cache"):
        scope_row = next((row[1:] for row in rows if row[1] is not None), None)
        user._office_scope_cache = default_scope() if scope_row is None else Scope.of(scope_row[1], scope_row[2])


def user_roles(user) -> set[str]:
    """The role groups of ``user``, cached on the user object for the request. A
    superuser counts as Admin."""
    if user is None or not user.is_authenticated:
        return set()
    if not hasattr(user, "_role_cache"):
        _load_roles_and_scope(user)
    return user._role_cache


def office_scope(user) -> Scope:
    """The office scope of ``user`` (``cooperatives.models.offices``): their ``OfficeScope``
    row, or the installation's ``OFFICE_REGENCY_CODE``. Read with the roles in one query and
    cached on the user object for the request. Anonymous users and role stand-ins get the
    default."""
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return default_scope()
    if not hasattr(user, "_office_scope_cache"):
        if hasattr(user, "_role_cache"):  # roles known already (set by hand): the scope alone
            from django.contrib.auth import get_user_model

            row = (
                get_user_model()._default_manager.filter(pk=user.pk, office_scope__isnull=False)
                .values_list("office_scope__code", "office_scope__label")
                .first()
            )
            user._office_scope_cache = default_scope() if row is None else Scope.of(*row)
        else:
            _load_roles_and_scope(user)
    return user._office_scope_cache


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def _role_predicate(role: str) -> rules.Predicate:
    return rules.Predicate(lambda user: role in user_roles(user), name=f"is_{role.lower()}")


is_admin = _role_predicate(ADMIN)
is_kabid = _role_predicate(KABID)
is_staf = _role_predicate(STAF)
is_pendamping = _role_predicate(PENDAMPING)
is_office = is_admin | is_kabid | is_staf  # the office's people: see the whole office
is_office_writer = is_admin | is_staf  # change the registry and the office's plans
is_field_writer = is_admin | is_staf | is_pendamping  # log visits, follow-ups, proposals
has_any_role = is_office | is_pendamping
is_signed_in = rules.is_authenticated


@rules.predicate
def covers_installation(user) -> bool:
    """The user's office holds the installation's own office (``OFFICE_REGENCY_CODE``): in
    a single-office installation every user; in one shared by several offices, the
    national office (or the widest one). A stand-in has the installation's office."""
    return office_scope(user).holds(default_scope().code)


# Lists every office of the installation shares (cooperative groups, visit topics, the
# health instruments with their aspects and thresholds): read by the office, changed only
# by an office that covers the installation's own, so that Sintang's Admin cannot rename a
# kelompok or reweigh an aspect for Melawi. The groups' stored permissions cannot tell
# offices apart: the admin asks these declarations too (``admin_scope.SharedListAdminMixin``).
SHARED_LIST = {
    "add": is_office_writer & covers_installation,
    "change": is_office_writer & covers_installation,
    "delete": is_admin & covers_installation,
}


class RoleStandIn:
    """A signed-in user holding one role and nothing else: what :func:`sync_role_groups`
    and the ``/akses/`` page ask the declarations about (object rules get no object)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_superuser = False
    is_staff = True
    pk = id = None

    def __init__(self, role: str):
        self.role = role
        self._role_cache = {role}


# --- Declarations ------------------------------------------------------------------------

ACTION_LABELS = {"view": "Lihat", "add": "Tambah", "change": "Ubah", "delete": "Hapus"}


@dataclass(frozen=True)
class Declaration:
    name: str  # "app_label.codename", as user.has_perm takes it
    predicate: rules.Predicate
    label: str  # what the /akses/ page shows (Bahasa Indonesia)
    model: str = ""  # model name for model permissions, "" for a named permission

    @property
    def app_label(self) -> str:
        return self.name.split(".", 1)[0]


DECLARATIONS: dict[str, Declaration] = {}
_MODEL_TABLES: list[tuple[str, dict, dict]] = []


def declare(name: str, predicate, label: str, *, model: str = "") -> None:
    """Declare one permission: its name, who holds it (a predicate), and its label."""
    if name in DECLARATIONS:
        raise ImproperlyConfigured(f"Permission {name!r} is declared twice.")
    DECLARATIONS[name] = Declaration(name, predicate, label, model)
    rules.add_perm(name, predicate)


def declare_models(app_label: str, default: dict, **models: dict) -> None:
    """Model permissions (``view``, ``add``, ``change``, ``delete``) of every model of
    ``app_label``, present or future (history models included): ``default`` maps each
    action to its predicate, a model named in ``models`` widens or narrows its own
    actions, and an action mapped to ``None`` is held by nobody. Expanded by
    :func:`register_model_permissions` once the app's models are loaded."""
    _MODEL_TABLES.append((app_label, default, models))


def register_model_permissions(apps=global_apps) -> None:
    """Turn the ``declare_models`` tables into declarations (called from ``ready()``)."""
    while _MODEL_TABLES:
        app_label, default, overrides = _MODEL_TABLES.pop(0)
        unknown = set(overrides) - {m._meta.model_name for m in apps.get_app_config(app_label).get_models()}
        if unknown:
            raise ImproperlyConfigured(f"{app_label}: no such models {sorted(unknown)}")
        for model in apps.get_app_config(app_label).get_models():
            opts = model._meta
            actions = {**default, **overrides.get(opts.model_name, {})}
            for action in opts.default_permissions:
                predicate = actions.get(action)
                if predicate is not None:
                    declare(
                        f"{app_label}.{action}_{opts.model_name}",
                        predicate,
                        f"{ACTION_LABELS[action]} {opts.verbose_name}",
                        model=opts.model_name,
                    )


def can(user, name: str, obj=None) -> bool:
    """Does the declaration ``name`` grant ``user`` (on ``obj``)? Unknown names raise."""
    if name not in DECLARATIONS:
        raise ImproperlyConfigured(f"Permission {name!r} is not declared (see koperasi_registry/access.py).")
    return rules.has_perm(name, user, obj)


def url_patterns(patterns=None, namespace: str = ""):
    """Every named URL pattern of the URL conf as ``(URL name, callback)``, recursively."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if hasattr(pattern, "url_patterns"):  # an include()
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


def view_permissions(callback) -> tuple[str, ...]:
    """The permissions a view requires (its ``permission_required``; () if it has none)."""
    view_class = getattr(callback, "view_class", None)
    if view_class is None or not issubclass(view_class, PermissionRequiredMixin):
        return ()
    return tuple(view_class(request=None).get_permission_required())


@cache
def page_permissions(name: str) -> tuple[str, ...]:
    """The permissions the page named ``name`` requires."""
    for url_name, callback in url_patterns():
        if url_name == name:
            return view_permissions(callback)
    raise NoReverseMatch(name)


def may_open(user, name: str) -> bool:
    """May ``user`` open the page named ``name`` (e.g. to show a link or a button to it)?"""
    return all(can(user, permission) for permission in page_permissions(name))


class _Stranger:
    """An object of nobody's: every attribute is something no user matches."""

    def __getattr__(self, name):
        return object()


STRANGER = _Stranger()


def role_permissions(role: str, obj=None) -> list[Declaration]:
    """Every declared permission ``role`` holds: on some object (``obj`` None: object rules
    are not asked), or on ``obj`` (``STRANGER``: on rows that are not the user's own)."""
    stand_in = RoleStandIn(role)
    return [d for d in DECLARATIONS.values() if rules.has_perm(d.name, stand_in, obj)]


# --- The groups' stored model permissions, for the admin ---------------------------------


def sync_role_groups(sender=None, apps=global_apps, using="default", **kwargs):
    """Create the four role groups and give each exactly the stored model permissions the
    declarations grant its role. Connected to ``post_migrate``; idempotent."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    stored = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        granted = [stored[d.name] for d in role_permissions(role) if d.model and d.name in stored]
        group.permissions.set(granted)


# --- Views -------------------------------------------------------------------------------


class PermissionRequiredMixin(mixins.PermissionRequiredMixin):
    """The access check of every page: ``permission_required`` names one declared
    permission (or a tuple of them). Refused: anonymous -> login page, signed in -> 403.
    Views then look their object up through ``visible_to``, so an object outside the
    user's scope is a 404."""

    def get_permission_required(self):
        names = super().get_permission_required()
        for name in names:
            if name not in DECLARATIONS:
                raise ImproperlyConfigured(f"{type(self).__name__}: permission {name!r} is not declared.")
        return names

    def has_permission(self):
        user = self.request.user
        return all(rules.has_perm(name, user) for name in self.get_permission_required())
