from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = _("Claims")

    def ready(self):
        # Subscribes the claims to what the sources app reports (finished checks).
        from . import receivers  # noqa: F401

        # Sent for each app after migrating, in the order of INSTALLED_APPS,
        # once that app's permissions exist: ``claims`` comes after every app
        # whose permissions the admin role holds.
        post_migrate.connect(grant_admin_role_permissions, sender=self)


def grant_admin_role_permissions(using, **kwargs):
    """Give the admin role the model permissions of
    ``claims.permissions.ADMIN_ROLE_MODEL_PERMISSIONS``, once they exist.

    ``flush`` (which ends every transactional test) sends the signal without
    ``apps``, so none is asked for: the rows are read with the models themselves."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    from accounts.roles import Role

    from .permissions import ADMIN_ROLE_MODEL_PERMISSIONS

    wanted = Q(pk__in=[])
    for label in ADMIN_ROLE_MODEL_PERMISSIONS:
        app_label, codename = label.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group, _created = Group.objects.using(using).get_or_create(name=Role.ADMIN)
    group.permissions.add(*Permission.objects.using(using).filter(wanted))
