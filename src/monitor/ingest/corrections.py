"""Which stored entries the feed corrected, and which of them to follow now. Pure.

Outlets correct headlines and replace "developing story" stubs under the same guid. An
entry whose revision (``Entry.revision``: its title, summary and updated date) differs
from the one stored is followed: its page is fetched again, it is matched again, and the
article keeps its id and its story (jobs.poll, storage.articles).

Following is bounded, because some feeds rewrite every entry on every poll (a timestamp
in each summary, an ``updated`` date that is the time of the request):

- at most ``per_feed`` corrections per feed per cycle (``poll.corrections_per_feed``);
  the others wait, unrecorded, for the next cycles;
- at most ``MAX_CORRECTIONS`` per article, ever;
- when most of a feed's stored entries changed at once (``REWRITE_SHARE``, at least
  ``REWRITE_MIN`` of them), the feed is rewriting, not correcting: only entries whose
  title changed are followed, and the others' new revisions are recorded unfollowed;
- an entry another feed stored is that feed's to correct (two feeds give one link two
  summaries, which would read as a change on every poll);
- an article stored before revisions were kept gets its revision recorded, unfollowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from monitor.text.fold import normalize
from monitor.types import Entry, KnownEntry, ParsedFeed

#: Corrections followed per article; the outlet's later rewrites are left as they are.
MAX_CORRECTIONS = 3
#: A poll where at least this share of the feed's stored entries changed is a rewrite...
REWRITE_SHARE = 0.5
#: ...when that is at least this many entries.
REWRITE_MIN = 5


@dataclass(frozen=True, slots=True)
class Plan:
    """The corrections to follow now, and the revisions to record without following."""

    follow: tuple[tuple[Entry, KnownEntry], ...]
    record: tuple[tuple[int, str], ...]


def plan(parsed: ParsedFeed, known: Mapping[str, KnownEntry], feed_id: int, per_feed: int) -> Plan:
    """What to do with the entries of ``parsed`` the store holds under another revision."""
    ours = [(e, k) for e in parsed.entries if (k := known.get(e.key)) and k.feed_id == feed_id]
    changed = [(e, k) for e, k in ours if e.revision and e.revision != k.revision]
    record = [(k.article_id, e.revision) for e, k in changed if k.revision is None]
    candidates = [(e, k) for e, k in changed if k.revision is not None]
    if len(changed) >= max(REWRITE_MIN, REWRITE_SHARE * len(ours)):
        retitled = [(e, k) for e, k in candidates if _retitled(e, k)]
        record += [(k.article_id, e.revision) for e, k in candidates if not _retitled(e, k)]
        candidates = retitled
    followable = [(e, k) for e, k in candidates if k.corrections < MAX_CORRECTIONS]
    return Plan(follow=tuple(followable[:per_feed]), record=tuple(record))


def _retitled(entry: Entry, known: KnownEntry) -> bool:
    return bool(entry.title) and normalize(entry.title) != known.title
