"""Password reset by e-mail, only when the office has configured mail (``EMAIL_HOST``).

Without mail a reset request would vanish, so every reset page sends the user to the
login page with "Hubungi admin" instead (an admin sets a new password in the admin).
With ``EMAIL_HOST`` set, Django's own reset views send the link through that server
(README, "Configuration": EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
EMAIL_USE_TLS, DEFAULT_FROM_EMAIL).
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.urls import path, reverse_lazy
from django.utils.translation import gettext as _


def mail_configured() -> bool:
    return bool(settings.EMAIL_HOST)


def requires_mail(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not mail_configured():
            messages.info(
                request,
                _(
                    "Atur ulang kata sandi lewat surel belum tersedia di kantor ini. "
                    "Hubungi admin untuk mendapatkan kata sandi baru."
                ),
            )
            return redirect("login")
        return view(request, *args, **kwargs)

    return login_not_required(wrapper)


# Same names and paths as django.contrib.auth.urls; listed before it in the URLconf.
urlpatterns = [
    path(
        "password_reset/",
        requires_mail(
            auth_views.PasswordResetView.as_view(success_url=reverse_lazy("password_reset_done"))
        ),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        requires_mail(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        requires_mail(
            auth_views.PasswordResetConfirmView.as_view(
                success_url=reverse_lazy("password_reset_complete")
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        requires_mail(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]
