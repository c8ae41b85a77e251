"""What the operations app adds to every request: the request id of the log
lines handed back to the caller (so that a reviewer reporting an error, or a
test, can name the lines of their request), and the request's time for
``/metrics``."""

import time

import structlog


def request_id_header(get_response):
    def middleware(request):
        response = get_response(request)
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        if request_id:
            response["X-Request-ID"] = request_id
        return response

    return middleware


KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def request_latency(get_response):
    """Time each request for ``/metrics`` (``operations/metrics.py``), labelled by
    the view that answered it (bounded: the URL's name, never its path)."""
    from .metrics import observe_request

    def middleware(request):
        started = time.perf_counter()
        response = get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "unnamed") if match else "unmatched"
        method = request.method if request.method in KNOWN_METHODS else "other"
        observe_request(view, method, response.status_code, time.perf_counter() - started)
        return response

    return middleware
