"""The daily digest: stored hits to a model, to text and HTML, to the reader's inbox.

- ``build``: unsent hits, feed activity and the clock to a ``Digest`` model (pure).
- ``render``: a ``Digest`` to text and HTML and an email message, the only module
  importing Jinja2 and css-inline (pure; templates in ``templates/``).

Delivering the message is ``outputs.mail``'s, which knows nothing of how it is rendered.
"""
