"""``python -m monitor``: the same command as ``monitor``."""

from monitor.cli import main

main()
