"""Text from untrusted input, made safe and comparable. Pure: no I/O, no state.

- ``html``: HTML fragments (feed titles and summaries) to plain text, one-line fields.
- ``urls``: the canonical spelling of an article URL, which URLs can be fetched, and
  links read as browsers read them.
- ``dates``: feed dates written in Spanish, which the feed parser does not read.
- ``charsets``: what a web page's bytes are written in, as browsers decide it.
- ``languages``: language tags as written ("es-CU", "es_CU", "spa") as the code "es".
- ``fold``: folding for matching (accents, case, punctuation), one character per
  character so that every match maps back to the words as written.

Rules: standard library only, but for idna in ``urls`` (IDNA 2008 host names); nothing
here raises on malformed input.
"""
