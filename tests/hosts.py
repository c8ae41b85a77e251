"""Several machines on this one: a network namespace per host, each with an
address of its own on a bridge, reaching this machine's PostgreSQL and Redis
only over its link. ``bin/hosts`` brings one up for people; the multi-host
test (``tests/test_multi_host.py``) brings up one of its own.

Network ``N`` is the bridge ``trkNbr`` with 10.231.N.1/24 in the root
namespace, and per host (``web``, ``w1``, ...) the namespace ``trkN-<host>``
whose link ``trkN<host>p`` (root side ``trkN<host>``, a port of the bridge)
has the host's address: 10.231.N.11 for the first, .21, .22, ... for the
others. PostgreSQL and Redis listen on loopback only, so ``socat`` forwards
their ports from 10.231.N.1 to 127.0.0.1. No host has a default route: from
a namespace, only the bridge's network is reachable, never another address.

Needs root, ``ip`` (iproute2) and ``socat``. The forwarders' process ids are
kept in ``/run/tracker-hosts/trkN/``, with the id of the process that owns
the network when one does: a network whose owner died (a test killed before
its teardown) is removed by the next test that looks for a free one.
"""

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

STATE_DIR = Path("/run/tracker-hosts")
# What the hosts reach on the bridge's address: PostgreSQL and Redis of this machine.
FORWARDED_PORTS = (5432, 6379)
DEFAULT_HOSTS = ("web", "w1", "w2", "w3")


class NetworkTaken(Exception):
    """Another network of that number exists already."""


@dataclass(frozen=True)
class Host:
    name: str
    namespace: str
    address: str
    link: str  # the root namespace's end of the host's link: down cuts the host off

    def command(self, argv: list[str]) -> list[str]:
        """``argv`` run inside this host's namespace."""
        return ["ip", "netns", "exec", self.namespace, *argv]


class HostNetwork:
    def __init__(self, number: int = 0, hosts=DEFAULT_HOSTS):
        if not 0 <= number <= 255:
            raise ValueError(f"A network's number is 0 to 255, not {number}.")
        self.number = number
        self.name = f"trk{number}"
        self.bridge = f"{self.name}br"
        self.gateway = f"10.231.{number}.1"
        self.subnet = f"10.231.{number}.0/24"
        self.state = STATE_DIR / self.name
        self.hosts = {
            name: Host(name, f"{self.name}-{name}", f"10.231.{number}.{11 if i == 0 else 20 + i}", f"{self.name}{name}")
            for i, name in enumerate(hosts)
        }

    @classmethod
    def claim_free(cls, hosts=DEFAULT_HOSTS, first: int = 1) -> "HostNetwork":
        """Bring up the first free network from number ``first``, owned by this
        process, after removing any whose owner died on the way."""
        for number in range(first, 256):
            network = cls(number, hosts)
            if network.abandoned():
                network.down()
            try:
                network.up(owner=os.getpid())
            except NetworkTaken:
                continue
            return network
        raise RuntimeError("No free network between 10.231.1.0/24 and 10.231.255.0/24.")

    def abandoned(self) -> bool:
        owner = self.state / "owner"
        return owner.exists() and not Path(f"/proc/{owner.read_text().strip()}").exists()

    def up(self, owner: int | None = None) -> None:
        """Create the bridge, the hosts and the forwarders. Raises
        ``NetworkTaken`` if the bridge exists (creating it is the claim)."""
        if subprocess.run(["ip", "link", "add", self.bridge, "type", "bridge"], capture_output=True).returncode:
            raise NetworkTaken(self.bridge)
        try:
            self.state.mkdir(parents=True, exist_ok=True)
            if owner is not None:
                (self.state / "owner").write_text(str(owner))
            _ip("addr", "add", f"{self.gateway}/24", "dev", self.bridge)
            _ip("link", "set", self.bridge, "up")
            for host in self.hosts.values():
                self._add_host(host)
            for port in FORWARDED_PORTS:
                self._forward(port)
        except BaseException:
            self.down()
            raise

    def _add_host(self, host: Host) -> None:
        subprocess.run(["ip", "netns", "delete", host.namespace], capture_output=True)  # leftovers of the same names
        subprocess.run(["ip", "link", "delete", host.link], capture_output=True)
        _ip("netns", "add", host.namespace)
        _ip("link", "add", host.link, "type", "veth", "peer", "name", f"{host.link}p", "netns", host.namespace)
        _ip("link", "set", host.link, "master", self.bridge, "up")
        _ip("-n", host.namespace, "addr", "add", f"{host.address}/24", "dev", f"{host.link}p")
        _ip("-n", host.namespace, "link", "set", f"{host.link}p", "up")
        _ip("-n", host.namespace, "link", "set", "lo", "up")

    def _forward(self, port: int) -> None:
        listen = f"TCP-LISTEN:{port},bind={self.gateway},fork,reuseaddr"
        forwarder = subprocess.Popen(
            ["socat", listen, f"TCP:127.0.0.1:{port}"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            start_new_session=True,  # outlives bin/hosts; ``down`` ends it
        )
        (self.state / f"forwarder-{port}.pid").write_text(str(forwarder.pid))
        deadline = time.monotonic() + 5
        while True:  # listening once it accepts a connection
            try:
                socket.create_connection((self.gateway, port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"socat does not listen on {self.gateway}:{port}.") from None
                time.sleep(0.05)

    def down(self) -> None:
        """Remove everything ``up`` made, whatever state it is in: the
        processes left in the hosts, the forwarders, the namespaces, the links."""
        for namespace in self._namespaces():
            pids = subprocess.run(["ip", "netns", "pids", namespace], capture_output=True, text=True).stdout
            for pid in pids.split():
                _kill(int(pid))
            subprocess.run(["ip", "netns", "delete", namespace], capture_output=True)
        for pid_file in self.state.glob("forwarder-*.pid"):
            pid = int(pid_file.read_text())
            if "socat" in _command_line(pid):  # not a process that took the number since
                _kill_group(pid)  # with the child forwarding each connection
            pid_file.unlink()
        # A namespace lives on while a socket of it does (one with data a cut-off link never
        # delivered stays for minutes): deleting its link's root end frees it at once.
        for link in self._links():
            subprocess.run(["ip", "link", "delete", link], capture_output=True)
        (self.state / "owner").unlink(missing_ok=True)
        if self.state.exists():
            self.state.rmdir()

    def _namespaces(self) -> list[str]:
        """This network's namespaces, however many hosts it was brought up with."""
        listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout.splitlines()
        return [line.split()[0] for line in listed if line.startswith(f"{self.name}-")]

    def _links(self) -> list[str]:
        """This network's links in the root namespace: the bridge and the hosts' ends."""
        listed = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True).stdout.splitlines()
        names = [line.split(":")[1].strip().split("@")[0] for line in listed]
        return [name for name in names if name.startswith(self.name) and name[len(self.name) :][:1].isalpha()]

    def cut_off(self, host: Host) -> None:
        """Take the host's link down, as a machine whose cable is pulled:
        nothing it sends arrives, and nothing tells it so."""
        _ip("link", "set", host.link, "down")

    def describe(self) -> str:
        lines = [f"{self.bridge}: {self.gateway} (PostgreSQL :5432 and Redis :6379 forwarded to 127.0.0.1)"]
        lines += [f"{host.namespace}: {host.address}" for host in self.hosts.values()]
        return "\n".join(lines)


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)  # when this process started it (the test), else init reaps it


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except FileNotFoundError:
        return ""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bin/hosts", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["up", "down"])
    parser.add_argument("--number", type=int, default=0, help="the network's number N: 10.231.N.0/24 (default 0)")
    parser.add_argument("--workers", type=int, default=3, help="worker hosts besides the web host (default 3)")
    args = parser.parse_args(argv)
    network = HostNetwork(args.number, ("web", *(f"w{n}" for n in range(1, args.workers + 1))))
    if args.action == "down":
        network.down()
        return 0
    try:
        network.up()
    except NetworkTaken:
        print(f"{network.bridge} exists already: bin/hosts down --number {args.number} first.", file=sys.stderr)
        return 1
    print(network.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
