"""The ``monitor`` executable's entry point: the extractor's start begun at once, and the
CLI imported with the collector paused.

**The extractor first.** A poll's extraction workers come from a forkserver that loads
and warms trafilatura and the language model, 0.8 s of CPU. Started by the pool when the
first page needs it, it began only after the CLI's import, the config and the first
feeds; ``poll``, ``run`` and ``demo`` now start it before importing anything else, so that it
loads on the second core while this one imports (a cold poll of 1,000 small real pages:
8.39 → 7.83 s, docs/performance.md). A poll that finds nothing new has spent that CPU for
nothing (an unchanged `monitor poll` of 30 feeds: 0.06 s more wall time); most polls of
news feeds find something.

**The collector paused.** Importing the CLI makes some 75,000 long-lived objects
(modules, classes, the config models), and the cyclic garbage collector would look
through them again and again while they load (80 ms of a command's start) and in every
full collection after (a poll's main process spent 0.07–0.11 ms per article in
collections, 0.03 ms once they were frozen). ``gc.freeze`` moves them out of its sight
for the life of the process; garbage made later is collected as usual.

**Freed memory kept.** For the same commands, the allocator is told to keep freed heap
for the next page (``monitor.heap``): a third less CPU per article in a poll's main
process. Other commands never copy a page, and are spared importing ctypes.
"""

from __future__ import annotations

import gc
import sys

#: The commands that extract pages, and the global options that take a value.
_EXTRACTING = frozenset({"poll", "run", "demo"})
_VALUED = frozenset({"--config", "--db"})


def command_of(argv: list[str]) -> str | None:
    """The command ``argv`` (without the program name) runs, as click would read it, or
    None for help, the version, or no command."""
    args = iter(argv)
    for arg in args:
        if arg in _VALUED:
            next(args, None)
        elif not arg.startswith("-"):
            rest = set(args)
            return None if rest & {"-h", "--help"} else arg
        elif arg in {"-h", "--help", "--version"}:
            return None
    return None


def main() -> None:
    if command_of(sys.argv[1:]) in _EXTRACTING:
        from monitor.heap import keep_freed_memory
        from monitor.ingest.spawning import start_forkserver

        keep_freed_memory()  # for the pages of a cycle; other commands never copy them
        start_forkserver()
    enabled = gc.isenabled()
    gc.disable()
    try:
        from monitor.cli import main as command
    finally:
        if enabled:
            gc.enable()
    gc.freeze()
    command()
