"""Articles that report the same story, grouped so a reader sees each story once. Pure.

- ``grouping``: the same canonical URL, or near-identical titles, is one story.
"""
