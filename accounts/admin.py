"""Accounts in the Django admin: an admin creates accounts, gives them their
roles (groups) and makes them inactive; only a superuser grants superuser
status or permissions one by one, which would lift an account out of the
roles (and let it delete what the tracker never deletes).

API tokens are listed there read-only (no secret is stored to show): their
owners make and revoke them on their tokens page. DRF's own tokens are no
longer used (``accounts/migrations/0002``), so their admin is taken away."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from rest_framework.authtoken.models import TokenProxy

from .models import ApiToken

SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")


class AccountAdmin(UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, *SUPERUSER_ONLY_FIELDS)


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
admin.site.unregister(TokenProxy)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at", "last_used_at")
    search_fields = ("name", "prefix", "user__username")
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
