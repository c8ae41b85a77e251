"""The time Django spent on a request, as ``Server-Timing: app;dur=<ms>``:
the API benchmark's server-side figure. First in the benchmark's middleware,
so that it covers every other middleware, the view and the rendering, and
leaves out only the development server's own reading and writing."""

import time


def server_timing(get_response):
    def middleware(request):
        started = time.perf_counter()
        response = get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.3f}"
        return response

    return middleware
