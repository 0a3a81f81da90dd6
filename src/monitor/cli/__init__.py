"""The ``monitor`` command: thin click commands over the library.

- ``base``: the context object, errors and output helpers every command shares;
- ``polling`` (poll, search, check), ``watching`` (hits, match, explain, rematch),
  ``stories`` (recluster, ``--clusters``), ``digesting`` (digest), ``feeds`` (list, add,
  remove, OPML), ``alerting`` (alerts test, alerts list), ``browsing`` (browse, serve),
  ``status``, ``service`` (run), ``demo``: the commands, by what they are about;
- ``progress``: the progress line of ``monitor poll`` on a terminal.

Exit status: 0 ok, 1 user error (bad config, bad input; one line per problem, no
traceback), 2 usage error (click's own), 130 interrupted (Ctrl-C), 143 stopped by SIGTERM.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from monitor import __version__
from monitor.cli.alerting import alerts
from monitor.cli.base import Context, Terminated, fail
from monitor.cli.browsing import browse, serve
from monitor.cli.demo import demo
from monitor.cli.digesting import digest
from monitor.cli.feeds import feeds
from monitor.cli.polling import check, poll, search
from monitor.cli.service import run
from monitor.cli.status import status
from monitor.cli.stories import recluster
from monitor.cli.watching import explain, hits, match, rematch
from monitor.errors import MonitorError


class Group(click.Group):
    """Turns MonitorError into one line per problem on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MonitorError as e:
            fail(str(e).replace("\n", "\nmonitor: "))
        except KeyboardInterrupt:
            # Every write is one transaction: stopping here loses nothing.
            click.echo("monitor: interrupted", err=True)
            sys.exit(130)
        except Terminated:
            click.echo("monitor: stopped by SIGTERM; nothing half-written", err=True)
            sys.exit(143)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config", "config_dir", metavar="DIR",
    help="Config directory (default: $MONITOR_CONFIG, else ./config).",
)  # fmt: skip
@click.option(
    "--db", metavar="PATH", help="Database file; overrides monitor.yaml (also $MONITOR_DB)."
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.version_option(__version__, prog_name="monitor")
@click.pass_context
def cli(
    ctx: click.Context, config_dir: str | None, db: str | None, verbose: int, quiet: bool
) -> None:
    """Watch US–Cuba news: poll feeds, match watchlists, send a daily digest."""
    levels = [logging.WARNING, logging.INFO, logging.DEBUG]
    level = logging.ERROR if quiet else levels[min(verbose, 2)]
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    ctx.obj = Context(config_dir, db)


_COMMANDS = (
    run, poll, status, search, check, hits, match, explain, rematch, recluster, digest, feeds,
    alerts, browse, serve, demo,
)  # fmt: skip
for command in _COMMANDS:
    cli.add_command(command)


def main() -> None:
    cli(prog_name="monitor")
