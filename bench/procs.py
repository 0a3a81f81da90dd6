"""A process and its descendants, read from /proc: memory and CPU time, for benchmarks."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field

TICK = os.sysconf("SC_CLK_TCK")


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; PSS shares copy-on-write pages out fairly."""
    values = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss"):
                values[name] = int(rest.split()[0]) * 1024
    return values["Rss"], values["Pss"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, stack = [], list(children.get(pid, []))
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def tree_memory(pid: int) -> tuple[int, int, int]:
    """(RSS of pid, RSS summed over pid and its descendants, PSS summed the same way)."""
    own = rss_sum = pss_sum = 0
    for current in [pid, *descendants(pid)]:
        try:
            rss, pss = _memory(current)
        except (OSError, KeyError):
            continue
        own = rss if current == pid else own
        rss_sum, pss_sum = rss_sum + rss, pss_sum + pss
    return own, rss_sum, pss_sum


@dataclass
class Sampled:
    """Peaks of memory, and CPU seconds of the process and of its descendants."""

    peaks: list[int] = field(default_factory=lambda: [0, 0, 0])
    main_cpu: float = 0.0
    #: pid → the most CPU seen for it: a descendant that exits between two samples
    #: loses at most one interval of its time.
    others: dict[int, float] = field(default_factory=dict)

    @property
    def children_cpu(self) -> float:
        return sum(self.others.values())


def sample(process: subprocess.Popen[str], every: float = 0.1) -> tuple[threading.Thread, Sampled]:
    """Start sampling ``process`` until it exits; join the thread, then read the result."""
    found = Sampled()

    def run() -> None:
        while process.poll() is None:
            try:
                found.peaks[:] = [
                    max(a, b) for a, b in zip(found.peaks, tree_memory(process.pid), strict=True)
                ]
                found.main_cpu = cpu_seconds(process.pid)
                for child in descendants(process.pid):
                    found.others[child] = max(found.others.get(child, 0.0), cpu_seconds(child))
            except OSError:
                pass
            time.sleep(every)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, found
