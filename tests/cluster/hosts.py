"""Hosts for the multi-host test: Linux network namespaces joined by veth pairs on a bridge, made and removed by the
test (root and iproute2 needed). Each "host" has its own address and loopback; programs run in it with
`ip netns exec`. The test process itself sits on the bridge (x.x.x.1) like an operator's machine on the LAN."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


def sh(*cmd: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=timeout)


@dataclass
class Net:
    tag: str  # a few characters that keep this run's interfaces and namespaces apart from another's
    subnet: str  # "10.77.N"
    hosts: dict[str, str] = field(default_factory=dict)  # name → address
    procs: list[subprocess.Popen] = field(default_factory=list)

    @property
    def bridge(self) -> str:
        return f"fkbr{self.tag}"

    @property
    def gateway(self) -> str:
        return f"{self.subnet}.1"

    def ns(self, name: str) -> str:
        return f"fk{self.tag}{name}"

    def add(self, name: str, last_octet: int) -> str:
        ns, address = self.ns(name), f"{self.subnet}.{last_octet}"
        outside, inside = f"v{self.tag}{name}"[:15], f"i{self.tag}{name}"[:15]
        sh("ip", "netns", "add", ns)
        sh("ip", "link", "add", outside, "type", "veth", "peer", "name", inside)
        sh("ip", "link", "set", inside, "netns", ns)
        sh("ip", "link", "set", outside, "master", self.bridge, "up")
        sh("ip", "-n", ns, "addr", "add", f"{address}/24", "dev", inside)
        sh("ip", "-n", ns, "link", "set", inside, "up")
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        self.hosts[name] = address
        return address

    def run(self, host: str, cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(["ip", "netns", "exec", self.ns(host), *cmd], **kwargs)

    def start(self, host: str, cmd: list[str], *, log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
        """A long-running program on a host, in its own process group (killed as a whole)."""
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                ["ip", "netns", "exec", self.ns(host), *cmd],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs.append(proc)
        return proc

    def link(self, host: str, up: bool) -> None:
        """Cut a host off the network (or put it back): what a host that dies looks like to the others."""
        sh("ip", "link", "set", f"v{self.tag}{host}"[:15], "up" if up else "down")


def kill_group(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def available() -> str | None:
    """Why the multi-host test cannot run here, or None."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if sh("ip", "netns", "list", check=False).returncode != 0:
        return "iproute2 cannot manage network namespaces here"
    return None


@contextmanager
def network(tag: str, subnet: str) -> Iterator[Net]:
    net = Net(tag=tag, subnet=subnet)
    sh("ip", "link", "add", net.bridge, "type", "bridge")
    sh("ip", "addr", "add", f"{net.gateway}/24", "dev", net.bridge)
    sh("ip", "link", "set", net.bridge, "up")
    try:
        yield net
    finally:
        for proc in reversed(net.procs):
            kill_group(proc)
        for proc in net.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for host in list(net.hosts):
            # Whatever still runs in the namespace (a postmaster that outlived its keeper) goes with it.
            pids = sh("ip", "netns", "pids", net.ns(host), check=False).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            sh("ip", "netns", "del", net.ns(host), check=False)
        sh("ip", "link", "del", net.bridge, check=False)
        time.sleep(0.2)
