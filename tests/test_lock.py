"""The lock files (written by ``bin/lock``) hold what the requirements ask
for: every package pinned with the hashes of its files, the requirements'
own pins among them (a requirement added without ``bin/lock`` fails here),
the app's lock agreeing with the test lock, and no package index named."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCKS = {"requirements.txt": "requirements.lock", "requirements-test.txt": "requirements-test.lock"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(filename: str) -> dict[str, str]:
    """The pins of a requirements file and of those it includes (``-r``)."""
    pins = {}
    for line in (ROOT / filename).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            pins |= requirements(line[3:].strip())
        elif line:
            name, _, version = line.partition("==")
            assert version, f"{filename}: {line!r} is not pinned with =="
            pins[canonical(name.split("[", 1)[0])] = version.strip()
    return pins


def locked(filename: str) -> dict[str, tuple[str, int]]:
    """Each package of a lock file: its version and how many hashes it lists."""
    packages, current = {}, None
    for line in (ROOT / filename).read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line):
            current = canonical(match[1])
            packages[current] = (match[2], 0)
        elif "--hash=sha256:" in line:
            version, hashes = packages[current]
            packages[current] = (version, hashes + 1)
    return packages


@pytest.mark.parametrize("requirements_file", sorted(LOCKS))
def test_the_lock_pins_every_requirement_as_asked(requirements_file):
    lock = locked(LOCKS[requirements_file])
    differing = {
        name: (version, lock.get(name, (None,))[0])
        for name, version in requirements(requirements_file).items()
        if lock.get(name, (None,))[0] != version
    }
    assert differing == {}, "run bin/lock: (asked, locked) differ"


@pytest.mark.parametrize("lock_file", sorted(LOCKS.values()))
def test_every_locked_package_has_its_hashes(lock_file):
    lock = locked(lock_file)
    assert len(lock) > len(requirements("requirements.txt"))  # the transitive ones are there too
    assert [name for name, (_, hashes) in lock.items() if hashes == 0] == []


def test_the_app_lock_agrees_with_the_test_lock():
    app, test = locked("requirements.lock"), locked("requirements-test.lock")
    assert {name: version for name, (version, _) in app.items() if test.get(name, (None,))[0] != version} == {}


@pytest.mark.parametrize("lock_file", sorted(LOCKS.values()))
def test_a_lock_names_no_package_index(lock_file):
    text = (ROOT / lock_file).read_text()
    options = [line.strip() for line in text.splitlines() if line.lstrip().startswith("-")]
    assert [option for option in options if not option.startswith("--hash=sha256:")] == []
    assert "://" not in text
