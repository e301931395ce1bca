"""Starting, watching and stopping `bentoml serve` processes on this host.

A served bento runs as its own session (process group), never inside a Celery worker: a
worker child is recycled and would take the service with it. The caller stores the pid,
process group and port, and later stops the service: SIGTERM to the group first (bentoml's
arbiter then stops its workers), SIGKILL after a timeout. bentoml's arbiter (circus) starts
each worker in a session of its own, so the group alone misses them: the service's processes
are the group plus every descendant of its leader, found before anything is killed, because
killing the arbiter first would orphan a worker that keeps the port.

Linux only: liveness, group membership, socket ownership and memory are read from /proc.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from serving.bento.builder import bentoml_env

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class ServiceStartError(RuntimeError):
    """The service could not be started; the message says why."""


@dataclass(frozen=True)
class ServiceProcess:
    pid: int
    pgid: int
    port: int
    url: str
    log_path: Path


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could bind the port now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As servers do: connections of a stopped server in TIME_WAIT don't hold the port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def start_service(
    tag: str,
    *,
    port: int,
    bentoml_home: str | Path,
    log_path: str | Path,
    gpu_index: int | None = None,
    host: str = "127.0.0.1",
) -> ServiceProcess:
    """Start `bentoml serve TAG` in its own session, logging to `log_path`; don't wait for it."""
    if not port_is_free(port, host):
        raise ServiceStartError(f"Port {port} on {host} is already in use.")
    env = bentoml_env(bentoml_home)
    if gpu_index is not None:
        # bentoml hands each GPU worker "device 0" of what it sees; pin which one that is.
        env["CUDA_VISIBLE_DEVICES"] = str(gpu_index)
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "bentoml", "serve", tag, "--host", host, "--port", str(port)]
    with log_path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=log_path.parent,
            start_new_session=True,
        )
    return ServiceProcess(
        pid=process.pid,
        pgid=process.pid,  # a new session's leader leads its process group
        port=port,
        url=f"http://{host}:{port}",
        log_path=log_path,
    )


def wait_ready(url: str, timeout: float, *, pid: int | None = None) -> bool:
    """Poll `url`/readyz until it answers 200 or `timeout` passes.

    With `pid`, give up as soon as that process exits (a port taken meanwhile, a model that
    fails to load), and count as ready only a listener owned by its process group, so that
    another server on the same port is never mistaken for this one.
    """
    deadline = time.monotonic() + timeout
    port = urlsplit(url).port
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if pid is not None and not is_alive(pid):
                return False
            try:
                ready = client.get(url.rstrip("/") + "/readyz").status_code == 200
            except httpx.TransportError:
                ready = False
            if ready and (pid is None or port is None or _service_listens(pid, port)):
                return True
            time.sleep(0.2)
    return False


def stop_service(pgid: int, timeout: float = 10.0) -> bool:
    """Stop a service (its group and its leader's descendants); True if SIGTERM sufficed."""
    members = {pid: _start_time(pid) for pid in service_pids(pgid)}
    if not members:
        return True
    _signal_group(pgid, signal.SIGTERM)
    if _wait_gone(pgid, members, timeout):
        return True
    members.update({pid: _start_time(pid) for pid in service_pids(pgid)})
    _signal_group(pgid, signal.SIGKILL)
    for pid, started in members.items():
        if _start_time(pid) == started:  # still the same process, not a reused pid
            _signal_pid(pid, signal.SIGKILL)
    _wait_gone(pgid, members, 5.0)
    return False


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _signal_pid(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _wait_gone(pgid: int, members: dict[int, str | None], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        _reap(pgid)
        alive = [pid for pid, started in members.items() if started and _start_time(pid) == started]
        if not alive and not group_pids(pgid):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def _reap(pid: int) -> None:
    """Collect the exit status when the caller is the parent, so no zombie lingers."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name: state [0], ppid [1], pgrp [2],
    start time [19]."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return raw[raw.rindex(")") + 2 :].split()


def _live_stats() -> dict[int, list[str]]:
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and fields[0] not in ("Z", "X"):
                stats[int(entry.name)] = fields
    return stats


def _start_time(pid: int) -> str | None:
    fields = _stat(pid)
    return fields[19] if fields and fields[0] not in ("Z", "X") else None


def is_alive(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting to be reaped."""
    return _start_time(pid) is not None


def group_pids(pgid: int) -> list[int]:
    """Live processes of a process group."""
    return sorted(pid for pid, fields in _live_stats().items() if int(fields[2]) == pgid)


def service_pids(pid: int) -> list[int]:
    """A service's live processes: `pid`, its process group and all their descendants."""
    stats = _live_stats()
    pgid = int(stats[pid][2]) if pid in stats else pid
    roots = {p for p, fields in stats.items() if int(fields[2]) == pgid}
    if pid in stats:
        roots.add(pid)
    children: dict[int, list[int]] = {}
    for child, fields in stats.items():
        children.setdefault(int(fields[1]), []).append(child)
    found: set[int] = set()
    stack = list(roots)
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return sorted(found)


def rss_mb(pid: int) -> float:
    """Resident memory of a service (see `service_pids`), in MiB."""
    total = 0
    for member in service_pids(pid):
        try:
            resident_pages = int(Path(f"/proc/{member}/statm").read_text().split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        total += resident_pages * PAGE_SIZE
    return total / (1024 * 1024)


def _service_listens(pid: int, port: int) -> bool:
    """Whether a process of the service holds the socket listening on `port`."""
    inodes = _listening_inodes(port)
    if not inodes:
        return False
    for member in service_pids(pid):
        try:
            fds = list(Path(f"/proc/{member}/fd").iterdir())
        except (FileNotFoundError, PermissionError):
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                return True
    return False


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(inode)
    return inodes
