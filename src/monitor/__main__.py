"""``python -m monitor``: the same command as ``monitor``."""

from monitor.launch import main

main()
