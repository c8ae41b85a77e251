"""Hands the request id of the log lines back to the caller, so that a
reviewer reporting an error, or a test, can name the lines of their request."""

import structlog


def request_id_header(get_response):
    def middleware(request):
        response = get_response(request)
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        if request_id:
            response["X-Request-ID"] = request_id
        return response

    return middleware
