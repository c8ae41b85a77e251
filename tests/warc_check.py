"""``warcio check`` over every WARC file the test session wrote.

Every archive a test writes (a check's, in-process or by a worker) lands under
pytest's temporary folder for the session, so at the end of the session the
whole lot is checked at once: each record must read and match its digests,
and each response must replay through its transfer and content encodings.
"""

import subprocess
import sys
from pathlib import Path

import pytest

# The command-line tool installed beside this interpreter, as a replay tool's operator would run it.
WARCIO = Path(sys.executable).with_name("warcio")


def archives_failing_check(paths) -> str:
    """What ``warcio check`` says of ``paths``: "" when every file passes."""
    if not paths:
        return ""
    checked = subprocess.run(
        [str(WARCIO), "check", *map(str, paths)], capture_output=True, text=True, timeout=600, check=False
    )
    if checked.returncode == 0:
        return ""
    return checked.stdout + checked.stderr or f"warcio check exited with status {checked.returncode}."


@pytest.fixture(autouse=True, scope="session")
def _every_archive_passes_warcio_check(tmp_path_factory):
    yield
    archives = sorted(tmp_path_factory.getbasetemp().rglob("*.warc.gz"))
    failures = archives_failing_check(archives)
    if failures:
        pytest.fail(f"warcio check refused archives written by the tests:\n{failures}", pytrace=False)
