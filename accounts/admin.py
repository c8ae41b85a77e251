"""Accounts in the Django admin: an admin creates accounts, gives them their
roles (groups) and makes them inactive; only a superuser grants superuser
status or permissions one by one, which would lift an account out of the
roles (and let it delete what the tracker never deletes)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")


class AccountAdmin(UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, *SUPERUSER_ONLY_FIELDS)


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
