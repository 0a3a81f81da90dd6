"""Articles that report the same story, grouped so a reader sees each story once. Pure.

- ``features``: what of an article tells two reports apart (text signature, figures,
  names, matched terms);
- ``minhash``: MinHash signatures and the index of near copies (the only numpy user);
- ``background``: how common a word is in English or Spanish (shipped word lists);
- ``evidence``: what two reports share that tells one event from another;
- ``placing``: which story a new article joins, one article at a time;
- ``grouping``: the digest's items from the stored stories (titles and URLs for the
  articles not placed yet).
"""
