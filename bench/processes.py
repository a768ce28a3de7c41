"""The benchmark's own processes: free ports, the processes a server or worker started, their memory, stopping
them, and the machine's load while the benchmark runs (other people's work shares the cores)."""

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path


def say(message: str = "") -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Processes and memory ----------------------------------------------------------------------------

def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def memory(pid: int) -> dict:
    """Resident (RSS) and proportional (PSS: shared pages split between the processes sharing them) memory in MiB."""
    result = {"pid": pid, "rss_mib": float("nan"), "pss_mib": float("nan")}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                result["rss_mib"] = int(line.split()[1]) / 1024
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                result["pss_mib"] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return result


def stop(process: subprocess.Popen | None, name: str, timeout: float = 30) -> None:
    """SIGTERM to the process we started (gunicorn master, celery main process), SIGKILL to it and its own children
    only if it has not stopped in time."""
    if process is None or process.poll() is not None:
        return
    kids = children(process.pid)
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        say(f"  {name} did not stop in {timeout:.0f} s: killing it")
        for pid in [process.pid, *kids]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(10)


class LoadWatch(threading.Thread):
    """Samples the 1-minute load average every few seconds: other processes (test runs) share the two cores."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.running = True

    def run(self):
        while self.running:
            self.samples.append(os.getloadavg()[0])
            time.sleep(5)


def busy_processes() -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,pcpu,args", "--sort=-pcpu", "--no-headers"], capture_output=True,
                         text=True).stdout.splitlines()
    mine = {os.getpid()}
    lines = []
    for line in out:
        pid, cpu, args = line.strip().split(None, 2)
        if int(pid) in mine or float(cpu) < 5:
            continue
        lines.append(f"{float(cpu):5.1f}% {args[:90]}")
    return lines[:5]
