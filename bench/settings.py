"""Settings of the API benchmark's server (``bench/api_list.py``): the
site's, plus the bare views of ``bench/bench_urls.py`` and the time of each
answer in a ``Server-Timing`` header (``bench/server_timing.py``)."""

from tracker.settings import *  # noqa: F403
from tracker.settings import MIDDLEWARE

ROOT_URLCONF = "bench.bench_urls"
MIDDLEWARE = ["bench.server_timing.server_timing", *MIDDLEWARE]
