"""The background service (``monitor run``): scheduling only.

- ``runner``: the APScheduler jobs (poll the due feeds, send the daily digest, reload the
  config), the long-lived clients and workers they share, signals and a clean stop.
- ``logs``: one line per feed outcome and per digest, as key=value or JSON.

Rules: no decision is made here that a job or a pure stage could make; the only package
importing APScheduler.
"""
