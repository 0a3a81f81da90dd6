"""Sample news for tests: RSS feeds and realistic article pages, built from a few facts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    paragraphs: tuple[str, ...]
    lang: str = "en"
    summary: str = ""


def rss(
    title: str, stories: list[Story], link_prefix: str = "/articles/", guid: bool = True
) -> str:
    """An RSS 2.0 feed with relative links (resolved against the feed URL)."""
    start = datetime(2026, 2, 1, 12, tzinfo=UTC)
    items = []
    for i, s in enumerate(stories):
        guid_xml = f'<guid isPermaLink="false">{escape(s.slug)}</guid>' if guid else ""
        items.append(
            f"<item><title>{escape(s.title)}</title><link>{link_prefix}{s.slug}.html</link>"
            f"{guid_xml}<pubDate>{format_datetime(start + timedelta(hours=i))}</pubDate>"
            f"<description>{escape(s.summary or s.paragraphs[0][:140])}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://example.org/</link>{''.join(items)}"
        "</channel></rss>"
    )


def page(story: Story) -> str:
    """An article page as news sites serve it: chrome, article, related links, comments."""
    body = "".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{story.lang}"><head><meta charset="utf-8"><title>{escape(story.title)} | Example News</title>
<meta name="author" content="Staff Writer">
<meta property="article:published_time" content="2026-02-01T12:00:00Z">
<script>window.analytics = {{track: function() {{}}}};</script>
<style>body {{ font-family: serif; }}</style></head>
<body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a>
<a href="/opinion">Opinion</a> <a href="/subscribe">Subscribe</a></nav></header>
<main><article><h1>{escape(story.title)}</h1><p class="byline">By Staff Writer</p>
{body}
</article>
<aside class="related"><h3>Related</h3><ul><li><a href="/x">Most read today</a></li>
<li><a href="/y">Newsletter sign-up</a></li></ul></aside>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p>sidebarcommentword I disagree with everything here.</p></div></section>
</main>
<footer><p>© 2026 Example News. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""


# Neutral words for the rest of an article: each story gets its own sentences (seeded by
# its slug), so that two stories are never near copies of each other (stories.placing).
_NEUTRAL_EN = [
    "officials",
    "in",
    "both",
    "capitals",
    "declined",
    "to",
    "give",
    "a",
    "timetable",
    "and",
    "diplomats",
    "said",
    "the",
    "exchanges",
    "had",
    "been",
    "limited",
    "to",
    "messages",
    "passed",
    "through",
    "intermediaries",
    "while",
    "analysts",
    "noted",
    "that",
    "residents",
    "of",
    "several",
    "provinces",
    "waited",
    "for",
    "news",
    "of",
    "the",
    "meeting",
    "a",
    "spokesman",
    "described",
    "as",
    "cordial",
    "and",
    "a",
    "committee",
    "will",
    "publish",
    "its",
    "report",
    "within",
    "weeks",
]
_NEUTRAL_ES = [
    "funcionarios",
    "de",
    "ambas",
    "capitales",
    "evitaron",
    "dar",
    "un",
    "calendario",
    "y",
    "diplomáticos",
    "dijeron",
    "que",
    "los",
    "intercambios",
    "se",
    "limitaron",
    "a",
    "mensajes",
    "enviados",
    "por",
    "intermediarios",
    "mientras",
    "analistas",
    "señalaron",
    "que",
    "vecinos",
    "de",
    "varias",
    "provincias",
    "esperaban",
    "noticias",
    "de",
    "la",
    "reunión",
    "que",
    "un",
    "portavoz",
    "describió",
    "como",
    "cordial",
    "y",
    "una",
    "comisión",
    "publicará",
    "su",
    "informe",
    "en",
    "semanas",
]


def filler(slug: str, lang: str = "en", paragraphs: int = 3) -> tuple[str, ...]:
    """``paragraphs`` of neutral sentences of this story's own."""
    rng = random.Random(slug)
    words = _NEUTRAL_ES if lang == "es" else _NEUTRAL_EN
    return tuple(
        " ".join(
            (" ".join(rng.choice(words) for _ in range(rng.randint(12, 18)))).capitalize() + "."
            for _ in range(3)
        )
        for _ in range(paragraphs)
    )


def story(slug: str, title: str, lead: str, lang: str = "en", extra: int = 3) -> Story:
    return Story(slug, title, (lead, *filler(slug, lang, extra)), lang)
