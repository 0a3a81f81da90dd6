"""The browse and serve commands: the archive in a browser (Datasette), the Atom feeds
for feed readers."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

import click

from monitor.cli.base import Context, pass_context
from monitor.outputs import serve as feeds
from monitor.outputs.archive import database_name, metadata


def _listening(port: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The --host and --port options of a command that serves, its port by default."""

    def options(command: Callable[..., None]) -> Callable[..., None]:
        command = click.option(
            "--port", default=port, show_default=True, type=click.IntRange(0, 65535),
            help="Port to listen on (0: any free one).",
        )(command)  # fmt: skip
        return click.option(
            "--host", default="127.0.0.1", show_default=True, help="Address to listen on."
        )(command)

    return options


@click.command()
@_listening(port=8001)
@pass_context
def browse(obj: Context, host: str, port: int) -> None:
    """Browse and search the archive (hits, stories, feeds) in a browser, read-only."""
    config = obj.config()
    if not _loopback(host):
        click.echo(f"monitor: listening on {host}: anyone who reaches it reads the archive",
                   err=True)  # fmt: skip
    name = database_name(config.database)
    # Datasette takes 0.3 s to import: only this command pays it.
    from monitor.outputs import browse as archive

    def ready(url: str) -> None:
        click.echo(f"Browse the archive at {url}/{name} (Atom feeds at {url}/feeds/); "
                   "Ctrl-C stops")  # fmt: skip

    archive.serve(
        config.database, metadata(config.database), host=host, port=port,
        feeds=config.atom_directory, ready=ready,
    )  # fmt: skip


@click.command()
@_listening(port=8002)
@pass_context
def serve(obj: Context, host: str, port: int) -> None:
    """Serve the Atom feeds of the hits (data/feeds/) to feed readers, and nothing else."""
    config = obj.config()

    def ready(url: str) -> None:
        click.echo(f"Atom feeds at {url}/all.atom and {url}/WATCHLIST.atom; Ctrl-C stops")

    feeds.serve(config.atom_directory, host=host, port=port, ready=ready)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
