"""The users in the admin with their history (django-simple-history): who changed an
account's active flag or roles (groups), and when. Registered after django.contrib.auth's
own UserAdmin (this app comes later in INSTALLED_APPS), which it replaces. It lives in the
registry app because a user's office scope is a region (``cooperatives.models.offices``)."""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from simple_history.admin import SimpleHistoryAdmin

from .models.offices import OfficeScope

User = get_user_model()

if admin.site.is_registered(User):
    admin.site.unregister(User)


class OfficeScopeInline(admin.StackedInline):
    """The user's office scope (``cooperatives.models.offices``): a province, a kabupaten/kota
    or national; none means the installation's ``OFFICE_REGENCY_CODE``."""

    model = OfficeScope
    can_delete = True
    max_num = 1
    extra = 0
    fields = ["code", "label"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, auth_admin.UserAdmin):
    history_list_display = ["is_active", "is_staff", "is_superuser"]
    inlines = [OfficeScopeInline]
