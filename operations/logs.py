"""Structured logs: every line one JSON object, with the context it was
written in (``request_id`` of the web request, ``task_id`` of the Celery task,
and the request id of the request that queued the task).

django-structlog binds ``request_id`` per request (``RequestMiddleware``),
carries it into the headers of the tasks a request publishes and binds it with
``task_id`` when a worker runs a task (``DJANGO_STRUCTLOG_CELERY_ENABLED`` and
the worker step added in ``tracker/celery.py``). The standard library's
records (Django, Celery, httpx, ours) go through the same JSON formatter,
which merges that context into each line. Threads do not inherit it: code
that hands a task's work to threads runs them in a copy of the context
(``sources/checking.py``).

No Django here: gunicorn's settings use ``json_formatter`` before Django is set up.
"""

import structlog

# What a line carries besides its message, for structlog's loggers and the standard library's alike.
_SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def json_formatter() -> dict:
    """A ``logging.config.dictConfig`` formatter writing one JSON object per line."""
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        "foreign_pre_chain": [*_SHARED_PROCESSORS, structlog.stdlib.ExtraAdder()],
    }


def logging_settings(level: str, *, each_fetch: bool = False) -> dict:
    """Django's ``LOGGING``: everything to standard error as JSON lines;
    httpx's line for each request the fetcher sends (``sources/fetch.py``)
    only if ``each_fetch``: a check's row records its fetch already, and
    the line cost a worker about 0.4 ms of CPU a check, as much as the
    fetch. httpx's warnings are written either way."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": json_formatter()},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {} if each_fetch else {"httpx": {"level": "WARNING"}},
    }


def configure_structlog() -> None:
    """structlog's own loggers (django-structlog's) hand their events to the standard library's handlers."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
