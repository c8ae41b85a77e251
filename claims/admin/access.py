"""Admin base classes that ask ``claims.permissions.can`` for every
permission instead of Django's model permissions, so that the admin follows
the same rules as the pages and the API."""

from django.contrib import admin

from claims.permissions import Action, can


class TrackerAdmin(admin.ModelAdmin):
    """A model admin whose permissions come from ``can``.

    ``edit_action`` is the action that adding and changing a row need;
    without one the model is read-only here. Deleting is never allowed: the
    tracker withdraws, it does not delete.
    """

    edit_action: Action | None = None

    def has_module_permission(self, request):
        return can(request.user, Action.VIEW_INTERNAL)

    def has_view_permission(self, request, obj=None):
        return can(request.user, Action.VIEW_INTERNAL)

    def has_add_permission(self, request):
        return self.edit_action is not None and can(request.user, self.edit_action)

    def has_change_permission(self, request, obj=None):
        return self.edit_action is not None and can(request.user, self.edit_action)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Related rows shown on their parent's page, never changed there:
    ``fields`` names what is shown."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return can(request.user, Action.VIEW_INTERNAL)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # All shown as text, the fields the model does not let forms edit too.
        return self.fields
