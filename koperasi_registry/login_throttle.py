"""Login throttling (django-axes) with two limits.

Axes counts failures per lockout parameter (``AXES_LOCKOUT_PARAMETERS``: the pair
(username, client address), then the username alone) and locks when the highest count
reaches one ``AXES_FAILURE_LIMIT``. Here the username-alone count is scaled so that it
reaches that limit only after ``LOGIN_USERNAME_FAILURE_LIMIT`` failures: one client
guessing at ``admin`` is locked out after 5 failures without locking out anyone else,
and a guess spread over many addresses still locks the account after 20.

The client address is axes' own (python-ipware behind ``TRUSTED_PROXY_COUNT`` proxies;
see settings and README, "Configuration").
"""

from django.conf import settings
from django.db.models import Sum

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters


def _is_username_only(parameter) -> bool:
    return parameter == "username" or list(parameter) == ["username"]


class LoginThrottleHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        limit = get_failure_limit(request, credentials)
        username_limit = max(settings.LOGIN_USERNAME_FAILURE_LIMIT, 1)
        parameters = get_lockout_parameters(request, credentials)
        highest = 0
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials)):
            count = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if _is_username_only(parameter):
                # count * limit // username_limit reaches limit exactly when count
                # reaches username_limit.
                count = count * limit // username_limit
            highest = max(highest, count)
        return highest


USERNAME_MAX_LENGTH = 150  # Django's User.username; axes stores at most 255 characters


def login_username(request, credentials=None) -> str:
    """``AXES_USERNAME_CALLABLE``: the typed username, cut to what a user name can be, so
    a 300-character one is a failed sign-in like any other (axes' column would overflow)."""
    if credentials:
        username = credentials.get("username")
    else:
        username = request.POST.get("username")
    return (username or "")[:USERNAME_MAX_LENGTH]
