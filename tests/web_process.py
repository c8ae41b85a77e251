"""The web process in a subprocess, started as ``bin/run`` and ``bin/serve``
start it (``bin/serve web``: collectstatic, then gunicorn with
``tracker/gunicorn.conf.py``) on a free loopback port, against the test
database."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.celery_worker import BASE_DIR, test_database_url

READY_TIMEOUT = 60.0


class WebProcess:
    """``bin/serve web`` on loopback, or on ``host`` with ``prefix`` before
    the command (``ip netns exec HOST``: a host of tests/hosts.py, whose ports are all free)."""

    def __init__(self, env: dict, log_path: Path, *, host: str = "127.0.0.1", prefix: list[str] = ()):
        self.port = _free_port() if host == "127.0.0.1" else 8000
        self.url = f"http://{host}:{self.port}"
        self.log_path = log_path
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*prefix, str(BASE_DIR / "bin" / "serve"), "web"],
                cwd=BASE_DIR,
                env={**env, "PORT": str(self.port), "WEB_BIND": f"{host}:{self.port}"},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_ready()

    def _wait_until_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"bin/serve web exited with {self.process.returncode}:\n{self.log()}")
            try:
                httpx.get(f"{self.url}/health/live", timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError(f"bin/serve web did not answer after {READY_TIMEOUT} s:\n{self.log()}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def start_web_process(transactional_db, tmp_path):
    """Call with environment variables to start ``bin/serve web``; every
    process started is stopped after the test and its log printed."""
    started = []

    def start(**env) -> WebProcess:
        environment = {
            **os.environ,
            "DATABASE_URL": test_database_url(),
            "STATIC_ROOT": str(tmp_path / f"static-{len(started)}"),
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        web = WebProcess(environment, tmp_path / f"web-{len(started)}.log")
        started.append(web)
        return web

    yield start
    for web in started:
        web.stop()
        print(f"--- bin/serve web log ({web.log_path}) ---\n{web.log()}")
