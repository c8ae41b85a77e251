"""The Celery application: configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery.signals import worker_init, worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _warm_up_source_checks(**_kwargs):
    from sources.checking import warm_up

    warm_up()


@worker_ready.connect
def _start_heartbeat(sender, **_kwargs):
    from operations import heartbeat

    heartbeat.start(sender.hostname)


@worker_shutdown.connect
def _stop_heartbeat(sender, **_kwargs):
    from operations import heartbeat

    heartbeat.stop(sender.hostname)
