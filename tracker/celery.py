"""The Celery application: configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery.signals import setup_logging, worker_init, worker_ready, worker_shutdown
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Tasks log with the task id and the id of the request that queued them (operations/logs.py).
app.steps["worker"].add(DjangoStructLogInitStep)


@setup_logging.connect
def _log_as_django_does(**_kwargs):
    """Celery leaves the logging to Django's ``LOGGING`` (JSON lines), instead of its own format."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


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
