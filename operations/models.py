"""What the operations app records: when each Celery worker was last heard from."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per worker (by Celery host name), rewritten every
    ``WORKER_HEARTBEAT_INTERVAL`` seconds while the worker runs and removed
    when it stops (``operations/heartbeat.py``)."""

    hostname = models.CharField(_("worker"), max_length=255, unique=True)
    seen_at = models.DateTimeField(_("last heard from"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.hostname} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
