"""The service command: run."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import click

from monitor.cli.base import Context, pass_context
from monitor.service.logs import LogFormat, setup
from monitor.service.runner import Service


@click.command()
@click.option(
    "--log-format",
    type=click.Choice(["kv", "json"]),
    default="kv",
    show_default=True,
    help="key=value lines, or one JSON object per line.",
)
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the log here instead of stderr.",
)
@click.pass_context
@pass_context
def run(obj: Context, ctx: click.Context, log_format: LogFormat, log_file: Path | None) -> None:
    """The service: poll due feeds, send the daily digest, reload config; stop on SIGTERM."""
    verbosity = ctx.find_root().params
    level = logging.ERROR if verbosity.get("quiet") else logging.DEBUG
    if not verbosity.get("quiet") and verbosity.get("verbose", 0) < 2:
        level = logging.INFO  # the service logs one line per feed and per digest
    setup(log_format, log_file, level)
    service = Service(obj.reload_config)
    asyncio.run(service.run())
