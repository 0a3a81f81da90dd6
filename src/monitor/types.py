"""Frozen records passed between the stages of the pipeline.

No dicts cross a stage boundary, and no feedparser or trafilatura object leaves the module
that imports it. Every datetime here is timezone-aware UTC.

In pipeline order: ``Feed`` and ``FeedState`` (config and store) → ``FetchResult`` →
``ParsedFeed`` of ``Entry`` → ``ExtractedPage`` → ``Article`` with its ``Hit``s →
``FeedUpdate`` (to the store) → ``FeedOutcome`` and ``RunReport`` (to the user). What the
store gives back: ``StoredArticle``, ``StoredHit``, ``FeedHealth``, ``FeedActivity``,
``SentDigest``, ``SearchResult``.

Records of neighbouring stages repeat field shapes (a name, a URL, a few times): each is
what one stage hands the next, kept apart rather than one record of optional fields that
every stage would have to check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

TextSource = Literal["page", "summary", "title"]
Field = Literal["title", "body"]
FeedStatus = Literal["ok", "not_modified", "failed"]


#: The clock, injected wherever time is read: ``Callable[[], datetime]`` returning aware UTC.
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True, kw_only=True)
class Feed:
    """One feed as configured in feeds.yaml."""

    name: str
    url: str
    #: ISO 639-1 code given in the config, or None to detect it per article.
    language: str | None = None
    #: How often to poll this feed; None means the global ``poll.interval``.
    interval: timedelta | None = None
    tags: tuple[str, ...] = ()
    #: Fetch each article's page and extract its text; False keeps the feed's summary.
    fulltext: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedState:
    """What the store remembers about a feed between polls."""

    feed_id: int
    name: str
    #: The URL to fetch: the configured one, or where a permanent redirect sent us.
    url: str
    etag: str | None = None
    last_modified: str | None = None
    consecutive_failures: int = 0
    next_due_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchResult:
    """The outcome of one successful HTTP exchange (2xx or 304)."""

    #: The URL we asked for.
    url: str
    #: The URL that answered, after redirects.
    final_url: str
    status: int
    #: The decoded body; empty on 304.
    body: bytes = b""
    content_type: str | None = None
    content_language: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    #: Set when every redirect on the way was permanent (301/308): the feed's new home.
    moved_to: str | None = None
    #: Seconds from Cache-Control max-age, if the server gave one.
    max_age: float | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One feed entry, cleaned: plain-text fields, canonical link, UTC date."""

    #: Stable identity: guid, else canonical link, else a hash of title and date; a
    #: link's anchor that names a part of its page, or the title of entries that share
    #: a link and nothing else, tells apart what the canonical link would join.
    key: str
    #: Canonical article URL (tracking parameters removed, redirect wrappers unwrapped); "" if none.
    url: str
    title: str
    #: The entry's summary or content with HTML removed.
    summary: str
    published: datetime | None = None
    author: str | None = None
    #: Publisher named by the entry itself (e.g. Google News ``<source>``), else None.
    source: str | None = None
    #: Keys older versions stored this entry under; a stored one means it is not new.
    legacy_keys: tuple[str, ...] = ()
    #: The key this entry had before the anchor of its link counted ("#update-3" of a live
    #: blog's entries): the entry's own only where the title stored under it is this one's.
    former_key: str | None = None
    #: A hash of what the feed says of the entry (title, summary, updated date): when it
    #: changes, the outlet corrected the entry.
    revision: str = ""
    #: Another entry of the feed links to the same page (a listing, a programme's page, a
    #: live blog): the page tells none of them apart, so each keeps its own summary.
    shares_link: bool = False


#: What tells an entry stored under another key: its link, title, summary and date.
Identity = tuple[str, str, str, datetime | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class KnownEntry:
    """What the store holds of an entry already stored, to tell a correction."""

    article_id: int
    feed_id: int
    #: The entry's revision when last stored; None for articles stored before revisions.
    revision: str | None
    #: Corrections followed so far.
    corrections: int
    title: str
    text_source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedFeed:
    """A feed document turned into entries."""

    title: str
    #: The feed's declared language, if any.
    language: str | None
    entries: tuple[Entry, ...]
    #: A recoverable problem the parser noticed (bozo), for the log; None if clean.
    warning: str | None = None


@dataclass(frozen=True, slots=True)
class PageNeeds:
    """What the page must supply beyond its text, because the feed did not."""

    #: The date (and author) by trafilatura's full metadata pass, which costs more than a
    #: third of an extraction: only for entries whose feed gives no date.
    metadata: bool = False
    #: The language, detected from the text: not when the feed's language is configured.
    language: bool = True


#: The feed gave the date; the language is to be detected.
DEFAULT_NEEDS = PageNeeds()


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractedPage:
    """What full-text extraction found on an article page."""

    text: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """An entry ready to store: the best text we have and where it came from."""

    key: str
    feed: str
    url: str
    title: str
    summary: str
    text: str
    #: Which text we kept: the extracted page, the feed summary, or only the title.
    text_source: TextSource
    published: datetime | None
    fetched_at: datetime
    author: str | None = None
    language: str | None = None
    source: str | None = None
    #: When to try the page again (it failed for a passing reason); None for no retry.
    page_retry_at: datetime | None = None
    #: Page fetches tried so far (0 when the page was never wanted or came at once).
    page_attempts: int = 0
    #: Why the page's text is not the text (one line), or None.
    page_error: str | None = None
    #: The entry's revision (``Entry.revision``).
    revision: str = ""

    @property
    def when(self) -> datetime:
        """When it is news: published, else first seen (the one name for it)."""
        return self.published or self.fetched_at


@dataclass(frozen=True, slots=True, kw_only=True)
class Correction:
    """A stored article whose entry the feed changed: what it is now, and its hits.

    It keeps its id and its story; its unsent hits are replaced, sent ones stay sent."""

    article_id: int
    article: Article
    hits: tuple[Hit, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PageRetry:
    """A stored article whose page failed for a passing reason, due to be tried again."""

    article_id: int
    key: str
    feed: str
    url: str
    title: str
    summary: str
    page_attempts: int
    language: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PageUpdate:
    """A page retry's outcome, written with the article's recomputed hits."""

    article_id: int
    #: The extracted text when the retry worked, else None (the summary stays).
    text: str | None
    page_attempts: int
    page_retry_at: datetime | None
    #: Why the page still gave no text (one line), or None.
    page_error: str | None = None
    hits: tuple[Hit, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Snippet:
    """The sentence that best shows why a text matched, with the matched words marked."""

    text: str
    #: ``(start, end)`` offsets in ``text`` of each matched word or phrase, in order.
    marks: tuple[tuple[int, int], ...] = ()

    def marked(self, before: str = "[", after: str = "]") -> str:
        """The text with each mark wrapped, e.g. ``"[Cuba] says"``."""
        out, last = [], 0
        for start, end in self.marks:
            out += [self.text[last:start], before, self.text[start:end], after]
            last = end
        return "".join([*out, self.text[last:]])


@dataclass(frozen=True, slots=True, kw_only=True)
class TermHit:
    """One term of a watchlist found in one field of a text."""

    term: str
    group: str
    #: The alias, as written in the watchlist, that matched first.
    alias: str
    field: Field
    #: Character offset of the first mention in the field.
    position: int
    #: Mentions of the term in this field (voided ones excluded).
    count: int
    #: What this term in this field added to the score.
    score: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    """Why one text is on one watchlist."""

    watchlist: str
    score: float
    terms: tuple[TermHit, ...]
    snippet: Snippet
    tags: tuple[str, ...] = ()

    @property
    def term_names(self) -> tuple[str, ...]:
        """Distinct matched terms, highest contribution first."""
        ranked = sorted(self.terms, key=lambda t: -t.score)
        return tuple(dict.fromkeys(t.term for t in ranked))

    def why(self, limit: int = 4) -> tuple[str, ...]:
        """The few strongest terms, the best of each group first: a reader sees both
        sides of the relation ("Cuba, oil embargo, Trump"), not the same side five times."""
        ranked = sorted(self.terms, key=lambda t: -t.score)
        best_of_group = dict.fromkeys(t.group for t in ranked)
        leaders = [next(t.term for t in ranked if t.group == g) for g in best_of_group]
        return tuple(dict.fromkeys([*leaders, *(t.term for t in ranked)]))[:limit]


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedUpdate:
    """Everything one poll of one feed changes, written in one transaction.

    Articles and the new conditional-GET validators are stored together, so a crash can
    never leave an ETag that hides entries we did not store.
    """

    feed_id: int
    fetched_at: datetime
    status: FeedStatus
    next_due_at: datetime
    consecutive_failures: int
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    #: New URL after permanent redirects, to fetch from now on; None to keep the old one.
    moved_to: str | None = None
    #: The feed answered 410 Gone.
    gone: bool = False
    articles: tuple[Article, ...] = ()
    #: Hits of each article, by article key.
    hits: tuple[tuple[str, Hit], ...] = ()
    #: Stored articles whose entry the feed corrected, re-fetched and re-matched.
    corrections: tuple[Correction, ...] = ()
    #: New revisions to record without a re-fetch, by article id (see decide.corrections).
    revisions: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedOutcome:
    """How one feed fared in one cycle."""

    feed: str
    status: FeedStatus
    new_articles: int = 0
    hits: int = 0
    #: Stored articles whose entry the feed corrected, fetched and matched again.
    corrected: int = 0
    error: str | None = None
    #: The failure was a DNS or connection error (no route to the feed's host).
    unreachable: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RunReport:
    """The result of one poll cycle; ``as_json`` is the ``monitor poll --json`` contract."""

    outcomes: tuple[FeedOutcome, ...] = field(default_factory=tuple)
    seconds: float = 0.0
    #: Pages that failed on an earlier cycle and were fetched and extracted in this one.
    pages_recovered: int = 0

    def count(self, status: FeedStatus) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def reached_none(self) -> bool:
        """Feeds were polled and every one failed."""
        return bool(self.outcomes) and self.count("failed") == len(self.outcomes)

    @property
    def looks_offline(self) -> bool:
        """Every feed failed for want of a connection: the machine, not the feeds."""
        return self.reached_none and all(o.unreachable for o in self.outcomes)

    def as_json(self) -> dict[str, object]:
        return {
            "feeds": len(self.outcomes),
            "ok": self.count("ok"),
            "not_modified": self.count("not_modified"),
            "failed": self.count("failed"),
            "new_articles": sum(o.new_articles for o in self.outcomes),
            "hits": sum(o.hits for o in self.outcomes),
            "seconds": round(self.seconds, 3),
            "pages_recovered": self.pages_recovered,
            "corrected": sum(o.corrected for o in self.outcomes),
            "errors": [{"feed": o.feed, "error": o.error} for o in self.outcomes if o.error],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredArticle:
    """An article as stored, with its id."""

    article_id: int
    url: str
    title: str
    text: str
    text_source: str
    feed: str
    language: str | None
    published: datetime | None
    #: Why the page's text is not the text (one line), or None.
    page_error: str | None = None
    #: Its story, and why it joined it (None until placed).
    story_id: int | None = None
    story_reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredHit:
    """A hit as stored, with what a reader needs of its article."""

    hit_id: int
    article_id: int
    url: str
    title: str
    #: The publisher: the entry's own source (Google News) or the feed's name.
    source: str
    feed: str
    language: str | None
    published: datetime | None
    fetched_at: datetime
    matched_at: datetime
    hit: Hit
    #: The digest this hit was sent in; None while it waits for one.
    digest_id: int | None = None
    #: The article's story (stories.placing); None until it is placed.
    story_id: int | None = None
    #: Found by a correction of the article's entry (the digest marks it updated).
    corrected: bool = False

    @property
    def when(self) -> datetime:
        """When it is news: published, else first seen (the one name for it)."""
        return self.published or self.fetched_at


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedHealth:
    """One feed as ``monitor status`` shows it."""

    name: str
    url: str
    last_fetched_at: datetime | None
    last_ok_at: datetime | None
    last_new_at: datetime | None
    last_status: str | None
    last_error: str | None
    consecutive_failures: int
    failing_since: datetime | None
    next_due_at: datetime | None
    items: int
    hits: int
    #: When the feed first answered 410 Gone (it is still tried, rarely).
    gone_since: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedActivity:
    """What the digest's source-health section needs to know about one feed."""

    name: str
    last_error: str | None
    failing_since: datetime | None
    last_ok_at: datetime | None
    last_new_at: datetime | None
    #: When the feed's most recent articles were first seen, newest first (up to 30).
    recent: tuple[datetime, ...]
    gone_since: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SentDigest:
    """A digest that was delivered."""

    digest_id: int
    date: str
    subject: str
    sent_at: datetime
    items: int
    hits: int
    #: Where it went: the file written, or the SMTP server.
    location: str | None = None
    transport: str = "file"


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingDigest:
    """A digest recorded before sending and not confirmed sent: to deliver again, as is."""

    digest_id: int
    date: str
    subject: str
    #: The exact message that was (perhaps) delivered: same Message-ID, Date and body.
    message: bytes
    items: int
    hits: int
    #: Delivery attempts made so far.
    attempts: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestFile:
    """A digest the file transport wrote: ``STEM.eml`` and ``STEM.html``."""

    #: The digest's date, with ``-2``, ``-3``... for later digests of the same day.
    stem: str
    subject: str
    message_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceState:
    """What the running service (``monitor run``) last said of itself."""

    pid: int | None = None
    started_at: datetime | None = None
    #: Written at every cycle, whether or not any feed was due.
    heartbeat_at: datetime | None = None
    #: When it last stopped cleanly; None while it runs (or after a crash).
    stopped_at: datetime | None = None
    #: The scheduled digest time the service last handled (sent, or nothing to send).
    digest_handled_for: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchResult:
    """One article found by full-text search."""

    article_id: int
    title: str
    url: str
    feed: str
    published: datetime | None
    snippet: str
    story_id: int | None = None


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """What of an article tells whether two reports are one story (``stories.features``)."""

    #: MinHash of its word shingles (``stories.minhash``).
    signature: bytes
    #: Its folded text, hashed: the same for the same text in other markup.
    text_hash: str
    words: int
    title_words: frozenset[str]
    #: Figures, written alike in either language; years left out.
    numbers: frozenset[str]
    #: The last word of each run of capitalised words, folded.
    names: frozenset[str]
    #: Its matched watchlist terms, folded (one name in every language).
    terms: frozenset[str]
    language: str | None
    #: When it was published (else first seen).
    when: datetime
    #: The lower-case words of its lead that are not common, by their stems, each with
    #: its Zipf frequency (0 when rarer than the lists go): what happened.
    lead_words: Mapping[str, float] = field(default_factory=dict)
    #: Figures of its lead with what they count ("27 balsero"): two counts of one thing
    #: that differ are two events.
    counts: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class StoryMember:
    """An article already placed in a story."""

    article_id: int
    story_id: int
    url: str
    features: StoryFeatures


@dataclass(frozen=True, slots=True, kw_only=True)
class Placeable:
    """A stored article to place in a story."""

    article_id: int
    url: str
    title: str
    text: str
    language: str | None
    when: datetime
    #: The names of the terms its hits matched.
    terms: tuple[str, ...] = ()
    #: Its story features, when an extraction worker took them (``ingest.reading``).
    features: StoryFeatures | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Placement:
    """Where an article went: its story (its own id when it starts one) and why."""

    article_id: int
    story_id: int
    reason: str
    features: StoryFeatures


AlertState = Literal["pending", "sent", "folded", "abandoned"]


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertMessage:
    """The short message of an urgent alert: what, why, where to read it."""

    title: str
    body: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NewAlert:
    """An alert to record before it is delivered (``outputs.alerts.due``)."""

    article_id: int
    watchlist: str
    #: The watchlist's ``to:`` entry: an environment variable's name or a URL.
    channel: str
    story_id: int | None
    #: ``pending`` to deliver; ``folded`` when its story already alerted this channel.
    state: AlertState
    message: AlertMessage


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredAlert:
    """An alert as recorded (jobs.alerts): its message, its state, its attempts."""

    alert_id: int
    article_id: int
    watchlist: str
    channel: str
    story_id: int | None
    state: AlertState
    title: str
    body: str
    attempts: int
    created_at: datetime
    next_at: datetime
    sent_at: datetime | None = None
    error: str | None = None
