"""What the search fields over coaching work find (``koperasi_registry/search_views.py``):
the assistants the user may see, the users they may name (follow-up owners, or with
``?role=officer`` the office's officers on a visit), and the programmes they may see (the
visit form's and the visit list's programme, ``Programme.objects.visible_to``)."""

from cooperatives.permissions import sees_whole_office
from koperasi_registry import access
from koperasi_registry.search_views import SearchSource

from .forms import followup_owners, office_officers
from .models import BusinessAssistant, Programme


def _assistants(request):
    queryset = BusinessAssistant.objects.visible_to(request.user).select_related("user")
    if request.GET.get("active") == "1":  # the visit form names only active assistants
        queryset = queryset.filter(is_active=True)
    return queryset.order_by("user__first_name", "user__last_name", "user__username", "pk")


def _users(request):
    user = request.user
    if request.GET.get("role") == "officer":
        if not sees_whole_office(user):
            return office_officers(scope=access.office_scope(user)).none()
        queryset = office_officers(scope=access.office_scope(user))
    else:
        queryset = followup_owners(user)
    return queryset.order_by("first_name", "last_name", "username", "pk")


def _programmes(request):
    """As the programme choices: the office roles' programmes (their offices' and, read-only,
    the wider offices'), the latest year first; none for anyone else."""
    return Programme.objects.visible_to(request.user).order_by("-year", "name", "pk")


def user_label(user) -> str:
    return user.get_full_name() or user.username


ASSISTANTS = SearchSource(
    permission="assistants.view_businessassistant",
    queryset=_assistants,
    fields=("user__first_name", "user__last_name", "user__username"),
    label=str,
)
USERS = SearchSource(
    permission="assistants.view_followup",
    queryset=_users,
    fields=("first_name", "last_name", "username"),
    label=user_label,
)
PROGRAMMES = SearchSource(
    permission="assistants.view_programme",
    queryset=_programmes,
    fields=("name",),
    prefix_fields=("year",),
    label=str,
)
