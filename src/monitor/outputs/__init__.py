"""Ways out of the monitor: the digest's mail, Atom feeds, urgent alerts.

Pure builders, one module per format:

- ``atom``: stored hits to Atom feeds, one per watchlist and one for all, one entry per
  story; the only module importing feedgen (pure: the clock is an argument).
- ``alerts``: which new hits reach a watchlist's ``alert:``, once per story and channel,
  and the short message of each.
- ``archive``: what Datasette is told of the database (``archive.yaml``).

Adapters, one per kind of channel, each behind its protocol and raising DeliveryError:

- ``mail``: the digest's transports (``Transport``): files, or an SMTP server;
- ``notify``: the alerts' channels (``Notifier``) through Apprise, the only module
  importing apprise.

Servers, for people and feed readers to come and read:

- ``browse``: Datasette on the database, read-only (the only datasette, uvicorn user);
- ``serve``: the Atom feeds over HTTP, and nothing else.

Rules: a builder takes records and returns bytes or a message; delivering them is an
adapter's, and ordering the two (recorded before, confirmed after) is a job's
(``jobs.send``, ``jobs.publish``, ``jobs.alerts``).
"""
