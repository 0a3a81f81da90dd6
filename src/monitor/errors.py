"""The one exception hierarchy of the monitor.

Every error the monitor raises on purpose is a ``MonitorError``; library exceptions are
translated into these at the module that imports the library, with ``raise ... from e``::

    MonitorError
    ├── ConfigError          config/ is invalid: carries every Problem (file, line, key)
    ├── FeedError            something went wrong with one feed or page (carries .url)
    │   ├── FetchError       the HTTP exchange failed
    │   │   ├── ConnectFailed        no connection: DNS failed, refused, unreachable
    │   │   ├── HTTPStatusError      a non-2xx/304 status (carries .status, .retry_after)
    │   │   ├── ResponseTooLarge     the body passed the byte cap
    │   │   ├── FetchTimeout         the total deadline passed
    │   │   ├── AddressNotAllowed    a non-http(s) URL, or a private address for a page
    │   │   ├── InvalidURL           a URL that cannot be fetched as written
    │   │   ├── TooManyRedirects     more than 5 redirects, or a loop
    │   │   └── NotAPage             an article link that answers with something not HTML
    │   └── ParseError       the body is not a feed with entries
    ├── ExtractError         a worker's job (a page, a feed) failed or ran past its deadline
    │   ├── PageBreaksWorkers    the job killed its worker twice (a page is quarantined)
    │   └── WorkersUnavailable   no worker could be started: the job was never run
    ├── StorageError         the database could not be opened or written
    └── DeliveryError        a digest could not be delivered

Expected errors are recorded per feed and the cycle goes on; the CLI turns any other
``MonitorError`` into a one-line message and exit status 1.
"""

from __future__ import annotations

from dataclasses import dataclass


class MonitorError(Exception):
    """Base class of every error the monitor raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one config file, pointing at the line to fix."""

    #: The file, as the user would type it (relative to the working directory if possible).
    file: str
    #: 1-based line number, or None when the problem is the whole file (missing, unreadable).
    line: int | None
    #: Dotted key path inside the file, e.g. ``fetch.timeout`` or ``feeds[3].url``; "" if none.
    key: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        key = f"{self.key}: " if self.key else ""
        return f"{where}: {key}{self.message}"


class ConfigError(MonitorError):
    """The configuration cannot be used; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class FeedError(MonitorError):
    """An error tied to one feed or page URL."""

    def __init__(self, url: str, message: str) -> None:
        self.url = url
        super().__init__(message)


class FetchError(FeedError):
    """The HTTP exchange failed (connection, TLS, redirects, protocol)."""


class ConnectFailed(FetchError):
    """No connection could be made: the name did not resolve, or the host refused or was
    unreachable. When every feed fails so, the machine itself looks offline."""


class HTTPStatusError(FetchError):
    """The server answered with a status we do not accept."""

    def __init__(self, url: str, status: int, retry_after: float | None = None) -> None:
        self.status = status
        #: Seconds the server asked us to wait (429/503 Retry-After), or None.
        self.retry_after = retry_after
        super().__init__(url, f"HTTP {status}")


class ResponseTooLarge(FetchError):
    """The (decoded) body passed the configured byte cap."""


class FetchTimeout(FetchError):
    """The request did not finish within its total deadline."""


class AddressNotAllowed(FetchError):
    """The URL's scheme or address is refused (only http/https; no private pages)."""


class InvalidURL(FetchError):
    """The URL is malformed, or names its host in a way we refuse (``127.1``)."""


class TooManyRedirects(FetchError):
    """The URL redirected more times than we follow."""


class NotAPage(FetchError):
    """An article link answered with a body that is not a web page (a PDF, an image)."""


class ParseError(FeedError):
    """The body could not be read as a feed with at least one entry."""


class ExtractError(MonitorError):
    """Full-text extraction failed or ran out of time."""


class PageBreaksWorkers(ExtractError):
    """The page's extraction killed its worker twice, the second time in a worker of its
    own: it is kept with the feed's summary and never extracted again."""


class WorkersUnavailable(ExtractError):
    """No worker could be started (twice): the job was never run, through no fault of its
    own, so a caller that can do the work itself may."""


class StorageError(MonitorError):
    """The database could not be opened, migrated or written."""


class DeliveryError(MonitorError):
    """A digest could not be delivered.

    ``maybe_delivered`` is True when the failure came after the message may have been
    accepted (the connection dropped during or after DATA): it is then sent again, as
    the identical message, rather than rebuilt.
    """

    def __init__(self, message: str, *, maybe_delivered: bool = False) -> None:
        self.maybe_delivered = maybe_delivered
        super().__init__(message)
