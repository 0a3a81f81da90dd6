"""The ``monitor`` executable's entry point: the CLI imported with the collector paused.

Importing the CLI makes some 75,000 long-lived objects (modules, classes, the config
models), and the cyclic garbage collector would look through them again and again while
they load (80 ms of a command's start) and in every full collection after (a poll's
main process spent 0.07–0.11 ms per article in collections, 0.03 ms once they were
frozen). ``gc.freeze`` moves them out of its sight for the life of the process; garbage
made later is collected as usual.
"""

from __future__ import annotations

import gc


def main() -> None:
    enabled = gc.isenabled()
    gc.disable()
    try:
        from monitor.cli import main as command
    finally:
        if enabled:
            gc.enable()
    gc.freeze()
    command()
