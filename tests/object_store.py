"""An S3-compatible object store on loopback for the tests: moto's standalone
server, started once per session as its own process and spoken to over HTTP,
so the storage code under test talks to it as it would to any real store.

``object_store`` gives a test a fresh private bucket and makes it the media
storage the way production does, through the ``STORAGE_S3_*`` variables that
``tracker/storage.py`` reads."""

import contextlib
import socket
import subprocess
import sys
import time
import uuid

import boto3
import pytest

from tracker.storage import stored_files_storage

START_TIMEOUT = 30
ACCESS_KEY = "tracker-test-key"
SECRET_KEY = "tracker-test-secret"
REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def object_store_url(tmp_path_factory):
    """The address of a moto S3 server on loopback, for the whole session."""
    port = _free_port()
    log = tmp_path_factory.mktemp("object_store") / "moto.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            break
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"moto's server did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def bucket_client(url):
    """A plain boto3 client of the store, to look at the bucket from outside the app."""
    return boto3.client(
        "s3", endpoint_url=url, region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
    )


@pytest.fixture
def object_store(object_store_url, settings, monkeypatch, tmp_path):
    """A fresh bucket made the media storage, as ``STORAGE_S3_*`` would; yields a
    client of the store and the bucket's name. The media folder is left empty
    (``MEDIA_ROOT`` points at a folder of the test's own) to show nothing lands there."""
    bucket = f"tracker-{uuid.uuid4().hex[:12]}"
    client = bucket_client(object_store_url)
    client.create_bucket(Bucket=bucket)
    for name, value in {
        "STORAGE_S3_BUCKET": bucket,
        "STORAGE_S3_ENDPOINT_URL": object_store_url,
        "STORAGE_S3_REGION": REGION,
        "STORAGE_S3_ACCESS_KEY_ID": ACCESS_KEY,
        "STORAGE_S3_SECRET_ACCESS_KEY": SECRET_KEY,
    }.items():
        monkeypatch.setenv(name, value)
    settings.MEDIA_ROOT = tmp_path / "media-left-empty"
    settings.STORAGES = {**settings.STORAGES, "default": stored_files_storage()}
    yield client, bucket


def bucket_objects(client, bucket) -> dict[str, bytes]:
    """Every object in ``bucket``, by key."""
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {item["Key"]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read() for item in listed}
