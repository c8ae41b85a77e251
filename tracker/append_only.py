"""Tables that are only ever appended to (the claim log, the outlet rating
log): the model refuses to save an existing row or to delete one, and its
queryset refuses the bulk writes that would go around the model.

These guards keep the app's own code honest; each table also has a database
trigger (in its app's migrations) so that raw SQL cannot rewrite it either.
"""

from django.db import models


def _refuse(model) -> PermissionError:
    return PermissionError(f"{model._meta.label} is append-only: its rows are never changed or deleted.")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise _refuse(self.model)

    def delete(self):
        raise _refuse(self.model)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise _refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refuse(type(self))
