"""``monitor browse``: Datasette on the database, read-only, on loopback by default.

The only module importing datasette and uvicorn. Datasette reads the file through a
read-only connection, runs no SQL that writes, and stops a query after
``TIME_LIMIT_MS``; the service may go on writing meanwhile (WAL lets it). The Atom feeds'
folder is mounted at ``/feeds/`` when it exists, so one address serves both.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn
from datasette.app import Datasette

from monitor.errors import MonitorError

#: A query that runs longer is stopped: the archive stays responsive for everyone.
TIME_LIMIT_MS = 5000


def serve(
    database: Path, metadata: dict[str, Any], *, host: str, port: int,
    feeds: Path | None = None, ready: Callable[[str], None] = lambda _url: None,
) -> None:  # fmt: skip
    """Serve until interrupted; ``ready`` is told the address once it is bound."""
    if not database.is_file():
        raise MonitorError(
            f"no database at {database}: run `monitor poll` first (for the demo's, the "
            "`monitor --config DIR browse` that `monitor demo` printed)"
        )
    mounts = [("feeds", str(feeds))] if feeds is not None and feeds.is_dir() else []
    app = Datasette(
        files=[str(database)],
        metadata=metadata,
        static_mounts=mounts,
        settings={"sql_time_limit_ms": TIME_LIMIT_MS, "default_page_size": 50},
        cors=False,
    )
    listening = _bind(host, port)
    bound = listening.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app.app(), log_level="warning", lifespan="off"))
    shown = f"[{host}]" if ":" in host else host
    ready(f"http://{shown}:{bound}")
    server.run(sockets=[listening])


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so that a taken port is one clear error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError as e:
        listening.close()
        raise MonitorError(f"cannot serve on {host}:{port}: {e.strerror or e}") from e
    listening.listen(128)
    return listening
